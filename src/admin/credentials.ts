/**
 * Credentials an admin hands out, for the admin API and the console (docs/admin-api.md):
 * service tokens (scope "api", for machine clients) and share links (scope "path:..."), and
 * the revocation of one token. A service token is a stateless sesame token plus a row (id,
 * name, hash, times) so operators can list and revoke it; the raw token appears only in the
 * answer that issues it, the audit trail keeps a hash prefix.
 */
import { desc, eq } from "drizzle-orm";
import { auditTokenHash } from "../audit/record-event";
import { API_SCOPE, SHARE_READ_METHODS, shareScope } from "../auth/scopes";
import { issueToken, revokeToken } from "../auth/token-service";
import { MAX_TOKEN_AGE_SECONDS } from "../config";
import { type ServiceToken, serviceTokens, type User } from "../db/schema";
import { BadRequestError, ConflictError, NotFoundError } from "../errors";
import { refuseControlCharacters } from "../http/control-characters";
import { revokedTokenKey } from "../kv/keys";
import { recordRevocation } from "../kv/revocations";
import { isUuid } from "../tokens";
import { MAX_SCOPE_BYTES } from "../tokens/format";
import { type AdminCaller, recordAdminAction } from "./caller";
import { checkSharePath, shareActions, shareLinkApp, tokenUrl } from "./token-scope";

/** Shortest lifetime worth minting: a link must survive a mail round trip; also KV's minimum TTL. */
export const MIN_TOKEN_AGE_SECONDS = 60;
export const SERVICE_TOKEN_DEFAULT_MAX_AGE_SECONDS = 90 * 24 * 3600;
export const SHARE_LINK_DEFAULT_MAX_AGE_SECONDS = 7 * 24 * 3600;
/** A label for lists and audit lines ("ci-deploy", "grafana"), not prose. */
export const MAX_SERVICE_TOKEN_NAME_LENGTH = 100;
/** Share paths leave room for the "path:" prefix inside the 200-character scope limit. */
export const MAX_SHARE_PATH_LENGTH = 190;

/** A token for an inactive user could never be used, and would come back to life on reactivation. */
export function requireActive(user: User) {
  if (!user.isActive) throw new ConflictError("user", "The user is inactive: activate it before issuing a token");
}

function checkMaxAge(maxAge: number, field: string) {
  if (!Number.isInteger(maxAge) || maxAge < MIN_TOKEN_AGE_SECONDS || maxAge > MAX_TOKEN_AGE_SECONDS) {
    throw new BadRequestError(field, `${field} must be a whole number from ${MIN_TOKEN_AGE_SECONDS} to ${MAX_TOKEN_AGE_SECONDS}`);
  }
}

/** Issues a service token named `name` for `user`, living `maxAge` seconds. */
export async function issueServiceToken(
  caller: AdminCaller,
  user: User,
  input: { name: string; maxAge: number },
): Promise<{ row: ServiceToken; token: string }> {
  const name = input.name.trim();
  if (name.length === 0) throw new BadRequestError("name", "name must not be empty");
  if (name.length > MAX_SERVICE_TOKEN_NAME_LENGTH) {
    throw new BadRequestError("name", `name must be at most ${MAX_SERVICE_TOKEN_NAME_LENGTH} characters`);
  }
  refuseControlCharacters(name, "name");
  checkMaxAge(input.maxAge, "maxAge");
  requireActive(user);

  const { deps } = caller;
  const { token, info } = await issueToken(deps, user, { scope: API_SCOPE, maxAge: input.maxAge, oneTime: false });
  const row = await deps.db
    .insert(serviceTokens)
    .values({ id: crypto.randomUUID(), userId: user.id, name, tokenHash: info.hash, createdAt: info.issuedAt, expiresAt: info.expiresAt })
    .returning()
    .get();
  await recordAdminAction(caller, {
    event: "service_token_issued",
    userId: user.id,
    detail: { serviceTokenId: row.id, name, tokenHash: auditTokenHash(info.hash) },
  });
  return { row, token };
}

/** Every service token of `user`, newest first, revoked and expired ones included. */
export function listServiceTokensOf(caller: Pick<AdminCaller, "deps">, user: User): Promise<ServiceToken[]> {
  return caller.deps.db
    .select()
    .from(serviceTokens)
    .where(eq(serviceTokens.userId, user.id))
    .orderBy(desc(serviceTokens.createdAt), desc(serviceTokens.id))
    .all();
}

