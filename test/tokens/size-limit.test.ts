/**
 * "Anything over 400 characters is refused before it is decoded" (docs/tokens.md): junk of
 * any size costs a length check, never a decode. The real decoder is watched here; since
 * the worker under test has already loaded the token engine in this isolate, the engine is
 * imported afresh, so it is the one that calls the watched decoder.
 */
import { beforeAll, describe, expect, it, type MockInstance, vi } from "vitest";
import type { verifyToken as VerifyToken } from "../../src/tokens";
import { createToken, deriveKey } from "../../src/tokens";
import { MAX_TOKEN_CHARS } from "../../src/tokens/format";
import { loaderFor, makeUser, randomSecret, T0 } from "./support";

vi.mock(import("../../src/tokens/base64url"), { spy: true });

let verifyToken: typeof VerifyToken;
let decode: MockInstance;

beforeAll(async () => {
  vi.resetModules();
  ({ verifyToken } = await import("../../src/tokens/verify-token"));
  decode = vi.mocked((await import("../../src/tokens/base64url")).decodeBase64url);
});

describe("a token's size limit", async () => {
  const key = await deriveKey(randomSecret(), "token");
  const user = makeUser();
  const { token } = await createToken(user, { key, maxAge: 600, oneTime: false, bindEmail: true, scope: "x".repeat(255), now: T0 });
  const options = { keys: [key], scope: "x".repeat(255), bindEmail: true, loadUser: loaderFor(user), now: T0 + 1000 };

  it("lets the longest token (a 255-byte scope: 399 characters) through, decoded once", async () => {
    expect(token.length).toBe(399);
    decode.mockClear();
    expect(await verifyToken(token, options)).toMatchObject({ ok: true });
    expect(decode).toHaveBeenCalledTimes(1);
  });

  it("refuses anything over 400 characters as malformed without decoding it", async () => {
    decode.mockClear();
    for (const input of ["A".repeat(MAX_TOKEN_CHARS + 1), token + "A".repeat(MAX_TOKEN_CHARS), "A".repeat(64 * 1024)]) {
      expect(await verifyToken(input, options)).toEqual({ ok: false, reason: "malformed" });
    }
    expect(decode).not.toHaveBeenCalled();
  });

  it("decodes junk of exactly 400 characters (the control: the watch sees decodes)", async () => {
    decode.mockClear();
    expect(await verifyToken("A".repeat(MAX_TOKEN_CHARS), options)).toEqual({ ok: false, reason: "malformed" });
    expect(decode).toHaveBeenCalledTimes(1);
  });
});
