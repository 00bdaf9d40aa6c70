import type { Config } from "../config";

/**
 * The public halves of every SIGNING_KEYS key as a JWK Set (RFC 7517 section 5). Members
 * are copied from an allow-list, so a private member (`d`) can never slip through.
 */
export function publicJwks(config: Config): { keys: Record<string, string>[] } {
  return {
    keys: config.secrets.signingKeys.map((jwk) => {
      const { kty, crv, x, y, kid } = jwk;
      return { kty, crv, x, y, kid, alg: "ES256", use: "sig" };
    }),
  };
}
