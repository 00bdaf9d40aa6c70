/** Shared fixtures for the pure token-engine tests: in-memory users and derived keys. */
import { deriveKey, type TokenSubject } from "../../src/tokens";
import { encodeBase64url } from "../../src/tokens/base64url";

/** A fixed clock: 2026-01-01T00:00:00Z, so every expiry edge is exact. */
export const T0 = Date.UTC(2026, 0, 1);

export function randomSecret(): string {
  return encodeBase64url(crypto.getRandomValues(new Uint8Array(32)));
}

export function tokenKey(secret = randomSecret()): Promise<CryptoKey> {
  return deriveKey(secret, "token");
}

export function makeUser(overrides: Partial<TokenSubject> = {}): TokenSubject {
  return {
    id: crypto.randomUUID(),
    email: `user-${crypto.randomUUID().slice(0, 8)}@example.com`,
    isActive: true,
    securityStamp: encodeBase64url(crypto.getRandomValues(new Uint8Array(16))),
    lastLoginAt: null,
    stateChangedAt: T0 - 60_000,
    ...overrides,
  };
}

/** A loadUser over a plain map: the engine alone, no D1. */
export function loaderFor(...users: TokenSubject[]) {
  const byId = new Map(users.map((u) => [u.id, u]));
  return async (id: string) => byId.get(id) ?? null;
}
