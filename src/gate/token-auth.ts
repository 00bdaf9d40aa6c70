/**
 * Bearer service tokens and share links at the gate. Both are sesame tokens; verifying one
 * needs the user from D1 (and, for service tokens, their row), so a verified token is
 * remembered per isolate for at most SESSION_REVALIDATE seconds, keyed by its hash. A
 * remembered token still asks REVOKED, through the isolate's memo (src/kv/revocations.ts),
 * whether it or every token of its user was revoked (DELETE /service-tokens/:id, POST
 * /tokens/revoke; deletion, deactivation, revoke all, sign out everywhere:
 * src/auth/token-service.ts): refused on the next request in the isolate that wrote the
 * revocation, elsewhere within the bound docs/security.md states.
 */

import { and, eq, isNull } from "drizzle-orm";
import type { CompiledApp } from "../access";
import { auditTokenHash } from "../audit/record-event";
import { API_SCOPE } from "../auth/scopes";
import { checkToken, type TokenDeps } from "../auth/token-service";
import { setBounded } from "../bounded-cache";
import type { Config } from "../config";
import { d1OutageOf } from "../db/errors";
import { serviceTokens } from "../db/schema";
import { ServiceUnavailableError } from "../errors";
import { sessionGroupsFor, TooManyGroupsError } from "../groups/session-groups";
import { revokedTokenKey, revokedUserTokensKey } from "../kv/keys";
import { readTokenRevocations } from "../kv/revocations";
import { hashTokenOnce } from "../tokens";
import { MAX_TOKEN_CHARS } from "../tokens/format";
import { shareScopeMatches } from "./paths";
import type { Principal } from "./principal";

/** Bounds the per-isolate cache of verified tokens; beyond it the oldest entry goes. */
const MAX_REMEMBERED_TOKENS = 5000;

/** Who a sesame token authenticates: always with the token's scope (sessions have none). */
type TokenPrincipal = Principal & { scope: string };

interface RememberedToken {
  principal: TokenPrincipal;
  /** Unix ms: the token's own issue time and expiry. */
  issuedAt: number;
  expiresAt: number;
  /** Unix ms: when D1 is asked again about user and row (recheckAt()). */
  recheckAt: number;
}

/**
 * How much earlier than SESSION_REVALIDATE after its last D1 check a remembered token may be
 * checked again: up to this share of the period, set by the token's hash. Tokens first verified
 * together (clients started at once, an isolate's first seconds) would otherwise come due
 * together every period, a burst of D1 reads; this way they come due one after another over the
 * period's last fifth, and none is trusted longer than SESSION_REVALIDATE (docs/gate.md).
 */
const RECHECK_SPREAD = 0.2;

/** When a token checked in D1 at `now` is checked there again. */
function recheckAt(tokenHash: string, now: number, revalidateMs: number): number {
  // A SHA-256 in base64url: its first characters are as good as random, and fixed per token.
  const share = ((tokenHash.charCodeAt(0) * 131 + tokenHash.charCodeAt(1) * 7 + tokenHash.charCodeAt(2)) % 1000) / 1000;
  return now + Math.round(revalidateMs * (1 - RECHECK_SPREAD * share));
}

const remembered = new WeakMap<Config, Map<string, RememberedToken>>();

function cacheFor(config: Config): Map<string, RememberedToken> {
  let cache = remembered.get(config);
  if (!cache) {
    cache = new Map();
    remembered.set(config, cache);
  }
  return cache;
}

interface TokenKind {
  label: "service" | "share";
  acceptsScope(scope: string): boolean;
  /** The assertion's sid for a verified token, or null to refuse it (e.g. its row is revoked). */
  sidFor(deps: TokenDeps, tokenHash: string): Promise<string | null>;
}

const SERVICE: TokenKind = {
  label: "service",
  acceptsScope: (scope) => scope === API_SCOPE,
  async sidFor(deps, tokenHash) {
    const row = await deps.db
      .select({ id: serviceTokens.id })
      .from(serviceTokens)
      .where(and(eq(serviceTokens.tokenHash, tokenHash), isNull(serviceTokens.revokedAt)))
      .get();
    return row?.id ?? null;
  },
};

/**
 * Verifies a sesame token of `kind`, from memory when D1 confirmed it recently. Fails
 * closed: when KV or D1 cannot answer, the token is not accepted (the gate answers 401 or
 * sends a browser to sign in, as it does for a session it cannot check).
 */
async function verifyTokenOrRefuse(
  deps: TokenDeps,
  token: string,
  kind: TokenKind,
): Promise<{ principal: TokenPrincipal; expiresAt: number } | null> {
  try {
    return await verifyRemembered(deps, token, kind);
  } catch (error) {
    if (!(error instanceof ServiceUnavailableError) && !d1OutageOf(error)) throw error;
    logRejection(kind, "unavailable", undefined);
    return null;
  }
}

