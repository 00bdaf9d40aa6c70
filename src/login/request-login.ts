/**
 * POST /login: ask for a sign-in email (docs/security.md).
 *
 * Whatever the address (active user, inactive user, new address allowed or refused by
 * SIGNUP), the caller gets the same outcome, `accepted`, after about the same time; only
 * rate limits (counted before the address is even looked up) and a provider failure for an
 * address that does get an email answer differently.
 *
 * D1 round trips when an email goes out: three (docs/benchmarks.md, "The login path"): the
 * two rate limits with the address's lookup, the request with its `link_requested` row,
 * then `email_sent`.
 */
import { type AuthEvent, eventStatement, logEvent, recordEvent } from "../audit/record-event";
import { recordFailureEvent } from "../audit/record-failure";
import { issueToken, type TokenDeps } from "../auth/token-service";
import type { LoginRequest, User } from "../db/schema";
import { clientIp, userAgent } from "../http/request-info";
import type { Locale } from "../i18n";
import { MailDeliveryError, type Mailer, type MailReceipt, renderLoginEmail } from "../mail";
import { pruneRateLimitsIfDue, rateLimitClient, rateLimitHit, rateLimitKey } from "../rate-limit";
import { userByEmailQuery } from "../users/store";
import { hashAttempt } from "./attempt-cookie";
import { generateCode, hashCode } from "./codes";
import { magicLinkUrl } from "./link-url";
import { deleteLoginRequest, insertLoginRequestStatement } from "./requests-store";
import { recordSendDuration, waitLikeASend } from "./send-timing";
import { isSignupAllowed } from "./signup-policy";
import { issueSignupToken } from "./signup-token";

export interface LoginDeps extends TokenDeps {
  mailer: Mailer;
}

export type RequestLoginResult =
  | { outcome: "accepted" }
  | { outcome: "rate_limited"; retryAfterSeconds: number }
  | { outcome: "mail_failed" };

interface LoginRequestInput {
  /** Normalised and valid. */
  email: string;
  /** Already passed through safeNext. */
  next: string;
  request: Request;
  /** The asking browser's attempt cookie value to bind the request to (null: SAME_DEVICE=off). */
  attempt?: string | null;
  /** The asking page's language: the email is written in it, and its link keeps it. */
  locale?: Locale;
}

export async function requestLogin(deps: LoginDeps, input: LoginRequestInput): Promise<RequestLoginResult> {
  const { config, db } = deps;
  const ip = clientIp(input.request);
  const agent = userAgent(input.request);
  const audit = { ip, userAgent: agent };

  const { limited, user } = await countAndLookUp(deps, input.email, ip);
  if (limited) {
    await recordFailureEvent(deps, { event: "rate_limited", reason: limited.reason, ...audit });
    return { outcome: "rate_limited", retryAfterSeconds: limited.retryAfterSeconds };
  }

  const startedAt = Date.now();
  if (user ? !user.isActive : !isSignupAllowed(config.signup, input.email)) {
    await recordEvent(
      db,
      user
        ? { event: "link_requested", userId: user.id, reason: "inactive_user", detail: { sent: false }, ...audit }
        : { event: "signup_refused", reason: `signup_${config.signup.policy}`, ...audit },
    );
    await waitLikeASend(startedAt);
    return { outcome: "accepted" };
  }

  const now = deps.now ?? Date.now();
  const code = generateCode(config.code.length);
  const requestId = crypto.randomUUID();
  const request: LoginRequest = {
    id: requestId,
    email: input.email,
    userId: user?.id ?? null,
    codeHash: "",
    createdAt: now,
    expiresAt: now + config.link.maxAgeSeconds * 1000,
    attempts: 0,
    consumedAt: null,
    consumeNonce: null,
    ip,
    userAgent: agent,
    attemptHash: input.attempt ? await hashAttempt(config.secrets.sesame[0], requestId, input.attempt) : null,
    linkHash: null,
  };
  request.codeHash = await hashCode(config.secrets.sesame[0], request.id, code);
  const { token, info } = user ? await issueToken({ ...deps, now }, user) : await issueSignupToken(deps, request);
  request.linkHash = info.hash;
  const detail = { requestId: request.id, newUser: user === null };
  const requested: AuthEvent = { event: "link_requested", userId: user?.id ?? null, detail, ...audit };
  await db.batch([insertLoginRequestStatement(db, request), eventStatement(db, requested, now)]);
  logEvent(requested);

  const message = renderLoginEmail({
    appName: config.appName,
    email: input.email,
    link: magicLinkUrl(deps.config, token, input.next, input.locale),
    code,
    minutes: Math.max(1, Math.floor(config.link.maxAgeSeconds / 60)),
    ip,
    userAgent: agent,
    locale: input.locale,
    brand: config.brand,
  });
  let receipt: MailReceipt;
  try {
    receipt = await deps.mailer.send({ to: input.email, ...message });
  } catch (error) {
    if (!(error instanceof MailDeliveryError)) throw error;
    await recordFailovers(deps, error.earlier, { userId: user?.id ?? null, detail, audit });
    // The code never reached anyone: it must not stay guessable.
    await deleteLoginRequest(db, request.id);
    await recordEvent(db, {
      event: "email_failed",
      userId: user?.id ?? null,
      reason: error.code,
      detail: { ...detail, ...attemptDetail(error) },
      ...audit,
    });
    return { outcome: "mail_failed" };
  }
  await recordFailovers(deps, receipt.earlier, { userId: user?.id ?? null, detail, audit });
  await recordEvent(db, { event: "email_sent", userId: user?.id ?? null, detail: { ...detail, provider: receipt.provider }, ...audit });
  recordSendDuration(Date.now() - startedAt);
  return { outcome: "accepted" };
}

