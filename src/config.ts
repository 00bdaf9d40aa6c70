/**
 * Configuration: every variable, secret and binding, parsed and validated once per
 * isolate. A bad or missing value names the key and what is wrong; the worker then
 * refuses to serve rather than run insecurely (see ConfigError in errors.ts).
 *
 * docs/configuration.md is checked against CONFIG_KEYS by a test, so the two never drift.
 */
import { type AccessRegistry, loadAccess } from "./access";
import { NAME_PATTERN } from "./access/parse-apps";
import { type Brand, parseBrand } from "./brand";
import { ConfigError } from "./errors";
import { headerKey, passClientHeaderProblem } from "./gate/client-headers";
import { isDevHost } from "./http/dev-hosts";
import { type Locale, matchLocale, SUPPORTED_LOCALES, toSupportedLocale } from "./i18n";
import { type OidcSigningKey, parseOidcSigningKeys } from "./oidc/signing-keys";
import { isValidEmail, normalizeEmail } from "./users/email";

type NonEmpty<T> = [T, ...T[]];
/** A private EC P-256 JWK with a key id, as parseSigningKeys checks it. */
type SigningKey = JsonWebKey & { kty: string; crv: string; x: string; y: string; d: string; kid: string };

type SignupPolicy = "closed" | "open" | "allowlist";
/** A real mail provider; `dev` keeps mail on the machine and is never part of a list. */
type MailProvider = "cloudflare" | "mailchannels";
export type MailerKind = MailProvider | "dev";
type SameDeviceMode = "off" | "warn" | "require";

export interface Config {
  appName: string;
  /** The edge's public origin, e.g. https://app.example.com: links, `iss`, cookies. */
  publicUrl: URL;
  authPrefix: string;
  /** Add includeSubDomains to Strict-Transport-Security (sent only when PUBLIC_URL is https). */
  hstsIncludeSubdomains: boolean;
  secrets: {
    /** First is the current secret; the rest are fallbacks accepted for verification. */
    sesame: NonEmpty<string>;
    adminToken: string | null;
    /** First signs; all are published (docs/keys.md). */
    signingKeys: NonEmpty<SigningKey>;
  };
  link: { maxAgeSeconds: number; oneTime: boolean; invalidateOnEmailChange: boolean };
  code: { length: number; maxAttempts: number };
  session: {
    /** Sliding: a session unused this long ends. */
    maxAgeSeconds: number;
    /** Absolute: a session ends this long after sign-in however often it is used. */
    absoluteMaxAgeSeconds: number;
    revalidateSeconds: number;
  };
  rateLimit: {
    windowSeconds: number;
    loginPerEmail: number;
    loginPerIp: number;
    codePerIp: number;
    /** Per-IP limits count an IPv6 client by this many leading bits of its address (RATE_LIMIT_IPV6_PREFIX). */
    ipv6PrefixBits: number;
  };
  /** Failure events (bad links, wrong admin tokens, rate-limited requests) written per client and window. */
  audit: { failuresPerClient: number };
  retention: { eventsDays: number };
  signup: { policy: SignupPolicy; allowedEmails: Set<string>; allowedDomains: Set<string> };
  mail: {
    /** `["dev"]`, or real providers tried in order (MAILER=cloudflare,mailchannels). */
    providers: MailerKind[];
    from: string;
    fromName: string;
    apiUrl: string;
    apiKey: string | null;
    dkim: { domain: string; selector: string; privateKey: string } | null;
    timeoutMs: number;
  };
  /** LOCALES and DEFAULT_LOCALE: the languages pages and emails may use (src/i18n/). */
  i18n: { locales: Locale[]; defaultLocale: Locale };
  brand: Brand;
  origin: {
    timeoutMs: number;
    assertionTtlSeconds: number;
    forwardCompatHeaders: boolean;
    /** headerKey()s of other gates' headers a client may still send to the origin (PASS_CLIENT_HEADERS). */
    passClientHeaders: ReadonlySet<string>;
    /** What a forward-auth proxy proves itself with before /verify believes its client address (docs/forward-auth.md); null when unset. */
    forwardAuthSecret: string | null;
  };
  /** The apps (APPS, or the implicit one of ORIGIN_URL) and their policies, compiled (src/access). */
  access: AccessRegistry;
  /** The group whose members administer the edge; sessions always carry it. */
  adminGroup: string;
  /** ADMIN_EMAILS, normalised: the first members of ADMIN_GROUP while it does not exist yet (src/groups/seed-admins.ts). */
  adminEmails: string[];
  /** Cloudflare Turnstile on POST /login and /code; null when off. */
  turnstile: { siteKey: string; secretKey: string; verifyUrl: string; timeoutMs: number } | null;
  /** Whether a link or code must be used in the browser that asked for it (docs/security.md). */
  sameDevice: SameDeviceMode;
  /** The OpenID Connect provider (docs/oidc.md); null when OIDC_SIGNING_KEYS is empty (off). */
  oidc: {
    /** ID token keys; the first of each algorithm signs, all are published (docs/keys.md). */
    signingKeys: OidcSigningKey[];
    /** How long an authorization code lives (at most 60 s, RFC 6749 section 4.1.2 says "short"). */
    codeTtlSeconds: number;
    /** How long after a rotation a second use of the old refresh token is refused without revoking the family. */
    refreshReuseGraceSeconds: number;
  } | null;
}