export async function findServiceToken(caller: Pick<AdminCaller, "deps">, rawId: string): Promise<ServiceToken> {
  const id = rawId.toLowerCase();
  const row = isUuid(id) ? await caller.deps.db.select().from(serviceTokens).where(eq(serviceTokens.id, id)).get() : undefined;
  if (!row) throw new NotFoundError("No such service token");
  return row;
}

/**
 * Revokes a service token. Idempotent: a second revocation changes nothing and keeps the
 * first revocation time. KV first: the gate reads it for remembered tokens (docs/security.md,
 * "How fast a revocation is refused").
 */
export async function revokeServiceToken(caller: AdminCaller, row: ServiceToken): Promise<void> {
  if (row.revokedAt !== null) return;
  const now = Date.now();
  if (row.expiresAt > now) await recordRevocation(caller.deps.kv, revokedTokenKey(row.tokenHash), { expiresAt: row.expiresAt, now });
  await caller.deps.db.update(serviceTokens).set({ revokedAt: now }).where(eq(serviceTokens.id, row.id)).run();
  await recordAdminAction(caller, {
    event: "service_token_revoked",
    userId: row.userId,
    detail: { serviceTokenId: row.id, tokenHash: auditTokenHash(row.tokenHash) },
  });
}

/**
 * Issues a share link for `path` (docs/gate.md, "Share links"): its token, URL, scope and
 * expiry. Under APPS the link belongs to the app named `app` (docs/access.md, "Share links").
 */
export async function issueShareLink(
  caller: AdminCaller,
  user: User,
  input: { app: string | null; path: string; maxAge: number; methods?: readonly string[] },
): Promise<{ token: string; url: string; scope: string; methods: readonly string[]; expiresAt: number }> {
  const { config } = caller.deps;
  const shareApp = shareLinkApp(config, input.app, "app");
  const actions = shareActions(input.methods ?? [], "methods");
  // The scope (app, path, methods) must fit the token's 255-byte scope field (src/tokens/format.ts).
  const maxPathLength = Math.min(MAX_SHARE_PATH_LENGTH, MAX_SCOPE_BYTES - shareScope(shareApp?.name ?? null, "", actions).length);
  if (input.path.length === 0) throw new BadRequestError("path", "path must not be empty");
  if (input.path.length > maxPathLength) throw new BadRequestError("path", `path must be at most ${maxPathLength} characters`);
  const path = checkSharePath(input.path, "path");
  // The edge answers everything under the auth prefix itself: a share link there could never be used.
  if (path === config.authPrefix || path.startsWith(`${config.authPrefix}/`)) {
    throw new BadRequestError("path", `path must not be under ${config.authPrefix}`);
  }
  checkMaxAge(input.maxAge, "maxAge");
  requireActive(user);

  const scope = shareScope(shareApp?.name ?? null, path, actions);
  const { token, info } = await issueToken(caller.deps, user, { scope, maxAge: input.maxAge, oneTime: false });
  await recordAdminAction(caller, { event: "share_link_issued", userId: user.id, detail: { scope, tokenHash: auditTokenHash(info.hash) } });
  const methods = [...SHARE_READ_METHODS, ...actions];
  // biome-ignore lint/style/noNonNullAssertion: a share scope always has a URL (token-scope.ts)
  return { token, url: tokenUrl(config, scope, token)!, scope, methods, expiresAt: info.expiresAt };
}

/**
 * Revokes one token (a share link's, a login link's) given the token itself. The message is
 * the same whatever was wrong with it, and never echoes it.
 */
export async function revokeOneToken(caller: AdminCaller, token: string): Promise<{ scope: string; expiresAt: number }> {
  const result = await revokeToken(caller.deps, token);
  if (!result.revoked) throw new BadRequestError("token", "token is not a live token issued by this edge");
  await recordAdminAction(caller, {
    event: "token_revoked",
    userId: result.userId,
    detail: { scope: result.token.scope, tokenHash: auditTokenHash(result.token.hash) },
  });
  return { scope: result.token.scope, expiresAt: result.token.expiresAt };
}
