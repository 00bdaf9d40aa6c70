/**
 * The token bytes and both tags, rebuilt here from docs/tokens.md alone (TextEncoder,
 * DataView, WebCrypto HMAC): the engine's own byte builders may change for speed, the format
 * may not. One frozen token also pins the whole text against the reference itself drifting.
 */
import { describe, expect, it } from "vitest";
import { createToken, decodeBase64url, deriveKey, encodeBase64url, type TokenSubject, verifyToken } from "../../src/tokens";
import { T0 } from "./support";

const SECRET = "dGhlLWZvcm1hdC12ZWN0b3Itc2VjcmV0LTMyLWJ5dGVz";

/** docs/tokens.md: each field preceded by its length, 4 bytes big-endian, then concatenated. */
function lp(fields: (string | Uint8Array)[]): Uint8Array<ArrayBuffer> {
  const parts = fields.map((f) => (typeof f === "string" ? new TextEncoder().encode(f) : f));
  const out = new Uint8Array(parts.reduce((n, p) => n + 4 + p.length, 0));
  let o = 0;
  for (const p of parts) {
    new DataView(out.buffer).setUint32(o, p.length);
    out.set(p, o + 4);
    o += 4 + p.length;
  }
  return out;
}

/** docs/tokens.md, "One key per purpose": HMAC(secret, "sesame-edge/token/v1"). */
async function referenceKey(): Promise<CryptoKey> {
  const importKey = (raw: BufferSource) => crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const master = await importKey(new TextEncoder().encode(SECRET));
  return importKey(await crypto.subtle.sign("HMAC", master, new TextEncoder().encode("sesame-edge/token/v1")));
}

interface Case {
  name: string;
  user: TokenSubject;
  scope: string;
  maxAge: number;
  oneTime: boolean;
  bindEmail: boolean;
  now: number;
}

/** The token docs/tokens.md describes, byte for byte. */
async function referenceToken(c: Case): Promise<string> {
  const scope = new TextEncoder().encode(c.scope);
  const signed = new Uint8Array(28 + scope.length);
  const view = new DataView(signed.buffer);
  signed[0] = 0x10 | (c.oneTime ? 1 : 0);
  signed.set(
    c.user.id
      .replace(/-/g, "")
      .match(/../g)!
      .map((h) => parseInt(h, 16)),
    1,
  );
  view.setUint16(17, Math.floor(c.now / 2 ** 32));
  view.setUint32(19, c.now % 2 ** 32);
  view.setUint32(23, c.maxAge);
  signed[27] = scope.length;
  signed.set(scope, 28);
  const key = await referenceKey();
  const mac = async (input: Uint8Array<ArrayBuffer>) => new Uint8Array(await crypto.subtle.sign("HMAC", key, input)).subarray(0, 8);
  const email = c.bindEmail ? `email:${c.user.email}` : "email-unbound";
  const login = c.oneTime ? `login:${c.user.lastLoginAt ?? "never"}` : "reusable";
  const bodyTag = await mac(lp(["sesame-edge/body", signed]));
  const stateTag = await mac(lp(["sesame-edge/state", signed, c.user.securityStamp, email, login]));
  const bytes = new Uint8Array(signed.length + 16);
  bytes.set(signed);
  bytes.set(bodyTag, signed.length);
  bytes.set(stateTag, signed.length + 8);
  return encodeBase64url(bytes);
}

const alice: TokenSubject = {
  id: "0b1e8a52-3c4d-4e5f-8a6b-7c8d9e0fa1b2",
  email: "alice@example.com",
  isActive: true,
  securityStamp: "c3RhbXAtb2YtYWxpY2U",
  lastLoginAt: T0 - 3_600_000,
  stateChangedAt: T0 - 86_400_000,
};
/** Non-ASCII everywhere text goes: the UTF-8 paths, not only the ASCII fast paths. */
const zoe: TokenSubject = {
  id: "f0e1d2c3-b4a5-4697-8877-665544332211",
  email: "zoë@exämple.com",
  isActive: true,
  securityStamp: "stämp-\u{1F511}",
  lastLoginAt: null,
  stateChangedAt: T0 - 86_400_000,
};

const CASES: Case[] = [
  { name: "a login link", user: alice, scope: "", maxAge: 600, oneTime: true, bindEmail: true, now: T0 },
  { name: "a login link of a user who never logged in", user: zoe, scope: "", maxAge: 600, oneTime: true, bindEmail: true, now: T0 + 1 },
  { name: "a service token", user: alice, scope: "api", maxAge: 86_400, oneTime: false, bindEmail: true, now: T0 + 7 },
  { name: "a share link, email unbound", user: alice, scope: "path:/reports/42", maxAge: 3600, oneTime: false, bindEmail: false, now: T0 },
  {
    name: "a non-ASCII scope and user",
    user: zoe,
    scope: "path:/bücher/\u{1F4DA}",
    maxAge: 0xffffffff,
    oneTime: false,
    bindEmail: true,
    now: 2 ** 47,
  },
  { name: "a 255-byte scope", user: alice, scope: "s".repeat(255), maxAge: 1, oneTime: true, bindEmail: false, now: T0 },
];

describe("the token format of docs/tokens.md", () => {
  for (const c of CASES) {
    it(`mints ${c.name} byte for byte as documented, and verifies it`, async () => {
      const key = await deriveKey(SECRET, "token");
      const { token } = await createToken(c.user, {
        key,
        scope: c.scope,
        maxAge: c.maxAge,
        oneTime: c.oneTime,
        bindEmail: c.bindEmail,
        now: c.now,
      });
      expect(token).toBe(await referenceToken(c));
      const result = await verifyToken(token, {
        keys: [key],
        scope: c.scope,
        bindEmail: c.bindEmail,
        loadUser: async (id) => (id === c.user.id ? c.user : null),
        now: c.now,
      });
      expect(result).toMatchObject({ ok: true, user: c.user, token: { scope: c.scope, issuedAt: c.now, oneTime: c.oneTime } });
    });

    it(`refuses ${c.name} when any single bit of it is flipped`, async () => {
      const key = await deriveKey(SECRET, "token");
      const token = await referenceToken(c);
      const bytes = decodeBase64url(token)!;
      for (let bit = 0; bit < bytes.length * 8; bit++) {
        const flipped = bytes.slice();
        flipped[bit >> 3]! ^= 0x80 >> (bit & 7);
        const result = await verifyToken(encodeBase64url(flipped), {
          keys: [key],
          scope: () => true,
          bindEmail: c.bindEmail,
          loadUser: async () => c.user,
          now: c.now,
        });
        expect(result.ok, `bit ${bit}`).toBe(false);
      }
    });
  }

  it("keeps the text of a known login token", async () => {
    const key = await deriveKey(SECRET, "token");
    const { token } = await createToken(alice, { key, maxAge: 600, oneTime: true, bindEmail: true, now: T0 });
    expect(token).toBe("EQseilI8TU5fimt8jZ4PobIBm3baqAAAAAJYALfSqAt64_3yGAqoSTAKA-I");
  });
});