/** Every key the worker reads from its environment, with its default ("" = none). */
export const CONFIG_KEYS = {
  APP_NAME: "sesame-edge",
  PUBLIC_URL: "",
  AUTH_PREFIX: "/.sesame",
  HSTS_INCLUDE_SUBDOMAINS: "false",
  SESAME_SECRET: "",
  SESAME_SECRET_FALLBACKS: "",
  SIGNING_KEYS: "",
  ADMIN_TOKEN: "",
  LINK_MAX_AGE: "600",
  LINK_ONE_TIME: "true",
  INVALIDATE_ON_EMAIL_CHANGE: "true",
  CODE_LENGTH: "6",
  CODE_MAX_ATTEMPTS: "5",
  SESSION_MAX_AGE: "604800",
  SESSION_ABSOLUTE_MAX_AGE: "2592000",
  SESSION_REVALIDATE: "300",
  RATE_LIMIT_WINDOW: "900",
  RATE_LIMIT_LOGIN_PER_EMAIL: "5",
  RATE_LIMIT_LOGIN_PER_IP: "30",
  RATE_LIMIT_CODE_PER_IP: "30",
  RATE_LIMIT_IPV6_PREFIX: "64",
  AUDIT_FAILURES_PER_CLIENT: "10",
  RETENTION_DAYS_EVENTS: "90",
  SIGNUP: "closed",
  ALLOWED_EMAILS: "",
  ALLOWED_EMAIL_DOMAINS: "",
  MAILER: "mailchannels",
  MAIL_FROM: "",
  MAIL_FROM_NAME: "",
  MAILCHANNELS_API_URL: "https://api.mailchannels.net/tx/v1/send",
  MAILCHANNELS_API_KEY: "",
  MAIL_TIMEOUT: "10",
  DKIM_DOMAIN: "",
  DKIM_SELECTOR: "",
  DKIM_PRIVATE_KEY: "",
  ORIGIN_URL: "",
  ORIGIN_TIMEOUT: "30",
  ASSERTION_AUDIENCE: "",
  ASSERTION_TTL: "60",
  FORWARD_COMPAT_HEADERS: "false",
  PUBLIC_PATHS: "",
  APPS: "",
  ADMIN_GROUP: "admins",
  ADMIN_EMAILS: "",
  PASS_CLIENT_HEADERS: "",
  FORWARD_AUTH_SECRET: "",
  TURNSTILE_SITE_KEY: "",
  TURNSTILE_SECRET_KEY: "",
  TURNSTILE_VERIFY_URL: "https://challenges.cloudflare.com/turnstile/v0/siteverify",
  TURNSTILE_TIMEOUT: "3000",
  SAME_DEVICE: "warn",
  LOCALES: "en,de,fr,es,pt-BR,ja",
  DEFAULT_LOCALE: "en",
  BRAND_LOGO_URL: "",
  BRAND_COLOR: "",
  SUPPORT_URL: "",
  SUPPORT_EMAIL: "",
  OIDC_SIGNING_KEYS: "",
  OIDC_CODE_TTL: "60",
  OIDC_REFRESH_REUSE_GRACE: "10",
} as const;

export type ConfigKey = keyof typeof CONFIG_KEYS;

/**
 * Whether a key holds a secret, which the console's settings page shows only as "set" or
 * "not set". By name, so a secret added later is hidden without anyone remembering to list
 * it (a public key that merely looks secret, like TURNSTILE_SITE_KEY, is hidden too); a test
 * checks it covers every key of docs/configuration.md's "Secrets" table.
 */