async function verifyRemembered(
  deps: TokenDeps,
  token: string,
  kind: TokenKind,
): Promise<{ principal: TokenPrincipal; expiresAt: number } | null> {
  if (token.length === 0 || token.length > MAX_TOKEN_CHARS) return null;
  const now = deps.now ?? Date.now();
  const cache = cacheFor(deps.config);
  const tokenHash = hashTokenOnce(token);
  const hash = await tokenHash();
  const hit = cache.get(hash);
  const fresh = hit && now < hit.expiresAt && now < hit.recheckAt;
  if (hit && fresh) {
    if (!kind.acceptsScope(hit.principal.scope)) {
      logRejection(kind, "wrong_scope", hash);
      return null;
    }
    // The hash names this exact token text, already verified: only early revocation is left
    // to ask, of the token itself or of every token of its user (deleted, deactivated...).
    const revocations = await readTokenRevocations(deps.kv, revokedTokenKey(hash), revokedUserTokensKey(hit.principal.userId), {
      now,
      expiresAt: hit.expiresAt,
    });
    const userRevoked = revocations.userTokensRevokedBefore !== null && revocations.userTokensRevokedBefore >= hit.issuedAt;
    if (!revocations.tokenRevoked && !userRevoked) return { principal: hit.principal, expiresAt: hit.expiresAt };
    cache.delete(hash);
    logRejection(kind, "revoked", hash);
    return null;
  }

  const result = await checkToken(deps, token, { scope: kind.acceptsScope, tokenHash });
  if (!result.ok) {
    logRejection(kind, result.reason, result.token?.hash);
    return null;
  }
  const sid = await kind.sidFor(deps, result.token.hash);
  if (sid === null) {
    cache.delete(hash);
    logRejection(kind, "no_live_row", result.token.hash);
    return null;
  }
  // Read with the user, so a membership change reaches a token at its next D1 check, as for sessions.
  let groups: string[];
  try {
    groups = await sessionGroupsFor(deps.db, deps.config, result.user.id);
  } catch (error) {
    if (!(error instanceof TooManyGroupsError)) throw error;
    cache.delete(hash);
    logRejection(kind, "too_many_groups", result.token.hash);
    return null;
  }
  const principal: TokenPrincipal = {
    userId: result.user.id,
    email: result.user.email,
    sid,
    amr: kind.label,
    scope: result.token.scope,
    groups,
  };
  if (deps.config.session.revalidateSeconds > 0) {
    setBounded(
      cache,
      hash,
      {
        principal,
        issuedAt: result.token.issuedAt,
        expiresAt: result.token.expiresAt,
        recheckAt: recheckAt(hash, now, deps.config.session.revalidateSeconds * 1000),
      },
      MAX_REMEMBERED_TOKENS,
    );
  }
  return { principal, expiresAt: result.token.expiresAt };
}

/** Internal reasons go to the log only; the client sees one generic 401. */
function logRejection(kind: TokenKind, reason: string, hash: string | undefined) {
  console.log(
    JSON.stringify({
      level: "info",
      msg: "gate_token_rejected",
      kind: kind.label,
      reason,
      tokenHash: auditTokenHash(hash),
    }),
  );
}

/**
 * `Authorization: Bearer <token>`: a sesame token of scope "api" whose service_tokens row
 * exists and is not revoked. Never creates a session.
 */
export async function authenticateServiceToken(deps: TokenDeps, token: string): Promise<Principal | null> {
  return (await verifyTokenOrRefuse(deps, token, SERVICE))?.principal ?? null;
}

/**
 * A share token (`?sesame=` or the share cookie) whose "path:" scope names `app`, covers
 * `pathname` and allows `method`. Returns the principal and the token's expiry (for the share
 * cookie's lifetime).
 */
export async function authenticateShareToken(
  deps: TokenDeps,
  token: string,
  app: CompiledApp,
  pathname: string,
  method: string,
): Promise<{ principal: TokenPrincipal; expiresAt: number } | null> {
  // The implicit app (no APPS) accepts the app-less scopes it always did, and only those.
  const appName = app.implicit ? null : app.name;
  const kind: TokenKind = {
    label: "share",
    acceptsScope: (scope) => shareScopeMatches(scope, appName, pathname, method),
    // Named in assertions and logs by the audit form of its hash, never by the token.
    sidFor: async (_deps, tokenHash) => auditTokenHash(tokenHash),
  };
  return verifyTokenOrRefuse(deps, token, kind);
}
