/** Types of scripts/keys.mjs for the TypeScript tests that import it. */
type PrivateJwk = Record<string, string>;

export function newSigningKey(): Promise<PrivateJwk>;
export function newRsaSigningKey(): Promise<PrivateJwk>;
export function freshOidcSigningKeys(): Promise<PrivateJwk[]>;
export function freshSecrets(): Promise<{ SESAME_SECRET: string; ADMIN_TOKEN: string; SIGNING_KEYS: string }>;
export function freshDevVars(): Promise<{ SESAME_SECRET: string; ADMIN_TOKEN: string; SIGNING_KEYS: string; OIDC_SIGNING_KEYS: string }>;
export function fillTemplate(template: string, values: Record<string, string>): string;
export const rotation: {
  stage(keys: PrivateJwk[], fresh: PrivateJwk): PrivateJwk[];
  promote(keys: PrivateJwk[]): PrivateJwk[];
  retire(keys: PrivateJwk[]): PrivateJwk[];
};
