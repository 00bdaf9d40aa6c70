import { decodeBase64url } from "./base64url";
import { timingSafeEqual } from "./bytes";
import { MAX_TOKEN_CHARS, parseTokenBytes } from "./format";
import { computeBodyTag, computeStateTag } from "./tags";
import type { TokenFailureReason, TokenInfo, TokenSubject, VerifyResult } from "./types";

export interface VerifyTokenOptions<U extends TokenSubject> {
  /** deriveKeys(secrets, "token"): the current secret first, then the fallbacks. */
  keys: readonly CryptoKey[];
  /** The scope the caller expects, or a predicate over the token's scope (share links). */
  scope: string | ((scope: string) => boolean);
  /** A stricter lifetime, in seconds, than the one the token was minted with. */
  maxAge?: number;
  bindEmail: boolean;
  loadUser(id: string): Promise<U | null>;
  /**
   * Early revocation (KV, keyed by hashToken(token)); asked last, so junk never costs a read
   * and the hash is taken only for a token that passed every other check.
   */
  isRevoked?(): Promise<boolean>;
  /** Unix ms; defaults to Date.now(). */
  now?: number;
}

/**
 * Verifies a sesame token (the analogue of django-sesame's `get_user`). Never throws on
 * untrusted input: every failure is a tagged result with a reason for the logs.
 * One-time tokens are checked, not consumed: the caller consumes them atomically.
 */
export async function verifyToken<U extends TokenSubject>(token: unknown, options: VerifyTokenOptions<U>): Promise<VerifyResult<U>> {
  if (typeof token !== "string" || token.length === 0 || token.length > MAX_TOKEN_CHARS) {
    return { ok: false, reason: "malformed" };
  }
  const bytes = decodeBase64url(token);
  const parsed = bytes && parseTokenBytes(bytes);
  if (!parsed) return { ok: false, reason: "malformed" };

  let key: CryptoKey | undefined;
  for (const candidate of options.keys) {
    if (timingSafeEqual(await computeBodyTag(candidate, parsed.signed), parsed.bodyTag)) {
      key = candidate;
      break;
    }
  }
  if (!key) return { ok: false, reason: "bad_signature" };

  const info: TokenInfo = {
    scope: parsed.scope,
    issuedAt: parsed.issuedAt,
    expiresAt: parsed.issuedAt + parsed.lifetimeSeconds * 1000,
    oneTime: parsed.oneTime,
  };
  const fail = (reason: TokenFailureReason): VerifyResult<U> => ({
    ok: false,
    reason,
    userId: parsed.userId,
    token: info,
  });

  const scopeOk = typeof options.scope === "function" ? options.scope(parsed.scope) : options.scope === parsed.scope;
  if (!scopeOk) return fail("wrong_scope");

  const now = options.now ?? Date.now();
  // Both limits end on the same boundary: a token lives [issuedAt, issuedAt + age) ms.
  const tooOld = options.maxAge !== undefined && now - parsed.issuedAt >= options.maxAge * 1000;
  if (now >= info.expiresAt || tooOld) return fail("expired");

  const user = await options.loadUser(parsed.userId);
  // The state tag alone would accept another user who shares the stamp, email and marker:
  // never trust the loader to have returned the user the token names.
  if (!user || user.id !== parsed.userId) return fail("unknown_user");
  if (!user.isActive) return fail("inactive_user");

  const stateTag = await computeStateTag(key, parsed.signed, user, parsed.oneTime, options.bindEmail);
  if (!timingSafeEqual(stateTag, parsed.stateTag)) {
    if (user.stateChangedAt > parsed.issuedAt) return fail("revoked");
    if (parsed.oneTime && user.lastLoginAt !== null && user.lastLoginAt > parsed.issuedAt) return fail("used");
    return fail("bad_signature");
  }

  if (options.isRevoked && (await options.isRevoked())) return fail("revoked");
  return { ok: true, user, token: info };
}
