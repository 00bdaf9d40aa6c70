/**
 * D1 schema (drizzle). migrations/ is generated from this file by `npm run db:generate`
 * and applied by `wrangler d1 migrations apply`. docs/storage.md describes every table.
 * Times are Unix milliseconds. No column ever holds a raw token or code: only keyed hashes.
 */
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const users = sqliteTable("users", {
  /** UUID; sesame tokens carry its 16 raw bytes. */
  id: text("id").primaryKey(),
  /** Normalised: trimmed, lower-case. */
  email: text("email").notNull().unique(),
  name: text("name").notNull().default(""),
  isActive: integer("is_active", { mode: "boolean" }).notNull().default(true),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
  /** Strictly increasing login marker; one-time tokens are signed over it. */
  lastLoginAt: integer("last_login_at"),
  /** Random; replaced on "revoke all" and deactivation, which kills every token. */
  securityStamp: text("security_stamp").notNull(),
  /** When the stamp or the email last changed: lets audit tell `revoked` from `bad_signature`. */
  stateChangedAt: integer("state_changed_at").notNull(),
});

export const authEvents = sqliteTable(
  "auth_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    at: integer("at").notNull(),
    event: text("event").notNull(),
    userId: text("user_id"),
    /** Failure reason (token reason, rate limit key...), never shown to the client. */
    reason: text("reason"),
    ip: text("ip"),
    userAgent: text("user_agent"),
    /** Small JSON object of ids and hashes (session id, token hash prefix); never a raw token. */
    detail: text("detail"),
  },
  (t) => [index("auth_events_user_at").on(t.userId, t.at), index("auth_events_at").on(t.at)],
);

/** One row per browser session; the cookie holds a signed JWT naming the row. */
export const sessions = sqliteTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** How the session was earned: link or code. */
    amr: text("amr").notNull(),
    createdAt: integer("created_at").notNull(),
    lastSeenAt: integer("last_seen_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
    revokedAt: integer("revoked_at"),
    userAgent: text("user_agent"),
    ip: text("ip"),
  },
  (t) => [index("sessions_user").on(t.userId)],
);

/**
 * One row per emailed login (link + code). The code is stored as a keyed hash; the row
 * dies when either the link or the code is redeemed, or after too many wrong codes.
 * `userId` is null when the address has no account yet (open or allowlist sign-up):
 * the user is created only when the link or code is redeemed.
 */
export const loginRequests = sqliteTable(
  "login_requests",
  {
    id: text("id").primaryKey(),
    email: text("email").notNull(),
    userId: text("user_id").references(() => users.id, { onDelete: "cascade" }),
    codeHash: text("code_hash").notNull(),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
    attempts: integer("attempts").notNull().default(0),
    consumedAt: integer("consumed_at"),
    /** Random value written by the one redemption that won, so a batch can tell it won. */
    consumeNonce: text("consume_nonce"),
    ip: text("ip"),
    userAgent: text("user_agent"),
    /** Keyed hash of the asking browser's attempt cookie, bound to this row (SAME_DEVICE; null when off). */
    attemptHash: text("attempt_hash"),
    /** Hash of the emailed link's token, so the link finds its request (and its asking browser). */
    linkHash: text("link_hash"),
  },
  (t) => [
    index("login_requests_email").on(t.email, t.createdAt),
    index("login_requests_user").on(t.userId),
    index("login_requests_link").on(t.linkHash),
  ],
);

/** Fixed-window counters, updated by one atomic UPSERT ... RETURNING per hit. */
export const rateLimits = sqliteTable("rate_limits", {
  key: text("key").primaryKey(),
  windowStart: integer("window_start").notNull(),
  count: integer("count").notNull(),
});

/** MAILER=dev only: the local mailbox listed at /.sesame/dev/mailbox. */
export const devMessages = sqliteTable("dev_messages", {
  id: text("id").primaryKey(),
  to: text("to_address").notNull(),
  subject: text("subject").notNull(),
  text: text("text_body").notNull(),
  html: text("html_body").notNull(),
  createdAt: integer("created_at").notNull(),
  expiresAt: integer("expires_at").notNull(),
});

/**
 * Service tokens (scope `api`) issued to machine clients. The token itself is stateless;
 * this row lets an operator list and revoke them. Only the token's hash is kept.
 */
export const serviceTokens = sqliteTable(
  "service_tokens",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    tokenHash: text("token_hash").notNull().unique(),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
    revokedAt: integer("revoked_at"),
  },
  (t) => [index("service_tokens_user").on(t.userId)],
);

/** Groups that access policies name (docs/access.md). Names: `[a-z0-9][a-z0-9_.-]{0,63}`. */
export const groups = sqliteTable("groups", {
  name: text("name").primaryKey(),
  createdAt: integer("created_at").notNull(),
});

/** Who is in which group. Deleting a group or a user deletes its memberships. */
export const groupMembers = sqliteTable(
  "group_members",
  {
    groupName: text("group_name")
      .notNull()
      .references(() => groups.name, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.groupName, t.userId] }), index("group_members_user").on(t.userId)],
);

