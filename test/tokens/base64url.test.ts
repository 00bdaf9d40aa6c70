import { describe, expect, it } from "vitest";
import { decodeBase64url, encodeBase64url } from "../../src/tokens";

const bytesOf = (...values: number[]) => new Uint8Array(values);

describe("base64url", () => {
  it("round-trips random bytes of every length from 0 to 70", () => {
    for (let length = 0; length <= 70; length++) {
      const bytes = crypto.getRandomValues(new Uint8Array(length));
      const text = encodeBase64url(bytes);
      expect(text).toMatch(/^[A-Za-z0-9_-]*$/);
      expect(decodeBase64url(text)).toEqual(bytes);
    }
  });

  it("round-trips every byte value in every position of a 3-byte group", () => {
    for (let value = 0; value < 256; value++) {
      for (const bytes of [bytesOf(value), bytesOf(0, value), bytesOf(0, 0, value)]) {
        expect(decodeBase64url(encodeBase64url(bytes))).toEqual(bytes);
      }
    }
  });

  it("matches RFC 4648 section 10 test vectors, without padding", () => {
    const vectors: [string, string][] = [
      ["", ""],
      ["f", "Zg"],
      ["fo", "Zm8"],
      ["foo", "Zm9v"],
      ["foob", "Zm9vYg"],
      ["fooba", "Zm9vYmE"],
      ["foobar", "Zm9vYmFy"],
    ];
    for (const [plain, encoded] of vectors) {
      expect(encodeBase64url(new TextEncoder().encode(plain))).toBe(encoded);
      expect(new TextDecoder().decode(decodeBase64url(encoded)!)).toBe(plain);
    }
  });

  it("uses - and _ where standard base64 has + and /", () => {
    expect(encodeBase64url(bytesOf(0xfb, 0xff))).toBe("-_8");
    expect(decodeBase64url("-_8")).toEqual(bytesOf(0xfb, 0xff));
  });

  it("rejects padding", () => {
    for (const text of ["Zg==", "Zg=", "Zm8=", "Zm9v====", "="]) expect(decodeBase64url(text)).toBeNull();
  });

  it("rejects non-zero trailing bits, so no two strings decode to the same bytes", () => {
    // "Zg" is the only encoding of "f" and "Zm8" the only one of "fo"; the others below
    // carry the same bytes plus stray low bits, which a lax decoder would drop silently.
    expect(decodeBase64url("Zg")).toEqual(bytesOf(0x66));
    expect(decodeBase64url("Zm8")).toEqual(bytesOf(0x66, 0x6f));
    for (const text of ["Zh", "Zi", "Zj", "Zv", "Zm9", "Zm-", "Zm_", "AB", "AAB"]) {
      expect(decodeBase64url(text), text).toBeNull();
    }
  });

  it("rejects lengths of the form 4n+1, which no byte string encodes to", () => {
    for (const text of ["A", "AAAAA", "Zm9vY"]) expect(decodeBase64url(text)).toBeNull();
  });

  it("rejects + and / and any character outside the base64url alphabet", () => {
    for (const text of ["+_8A", "-/8A", "Zm 9", "Zm.9", "Zm\n9", "Zm9v\u0000", "Zm%2"]) {
      expect(decodeBase64url(text), JSON.stringify(text)).toBeNull();
    }
  });

  it("rejects non-ASCII characters, including look-alikes of the alphabet", () => {
    for (const text of ["Zm9é", "\uff3am9v", "Zm9\u0430", "Zm9\ud83d\ude00", "\u0100AAA"]) {
      expect(decodeBase64url(text), JSON.stringify(text)).toBeNull();
    }
  });
});