export function isSecretConfigKey(key: string): boolean {
  return /SECRET|TOKEN|PASSWORD|PRIVATE|_KEYS?$/.test(key);
}
type RawEnv = Partial<Record<ConfigKey, unknown>>;

/** HMAC keys shorter than this are refused: brute-forcing them offline must stay out of reach. */
const MIN_SECRET_BYTES = 32;
/** Longest accepted token lifetime: one year. */
export const MAX_TOKEN_AGE_SECONDS = 365 * 24 * 3600;

const cache = new WeakMap<object, Config>();

/** Parses `env` once per isolate (cached by identity of the env object). */
export function getConfig(env: object): Config {
  let config = cache.get(env);
  if (!config) {
    config = parseConfig(env as RawEnv);
    if (config.access.configured) logIgnoredKeys(env as RawEnv);
    cache.set(env, config);
  }
  return config;
}

/** Parses and validates; throws ConfigError listing every problem, each naming its key. */
export function parseConfig(env: RawEnv): Config {
  const problems: string[] = [];
  const read = (key: ConfigKey): string => {
    const value = env[key];
    if (value === undefined || value === null) return CONFIG_KEYS[key];
    if (typeof value !== "string") {
      problems.push(`${key} must be a string`);
      return CONFIG_KEYS[key];
    }
    return value.trim() === "" ? CONFIG_KEYS[key] : value.trim();
  };
  const int = (key: ConfigKey, min: number, max: number): number => {
    const raw = read(key);
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || n < min || n > max) {
      problems.push(`${key} must be a whole number from ${min} to ${max}`);
      return Number(CONFIG_KEYS[key]);
    }
    return n;
  };
  const bool = (key: ConfigKey): boolean => {
    const raw = read(key).toLowerCase();
    if (raw === "true" || raw === "1") return true;
    if (raw === "false" || raw === "0") return false;
    problems.push(`${key} must be true or false`);
    return CONFIG_KEYS[key] === "true";
  };
  const list = (key: ConfigKey): string[] =>
    read(key)
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
  const url = (key: ConfigKey): URL => {
    const raw = read(key);
    let parsed: URL | null = null;
    try {
      parsed = raw ? new URL(raw) : null;
    } catch {
      parsed = null;
    }
    if (!parsed) {
      problems.push(`${key} is required: an absolute http(s) URL`);
      return new URL("http://invalid.invalid");
    }
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
      problems.push(`${key} must use http or https`);
    }
    if (parsed.username || parsed.password) problems.push(`${key} must not hold credentials`);
    return parsed;
  };

  const secrets: NonEmpty<string> = [read("SESAME_SECRET"), ...list("SESAME_SECRET_FALLBACKS")];
  if (!secrets[0]) problems.push("SESAME_SECRET is required (a random value of at least 32 bytes)");
  secrets.forEach((secret, i) => {
    if (secret && new TextEncoder().encode(secret).length < MIN_SECRET_BYTES) {
      const key = i === 0 ? "SESAME_SECRET" : "SESAME_SECRET_FALLBACKS";
      problems.push(`${key} is too short: at least ${MIN_SECRET_BYTES} bytes`);
    }
  });

  const adminToken = read("ADMIN_TOKEN") || null;
  if (adminToken && adminToken.length < MIN_SECRET_BYTES) {
    problems.push(`ADMIN_TOKEN is too short: at least ${MIN_SECRET_BYTES} characters, or empty to turn the admin API off`);
  }

  const signingKeys = parseSigningKeys(read("SIGNING_KEYS"), problems);
  const gateKids = new Set(signingKeys.flatMap((key) => (key && typeof key === "object" && typeof key.kid === "string" ? [key.kid] : [])));
  const oidcKeys = parseOidcSigningKeys(read("OIDC_SIGNING_KEYS"), gateKids, problems);

  const publicUrl = url("PUBLIC_URL");
  if (publicUrl.pathname !== "/" || publicUrl.search || publicUrl.hash) {
    problems.push("PUBLIC_URL must be an origin only, like https://app.example.com");
  }

  const authPrefix = read("AUTH_PREFIX").replace(/\/+$/, "");
  if (!/^\/[A-Za-z0-9._~-]+(\/[A-Za-z0-9._~-]+)*$/.test(authPrefix)) {
    problems.push("AUTH_PREFIX must be a path like /.sesame");
  }

  const policy = read("SIGNUP");
  if (policy !== "closed" && policy !== "open" && policy !== "allowlist") {
    problems.push("SIGNUP must be closed, open or allowlist");
  }

  const mailers = parseMailers(list("MAILER"), problems);
  if (mailers.includes("cloudflare") && !(env as { EMAIL?: unknown }).EMAIL) {
    problems.push('MAILER=cloudflare needs the send_email binding EMAIL ([[send_email]] name = "EMAIL" in wrangler.toml)');
  }
  if (mailers[0] === "dev" && !isDevHost(publicUrl.hostname)) {
    problems.push(
      "MAILER=dev shows every sign-in link at the dev mailbox: it is refused unless PUBLIC_URL is local (localhost, a loopback or private address)",
    );
  }
  const apiKey = read("MAILCHANNELS_API_KEY") || null;
  if (mailers.includes("mailchannels") && !apiKey) {
    problems.push("MAILCHANNELS_API_KEY is required when MAILER=mailchannels");
  }
  const mailFrom = read("MAIL_FROM");
  if (!/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(mailFrom)) {
    problems.push("MAIL_FROM is required: the sender address, like login@example.com");
  }
  const apiUrl = url("MAILCHANNELS_API_URL");
  const [dkimDomain, dkimSelector, dkimPrivateKey] = [read("DKIM_DOMAIN"), read("DKIM_SELECTOR"), read("DKIM_PRIVATE_KEY")];
  const dkimSet = [dkimDomain, dkimSelector, dkimPrivateKey].filter(Boolean).length;
  if (dkimSet !== 0 && dkimSet !== 3) {
    problems.push("DKIM_DOMAIN, DKIM_SELECTOR and DKIM_PRIVATE_KEY go together: set all three or none");
  }

  const sameDevice = read("SAME_DEVICE").toLowerCase();
  if (sameDevice !== "off" && sameDevice !== "warn" && sameDevice !== "require") {
    problems.push("SAME_DEVICE must be off, warn or require");
  }

  const access = loadAccess(env.APPS, problems, () => {
    const originUrl = url("ORIGIN_URL");
    const publicPaths = list("PUBLIC_PATHS");
    for (const pattern of publicPaths) {
      if (!/^\/[^*?#]*(\/\*|\*)?$/.test(pattern) || /(^|\/)\.\.?(\/|$)|%/.test(pattern)) {
        problems.push(`PUBLIC_PATHS entry ${JSON.stringify(pattern)} must be a path like /static/* or /healthz`);
      }
    }
    return { originText: read("ORIGIN_URL"), origin: originUrl, audience: read("ASSERTION_AUDIENCE") || originUrl.origin, publicPaths };
  });
  const adminGroup = read("ADMIN_GROUP");
  if (!NAME_PATTERN.test(adminGroup)) problems.push("ADMIN_GROUP must be a group name like admins");
  const adminEmails = [...new Set(list("ADMIN_EMAILS").map(normalizeEmail))];
  for (const email of adminEmails) {
    if (!isValidEmail(email)) problems.push(`ADMIN_EMAILS entry ${JSON.stringify(email.slice(0, 100))} must be an email address`);
  }

  const passClientHeaders = list("PASS_CLIENT_HEADERS");
  for (const name of passClientHeaders) {
    const problem = passClientHeaderProblem(name);
    if (problem) problems.push(`PASS_CLIENT_HEADERS entry ${JSON.stringify(name)} ${problem}`);
  }
  const i18n = parseLocales(list("LOCALES"), read("DEFAULT_LOCALE"), problems);
  const brand = parseBrand(
    { logoUrl: read("BRAND_LOGO_URL"), color: read("BRAND_COLOR"), supportUrl: read("SUPPORT_URL"), supportEmail: read("SUPPORT_EMAIL") },
    problems,
  );

  const forwardAuthSecret = read("FORWARD_AUTH_SECRET") || null;
  if (forwardAuthSecret !== null && new TextEncoder().encode(forwardAuthSecret).length < MIN_SECRET_BYTES) {
    problems.push(`FORWARD_AUTH_SECRET is too short: at least ${MIN_SECRET_BYTES} bytes`);
  }
  access?.apps.forEach((app, i) => {
    // /verify can believe a client address or country only from a proxy that proves itself.
    if (app.forwardAuth && app.readsClientAddress && forwardAuthSecret === null) {
      problems.push(
        `FORWARD_AUTH_SECRET is required: APPS[${i}] (${JSON.stringify(app.name)}) has forwardAuth and ip or country selectors (docs/forward-auth.md)`,
      );
    }
  });

  const config: Config = {
    appName: read("APP_NAME"),
    publicUrl,
    authPrefix,
    hstsIncludeSubdomains: bool("HSTS_INCLUDE_SUBDOMAINS"),
    // Both lists are non-empty whenever `problems` is empty (an empty SESAME_SECRET or SIGNING_KEYS
    // is a problem, and fallbacks are filtered by list()); otherwise this config is thrown away.
    secrets: { sesame: secrets, adminToken, signingKeys: signingKeys as NonEmpty<SigningKey> },
    link: {
      maxAgeSeconds: int("LINK_MAX_AGE", 60, 86400),
      oneTime: bool("LINK_ONE_TIME"),
      invalidateOnEmailChange: bool("INVALIDATE_ON_EMAIL_CHANGE"),
    },
    code: { length: int("CODE_LENGTH", 6, 10), maxAttempts: int("CODE_MAX_ATTEMPTS", 1, 20) },
    session: {
      maxAgeSeconds: int("SESSION_MAX_AGE", 300, 400 * 86400),
      absoluteMaxAgeSeconds: int("SESSION_ABSOLUTE_MAX_AGE", 300, 400 * 86400),
      revalidateSeconds: int("SESSION_REVALIDATE", 0, 86400),
    },
    rateLimit: {
      windowSeconds: int("RATE_LIMIT_WINDOW", 60, 86400),
      loginPerEmail: int("RATE_LIMIT_LOGIN_PER_EMAIL", 1, 1000),
      loginPerIp: int("RATE_LIMIT_LOGIN_PER_IP", 1, 100000),
      codePerIp: int("RATE_LIMIT_CODE_PER_IP", 1, 100000),
      ipv6PrefixBits: int("RATE_LIMIT_IPV6_PREFIX", 32, 128),
    },
    audit: { failuresPerClient: int("AUDIT_FAILURES_PER_CLIENT", 1, 1000) },
    retention: { eventsDays: int("RETENTION_DAYS_EVENTS", 1, 3650) },
    signup: {
      policy: policy as SignupPolicy,
      allowedEmails: new Set(list("ALLOWED_EMAILS").map((e) => e.toLowerCase())),
      allowedDomains: new Set(list("ALLOWED_EMAIL_DOMAINS").map((d) => d.toLowerCase().replace(/^@/, ""))),
    },
    mail: {
      providers: mailers,
      from: mailFrom,
      fromName: read("MAIL_FROM_NAME") || read("APP_NAME"),
      apiUrl: apiUrl.href,
      apiKey,
      dkim: dkimSet === 3 ? { domain: dkimDomain, selector: dkimSelector, privateKey: dkimPrivateKey } : null,
      timeoutMs: int("MAIL_TIMEOUT", 1, 60) * 1000,
    },
    origin: {
      timeoutMs: int("ORIGIN_TIMEOUT", 1, 300) * 1000,
      assertionTtlSeconds: int("ASSERTION_TTL", 10, 3600),
      forwardCompatHeaders: bool("FORWARD_COMPAT_HEADERS"),
      passClientHeaders: new Set(passClientHeaders.map(headerKey)),
      forwardAuthSecret,
    },
    // biome-ignore lint/style/noNonNullAssertion: loadAccess returns null only after adding a problem, and then this config is thrown away below
    access: access!,
    adminGroup,
    adminEmails,
    turnstile: parseTurnstile(
      {
        siteKey: read("TURNSTILE_SITE_KEY"),
        secretKey: read("TURNSTILE_SECRET_KEY"),
        verifyUrl: url("TURNSTILE_VERIFY_URL"),
        timeoutMs: int("TURNSTILE_TIMEOUT", 100, 60000),
      },
      problems,
    ),
    sameDevice: sameDevice as SameDeviceMode,
    i18n,
    brand,
    oidc: oidcKeys
      ? {
          signingKeys: oidcKeys,
          codeTtlSeconds: int("OIDC_CODE_TTL", 1, 60),
          refreshReuseGraceSeconds: int("OIDC_REFRESH_REUSE_GRACE", 0, 10),
        }
      : null,
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** With APPS, the single-app keys do nothing: say so once per isolate, so nobody edits them in vain. */
function logIgnoredKeys(env: RawEnv) {
  const ignored = (["ORIGIN_URL", "PUBLIC_PATHS", "ASSERTION_AUDIENCE"] as const).filter(
    (key) => typeof env[key] === "string" && env[key].trim() !== "",
  );
  if (ignored.length === 0) return;
  console.log(
    JSON.stringify({
      level: "warn",
      msg: "config_keys_ignored",
      keys: ignored,
      reason: "APPS is set: each app names its own origin, publicPaths and audience",
    }),
  );
}

function parseMailers(names: string[], problems: string[]): MailerKind[] {
  const known: MailerKind[] = ["cloudflare", "mailchannels", "dev"];
  const mailers = names.map((name) => name.toLowerCase()) as MailerKind[];
  const unknown = mailers.filter((name) => !known.includes(name));
  if (mailers.length === 0 || unknown.length > 0) {
    problems.push("MAILER must be cloudflare, mailchannels or dev, or a comma list of cloudflare and mailchannels");
    return [];
  }
  if (mailers.length > 1 && mailers.includes("dev")) {
    problems.push("MAILER=dev keeps mail on this machine and cannot be part of a list: name real providers only");
  }
  if (new Set(mailers).size !== mailers.length) problems.push("MAILER names a provider twice");
  return mailers;
}

/** Both Turnstile keys, or neither: one alone is a mistake, never a silent "off". */
function parseTurnstile(
  keys: { siteKey: string; secretKey: string; verifyUrl: URL; timeoutMs: number },
  problems: string[],
): Config["turnstile"] {
  if (!keys.siteKey && !keys.secretKey) return null;
  if (!keys.siteKey || !keys.secretKey) {
    problems.push("TURNSTILE_SITE_KEY and TURNSTILE_SECRET_KEY go together: set both to turn Turnstile on, or neither");
    return null;
  }
  return { siteKey: keys.siteKey, secretKey: keys.secretKey, verifyUrl: keys.verifyUrl.href, timeoutMs: keys.timeoutMs };
}

/** LOCALES may only name languages with a catalogue; DEFAULT_LOCALE must be one of them. */
function parseLocales(entries: string[], rawDefault: string, problems: string[]): Config["i18n"] {
  const locales: Locale[] = [];
  for (const entry of entries) {
    const locale = toSupportedLocale(entry);
    if (!locale) problems.push(`LOCALES entry ${JSON.stringify(entry)} has no translation: use some of ${SUPPORTED_LOCALES.join(", ")}`);
    else if (!locales.includes(locale)) locales.push(locale);
  }
  const first = locales[0] ?? "en";
  if (locales.length === 0) locales.push(first);
  const defaultLocale = toSupportedLocale(rawDefault);
  if (!defaultLocale) {
    problems.push(`DEFAULT_LOCALE ${JSON.stringify(rawDefault)} has no translation: use one of ${SUPPORTED_LOCALES.join(", ")}`);
    return { locales, defaultLocale: first };
  }
  if (!locales.includes(defaultLocale)) {
    problems.push(`DEFAULT_LOCALE must be one of LOCALES (${locales.join(", ")})`);
    return { locales, defaultLocale: matchLocale(defaultLocale, locales) ?? first };
  }
  return { locales, defaultLocale };
}

function parseSigningKeys(raw: string, problems: string[]): SigningKey[] {
  if (!raw) {
    problems.push("SIGNING_KEYS is required: a JSON array of private ES256 JWKs (npm run keys makes one)");
    return [];
  }
  let keys: unknown;
  try {
    keys = JSON.parse(raw);
  } catch {
    problems.push("SIGNING_KEYS is not valid JSON");
    return [];
  }
  if (!Array.isArray(keys) || keys.length === 0) {
    problems.push("SIGNING_KEYS must be a non-empty JSON array of private JWKs");
    return [];
  }
  const kids = new Set<string>();
  keys.forEach((key: Record<string, unknown>, i) => {
    const ok =
      key &&
      typeof key === "object" &&
      key.kty === "EC" &&
      key.crv === "P-256" &&
      typeof key.d === "string" &&
      typeof key.x === "string" &&
      typeof key.y === "string" &&
      typeof key.kid === "string" &&
      key.kid.length > 0;
    if (!ok) problems.push(`SIGNING_KEYS[${i}] must be a private EC P-256 JWK with a kid`);
    else if (kids.has(key.kid as string)) problems.push(`SIGNING_KEYS[${i}] repeats kid ${JSON.stringify(key.kid)}`);
    else kids.add(key.kid as string);
  });
  return keys as SigningKey[];
}