export type User = typeof users.$inferSelect;
export type Session = typeof sessions.$inferSelect;
export type LoginRequest = typeof loginRequests.$inferSelect;
export type ServiceToken = typeof serviceTokens.$inferSelect;

/**
 * One row per cross-host sign-in code (docs/access.md, "One sign-in for every app"): only
 * the code's hash is stored, and the row is deleted when the code is presented, so it works
 * once. It is bound to the session it continues, the app and the app host's origin, the
 * return path and the hash of the state cookie the app host set.
 */
export const handoffCodes = sqliteTable("handoff_codes", {
  codeHash: text("code_hash").primaryKey(),
  sessionId: text("session_id").notNull(),
  app: text("app").notNull(),
  origin: text("origin").notNull(),
  path: text("path").notNull(),
  stateHash: text("state_hash").notNull(),
  expiresAt: integer("expires_at").notNull(),
});

/**
 * OpenID Connect clients (docs/oidc.md). The secret of a confidential client is stored as
 * its hash only; it is shown once, when the client is registered. Deleting a client deletes
 * its codes and tokens.
 */
export const oidcClients = sqliteTable("oidc_clients", {
  clientId: text("client_id").primaryKey(),
  name: text("name").notNull(),
  /** `confidential` (has a secret) or `public` (PKCE required, no secret). */
  type: text("type").notNull(),
  secretHash: text("secret_hash"),
  /** JSON arrays of absolute URIs, matched exactly. */
  redirectUris: text("redirect_uris").notNull(),
  postLogoutRedirectUris: text("post_logout_redirect_uris").notNull().default("[]"),
  /** The app (APPS) whose policies decide who may sign in; null: every active user. */
  app: text("app"),
  idTokenAlg: text("id_token_alg").notNull().default("RS256"),
  createdAt: integer("created_at").notNull(),
});

/**
 * Authorization codes: the hash of the code, what it was issued for, and `usedAt` once it
 * was exchanged. A used row stays until it expires so a replay can be recognised and what
 * the first exchange issued (the grant) revoked (RFC 6749 section 4.1.2).
 */
export const oidcCodes = sqliteTable(
  "oidc_codes",
  {
    codeHash: text("code_hash").primaryKey(),
    /** Shared by every token this code leads to: access and refresh tokens, rotations included. */
    grantId: text("grant_id").notNull(),
    clientId: text("client_id")
      .notNull()
      .references(() => oidcClients.clientId, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    redirectUri: text("redirect_uri").notNull(),
    /** S256 challenge; null for a confidential client that sent none. */
    codeChallenge: text("code_challenge"),
    scope: text("scope").notNull(),
    nonce: text("nonce"),
    /** The user's security stamp when the code was issued: a sign-out everywhere in between voids it. */
    securityStamp: text("security_stamp").notNull(),
    /** Unix seconds of the sign-in the session started with. */
    authTime: integer("auth_time").notNull(),
    amr: text("amr").notNull(),
    /** The browser's address and country at authorize, for policies with `ip` or `country` at refresh. */
    ip: text("ip"),
    country: text("country"),
    /** The ID token's `sid`: an opaque value derived from the edge session (src/oidc/session-sid.ts); null before 0007. */
    sid: text("sid"),
    expiresAt: integer("expires_at").notNull(),
    usedAt: integer("used_at"),
    /**
     * Set when the code was presented again: its grant is revoked, and a token insert of the
     * grant that lands after this (the first exchange, still running) revokes itself.
     */
    revokedAt: integer("revoked_at"),
  },
  (t) => [index("oidc_codes_expires").on(t.expiresAt), index("oidc_codes_grant").on(t.grantId)],
);

/**
 * Access and refresh tokens (opaque; only their hashes are stored). `kind` is `access` or
 * `refresh`. A refresh token is rotated by one conditional update setting `rotatedAt`; every
 * token of a grant (`grantId`) is revoked together.
 */
export const oidcTokens = sqliteTable(
  "oidc_tokens",
  {
    tokenHash: text("token_hash").primaryKey(),
    kind: text("kind").notNull(),
    grantId: text("grant_id").notNull(),
    clientId: text("client_id")
      .notNull()
      .references(() => oidcClients.clientId, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    scope: text("scope").notNull(),
    securityStamp: text("security_stamp").notNull(),
    authTime: integer("auth_time").notNull(),
    amr: text("amr").notNull(),
    ip: text("ip"),
    country: text("country"),
    /** The `sid` of the session the grant was issued under, for the ID tokens of each refresh; null before 0007. */
    sid: text("sid"),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
    rotatedAt: integer("rotated_at"),
    revokedAt: integer("revoked_at"),
  },
  (t) => [index("oidc_tokens_grant").on(t.grantId), index("oidc_tokens_user").on(t.userId), index("oidc_tokens_expires").on(t.expiresAt)],
);

export type OidcClient = typeof oidcClients.$inferSelect;
export type OidcCode = typeof oidcCodes.$inferSelect;
export type OidcToken = typeof oidcTokens.$inferSelect;
