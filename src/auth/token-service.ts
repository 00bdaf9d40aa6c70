/**
 * The token engine wired to our storage: users from D1, revocations in KV, keys from
 * config. Routes, the gate and the admin API all go through here.
 */
import type { Config } from "../config";
import type { Database } from "../db/client";
import type { User } from "../db/schema";
import { revokedTokenKey, revokedUserTokensKey, USER_REVOCATION_TTL_SECONDS } from "../kv/keys";
import { isRevocationRecorded, recordRevocation } from "../kv/revocations";
import {
  createToken,
  deriveKey,
  deriveKeys,
  hashToken,
  hashTokenOnce,
  type TokenInfo,
  type TokenSubject,
  type VerifyResult,
  verifyToken,
} from "../tokens";
import { findUserById } from "../users/store";
import { LOGIN_SCOPE } from "./scopes";

export interface TokenDeps {
  config: Config;
  db: Database;
  kv: KVNamespace;
  /** Unix ms, for tests that control the clock. */
  now?: number;
}

export interface IssueOptions {
  scope?: string;
  /** Seconds; defaults to LINK_MAX_AGE. */
  maxAge?: number;
  /** Defaults to LINK_ONE_TIME for the login scope, false for every other scope. */
  oneTime?: boolean;
}

/** What a token says of itself, and its hash: the only form in which it is stored or logged. */
export interface HashedTokenInfo extends TokenInfo {
  /** hashToken(token): base64url SHA-256 of the token text. */
  hash: string;
}

/** Mints a token for `user` under the current SESAME_SECRET; every caller stores or logs its hash. */
export async function issueToken(
  deps: TokenDeps,
  user: User,
  options: IssueOptions = {},
): Promise<{ token: string; info: HashedTokenInfo }> {
  const scope = options.scope ?? LOGIN_SCOPE;
  const { token, info } = await createToken(user, {
    key: await deriveKey(deps.config.secrets.sesame[0], "token"),
    scope,
    maxAge: options.maxAge ?? deps.config.link.maxAgeSeconds,
    oneTime: options.oneTime ?? (scope === LOGIN_SCOPE ? deps.config.link.oneTime : false),
    bindEmail: deps.config.link.invalidateOnEmailChange,
    now: deps.now,
  });
  return { token, info: { ...info, hash: await hashToken(token) } };
}

export interface CheckOptions {
  scope: string | ((scope: string) => boolean);
  maxAge?: number;
  /** Loads the token's user; defaults to findUserById (a caller may read more in the same D1 round trip). */
  loadUser?: (id: string) => Promise<User | null>;
  /**
   * The caller's hashTokenOnce(token), when it needs the hash too (a cache key, a D1 lookup):
   * the token is then hashed once between them.
   */
  tokenHash?: () => Promise<string>;
}

export type CheckResult<U extends TokenSubject = User> = VerifyResult<U, HashedTokenInfo>;

/**
 * Verifies under the current secret and every fallback; checks KV revocation last. Throws
 * ServiceUnavailableError when KV cannot say whether the token was revoked. A result that
 * names the token carries its hash, for the revocation key, the logs and the audit table.
 */
export async function checkToken(deps: TokenDeps, token: unknown, options: CheckOptions): Promise<CheckResult> {
  const tokenHash = options.tokenHash ?? hashTokenOnce(typeof token === "string" ? token : "");
  const result = await verifyToken<User>(token, {
    keys: await deriveKeys(deps.config.secrets.sesame, "token"),
    scope: options.scope,
    maxAge: options.maxAge,
    bindEmail: deps.config.link.invalidateOnEmailChange,
    loadUser: options.loadUser ?? ((id) => findUserById(deps.db, id)),
    isRevoked: isTokenRevoked(deps, tokenHash),
    now: deps.now,
  });
  return withTokenHash(result, tokenHash);
}

/** The revocation read of one token. KV unreadable throws ServiceUnavailableError: never "not revoked" by default. */
export function isTokenRevoked(deps: TokenDeps, tokenHash: () => Promise<string>): () => Promise<boolean> {
  return async () => isRevocationRecorded(deps.kv, revokedTokenKey(await tokenHash()));
}

/**
 * Adds the token's hash to a result that names the token. Malformed and forged tokens name
 * none, and are never hashed.
 */
export async function withTokenHash<U extends TokenSubject>(
  result: VerifyResult<U>,
  tokenHash: () => Promise<string>,
): Promise<CheckResult<U>> {
  if (!result.token) return result as CheckResult<U>;
  return { ...result, token: { ...result.token, hash: await tokenHash() } };
}

/**
 * Revokes one token before it expires: its hash goes into REVOKED for its remaining life.
 * Only genuine, unexpired tokens are written, so junk cannot fill the namespace. Throws
 * ServiceUnavailableError when KV cannot take the write.
 */
export async function revokeToken(
  deps: TokenDeps,
  token: unknown,
): Promise<{ revoked: true; userId: string; token: HashedTokenInfo } | { revoked: false; reason: string }> {
  const result = await checkToken(deps, token, { scope: () => true });
  const info = result.token;
  if (!info) return { revoked: false, reason: result.ok ? "malformed" : result.reason };
  if (!result.ok && ["expired", "bad_signature", "malformed"].includes(result.reason)) {
    return { revoked: false, reason: result.reason };
  }
  const now = deps.now ?? Date.now();
  await recordRevocation(deps.kv, revokedTokenKey(info.hash), { expiresAt: info.expiresAt, now });
  // biome-ignore lint/style/noNonNullAssertion: a failure that carries `token` was parsed, so it carries the token's userId too
  return { revoked: true, userId: result.ok ? result.user.id : result.userId!, token: info };
}

/**
 * Kills every token of the user issued until now at the gate, remembered ones included
 * (src/gate/token-auth.ts): deletion, deactivation, revoke all and sign out everywhere call
 * it. D1 refuses those tokens by itself (new stamp, no user, inactive); this reaches the
 * tokens the gate verified recently and works from memory, with the bound of
 * docs/security.md ("How fast a revocation is refused"). Throws
 * ServiceUnavailableError when KV cannot take the write.
 */
export async function revokeUserTokens(deps: TokenDeps, userId: string): Promise<void> {
  const now = deps.now ?? Date.now();
  await recordRevocation(deps.kv, revokedUserTokensKey(userId), {
    expiresAt: now + USER_REVOCATION_TTL_SECONDS * 1000,
    now,
    value: String(now),
  });
}