/**
 * Counts this request against the per-IP and the per-address limit (both, always, so one
 * cannot be probed through the other), and looks the address up, in one D1 batch: the
 * counters come first in it, and a limited request uses nothing the lookup found. The
 * address is counted whether or not it has an account: the answer cannot differ between
 * the two. Keys are HMACs under SESAME_SECRET.
 */
async function countAndLookUp(
  deps: LoginDeps,
  email: string,
  ip: string,
): Promise<{ limited: { reason: string; retryAfterSeconds: number } | null; user: User | null }> {
  const { config, db } = deps;
  const secret = config.secrets.sesame[0];
  const windowSeconds = config.rateLimit.windowSeconds;
  const ipHit = rateLimitHit(db, {
    key: await rateLimitKey("login:ip", rateLimitClient(ip, config.rateLimit.ipv6PrefixBits), secret),
    limit: config.rateLimit.loginPerIp,
    windowSeconds,
    now: deps.now,
  });
  const emailHit = rateLimitHit(db, {
    key: await rateLimitKey("login:email", email, secret),
    limit: config.rateLimit.loginPerEmail,
    windowSeconds,
    now: deps.now,
  });
  const [ipRows, emailRows, users] = await db.batch([
    ipHit.statement,
    emailHit.statement,
    userByEmailQuery(db, email),
    ...pruneRateLimitsIfDue(db, ipHit.now),
  ]);
  const byIp = ipHit.result(ipRows);
  const byEmail = emailHit.result(emailRows);
  const user = users[0] ?? null;
  if (byIp.allowed && byEmail.allowed) return { limited: null, user };
  const blocked = [byIp.allowed ? null : byIp, byEmail.allowed ? null : byEmail].filter((r) => r !== null);
  return {
    limited: {
      reason: !byIp.allowed ? "login_per_ip" : "login_per_email",
      retryAfterSeconds: Math.max(...blocked.map((r) => r.retryAfterSeconds)),
    },
    user: null,
  };
}

/** One audit row per failed attempt that moved on to the next provider of MAILER. */
async function recordFailovers(
  deps: LoginDeps,
  failures: MailDeliveryError[],
  context: { userId: string | null; detail: Record<string, string | boolean>; audit: { ip: string; userAgent: string | null } },
): Promise<void> {
  for (const error of failures) {
    await recordEvent(deps.db, {
      event: "email_failover",
      userId: context.userId,
      reason: error.code,
      detail: { ...context.detail, ...attemptDetail(error) },
      ...context.audit,
    });
  }
}

function attemptDetail(error: MailDeliveryError) {
  return { provider: error.provider, providerCode: error.providerCode, status: error.status ?? null };
}
