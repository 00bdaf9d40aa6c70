import { describe, expect, it } from "vitest";
import {
  createToken,
  decodeBase64url,
  deriveKey,
  deriveKeys,
  encodeBase64url,
  type TokenSubject,
  type VerifyTokenOptions,
  verifyToken,
} from "../../src/tokens";
import { makeUser, randomSecret, T0 } from "./support";

/** A verifier that counts lookups, to show junk never costs a user or KV read. */
function countingOptions(user: TokenSubject, keys: CryptoKey[]) {
  const reads = { users: 0, revoked: 0 };
  const options: VerifyTokenOptions<TokenSubject> = {
    keys,
    scope: "",
    bindEmail: true,
    loadUser: async (id) => {
      reads.users++;
      return id === user.id ? user : null;
    },
    isRevoked: async () => {
      reads.revoked++;
      return false;
    },
    now: T0 + 1000,
  };
  return { options, reads };
}

describe("secret rotation", () => {
  it("verifies a token minted under S1 with keys [S2, S1], and refuses it with [S2] alone", async () => {
    const [s1, s2] = [randomSecret(), randomSecret()];
    const user = makeUser();
    const { token } = await createToken(user, { key: await deriveKey(s1, "token"), maxAge: 600, oneTime: true, bindEmail: true, now: T0 });
    const withFallback = countingOptions(user, await deriveKeys([s2, s1], "token"));
    expect(await verifyToken(token, withFallback.options)).toMatchObject({ ok: true, user: { id: user.id } });
    const rotatedOut = countingOptions(user, await deriveKeys([s2], "token"));
    expect(await verifyToken(token, rotatedOut.options)).toMatchObject({ ok: false, reason: "bad_signature" });
    expect(rotatedOut.reads).toEqual({ users: 0, revoked: 0 });
  });

  it("never accepts a value signed with the same secret for another purpose", async () => {
    const secret = randomSecret();
    const user = makeUser();
    const { token } = await createToken(user, {
      key: await deriveKey(secret, "session"),
      maxAge: 600,
      oneTime: true,
      bindEmail: true,
      now: T0,
    });
    const { options } = countingOptions(user, [await deriveKey(secret, "token")]);
    expect(await verifyToken(token, options)).toMatchObject({ ok: false, reason: "bad_signature" });
  });

  it("derives one key per secret and purpose, cached for the isolate", async () => {
    const secret = randomSecret();
    expect(await deriveKey(secret, "token")).toBe(await deriveKey(secret, "token"));
    expect(await deriveKey(secret, "token")).not.toBe(await deriveKey(secret, "code"));
  });
});

describe("bad input is refused with malformed or bad_signature, never a throw", async () => {
  const secret = randomSecret();
  const key = await deriveKey(secret, "token");
  const user = makeUser();
  const { token } = await createToken(user, { key, maxAge: 600, oneTime: true, bindEmail: true, now: T0 });

  async function expectRefused(input: unknown, reasons: string[] = ["malformed", "bad_signature"]) {
    const { options, reads } = countingOptions(user, [key]);
    const result = await verifyToken(input, options);
    expect(result.ok, String(input).slice(0, 60)).toBe(false);
    if (!result.ok) expect(reasons, String(input).slice(0, 60)).toContain(result.reason);
    return reads;
  }

  it("accepts the untouched token (the control for everything below)", async () => {
    expect(await verifyToken(token, countingOptions(user, [key]).options)).toMatchObject({ ok: true });
  });

  it("refuses empty and non-string input", async () => {
    for (const input of ["", undefined, null, 42, {}, [token], new TextEncoder().encode(token), { toString: () => token }]) {
      await expectRefused(input, ["malformed"]);
    }
  });

  it("refuses non-ASCII, padding and other base64 alphabets", async () => {
    await expectRefused(`${token.slice(0, 10)}\u00e9${token.slice(11)}`, ["malformed"]);
    await expectRefused(`${token}\u200b`, ["malformed"]);
    await expectRefused(`${token}=`, ["malformed"]);
    await expectRefused(`${token}==`, ["malformed"]);
    await expectRefused(` ${token}`, ["malformed"]);
    const standard = btoa(String.fromCharCode(...decodeBase64url(token)!));
    expect(standard).not.toBe(token);
    await expectRefused(standard, ["malformed"]);
  });

  it("refuses every truncation, without ever loading the user", async () => {
    for (let length = 0; length < token.length; length++) {
      const reads = await expectRefused(token.slice(0, length));
      expect(reads).toEqual({ users: 0, revoked: 0 });
    }
  });

  it("refuses the token with one more byte, or one byte less, at the end", async () => {
    const bytes = decodeBase64url(token)!;
    await expectRefused(encodeBase64url(new Uint8Array([...bytes, 0])));
    await expectRefused(encodeBase64url(bytes.subarray(0, bytes.length - 1)));
  });

  it("refuses the token with any single bit of any byte flipped", async () => {
    const bytes = decodeBase64url(token)!;
    let tried = 0;
    for (let position = 0; position < bytes.length; position++) {
      for (let bit = 0; bit < 8; bit++) {
        const flipped = bytes.slice();
        flipped[position]! ^= 1 << bit;
        await expectRefused(encodeBase64url(flipped));
        tried++;
      }
    }
    expect(tried).toBe(44 * 8);
  });

  it("refuses every other character in every position of the text", async () => {
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for (let position = 0; position < token.length; position++) {
      const other = alphabet[(alphabet.indexOf(token[position]!) + 1 + position) % 64]!;
      await expectRefused(token.slice(0, position) + other + token.slice(position + 1));
    }
  });

  it("never calls the revocation store for a token that fails before it", async () => {
    const reads = await expectRefused(token.slice(0, -1));
    expect(reads.revoked).toBe(0);
  });
});
