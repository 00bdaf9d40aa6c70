import { describe, expect, it } from "vitest";
import {
  createToken,
  decodeBase64url,
  encodeBase64url,
  isUuid,
  sha256,
  timingSafeEqual,
  timingSafeEqualSecrets,
  verifyToken,
} from "../../src/tokens";
import { bytesToUuid, writeUuidBytes } from "../../src/tokens/bytes";
import { HEADER_BYTES } from "../../src/tokens/format";
import { makeUser, T0, tokenKey } from "./support";

const hex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");

describe("timing-safe comparison", () => {
  it("says equal only for the same bytes", () => {
    expect(timingSafeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 3]))).toBe(true);
    expect(timingSafeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 4]))).toBe(false);
  });

  it("never calls a prefix, or a longer value that starts with the other, equal", () => {
    const digest = new Uint8Array([9, 8, 7, 6]);
    expect(timingSafeEqual(digest.subarray(0, 2), digest)).toBe(false);
    expect(timingSafeEqual(digest, digest.subarray(0, 2))).toBe(false);
    expect(timingSafeEqual(new Uint8Array(0), digest)).toBe(false);
  });

  it("compares secrets of any length, non-ASCII ones included", async () => {
    expect(await timingSafeEqualSecrets("pässwörd-\u{1F511}", "pässwörd-\u{1F511}")).toBe(true);
    expect(await timingSafeEqualSecrets("pässwörd", "passwort")).toBe(false);
    expect(await timingSafeEqualSecrets("short", "short-but-longer")).toBe(false);
  });
});

describe("sha256", () => {
  it("hashes ASCII and non-ASCII text as its UTF-8 bytes", async () => {
    for (const text of ["", "abc", "é", "user@exämple.com", "\u{1F511} key", "ascii then \u00ff"]) {
      const expected = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
      expect(hex(await sha256(text)), text).toBe(hex(expected));
    }
    // The FIPS 180-2 vector, as a fixed point that does not lean on TextEncoder.
    expect(hex(await sha256("abc"))).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });
});

describe("a token whose scope bytes are not UTF-8", () => {
  it("is refused as malformed, without throwing and without loading the user", async () => {
    const user = makeUser();
    const key = await tokenKey();
    const { token } = await createToken(user, { key, maxAge: 600, scope: "ab", oneTime: false, bindEmail: true, now: T0 });
    const bytes = decodeBase64url(token)!;
    // 0xFF never occurs in UTF-8: the scope cannot be read, whatever the tags say.
    bytes[HEADER_BYTES] = 0xff;
    let loads = 0;
    const result = await verifyToken(encodeBase64url(bytes), {
      keys: [key],
      scope: () => true,
      bindEmail: true,
      loadUser: async () => {
        loads++;
        return user;
      },
      now: T0,
    });
    expect(result).toEqual({ ok: false, reason: "malformed" });
    expect(loads).toBe(0);
  });
});

describe("user ids in token bytes", () => {
  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

  it("takes a lower-case UUID, and nothing else, into 16 bytes and back to the same text", () => {
    const ids = Array.from({ length: 200 }, () => crypto.randomUUID());
    for (const id of ids) {
      const out = new Uint8Array(20);
      expect(writeUuidBytes(id, out, 2), id).toBe(true);
      expect(bytesToUuid(out, 2)).toBe(id);
      expect(isUuid(id)).toBe(true);
    }
    const id = ids[0]!;
    const refused = [
      "",
      "42",
      id.toUpperCase(),
      id.replace(/-/g, ""),
      `${id}0`,
      id.slice(1),
      `${id.slice(0, 8)}${id.slice(9, 10)}-${id.slice(10)}`, // a dash one place off
      id.replace(/[0-9a-f]$/, "g"),
      id.replace(/[0-9a-f]$/, "\u0660"), // ARABIC-INDIC DIGIT ZERO
      id.replace(/^[0-9a-f]/, "\u{1F511}").slice(0, 36),
      id.replace(/-/, "_"),
      ` ${id.slice(1)}`,
    ];
    for (const text of refused) {
      expect(UUID.test(text), text).toBe(false); // the cases are what they claim to be
      expect(isUuid(text), text).toBe(false);
      expect(writeUuidBytes(text, new Uint8Array(16), 0), text).toBe(false);
    }
  });
});
