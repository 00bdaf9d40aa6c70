import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type ConfigKey, parseConfig } from "../src/config";
import { ConfigError } from "../src/errors";
import worker from "../src/index";

const SECRET = "s".repeat(32);
const SIGNING_KEYS = env.SIGNING_KEYS as string;
const signingKey = (JSON.parse(SIGNING_KEYS) as Record<string, string>[])[0]!;

/** The fewest keys a production deployment must set (MAILER defaults to mailchannels). */
const MINIMAL = {
  SESAME_SECRET: SECRET,
  SIGNING_KEYS,
  PUBLIC_URL: "https://app.example.com",
  ORIGIN_URL: "https://origin.internal.example.com",
  MAIL_FROM: "login@example.com",
  MAILCHANNELS_API_KEY: "mc-api-key",
};

type Overrides = Partial<Record<ConfigKey, unknown>>;

function problemsWith(overrides: Overrides): string[] {
  try {
    parseConfig({ ...MINIMAL, ...overrides });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

/** Expects exactly one problem, which names `key`. */
function expectOneProblem(overrides: Overrides, key: string, text?: RegExp) {
  const problems = problemsWith(overrides);
  expect(problems, JSON.stringify(overrides)).toHaveLength(1);
  expect(problems[0]).toContain(key);
  if (text) expect(problems[0]).toMatch(text);
}

/** Expects one or more problems, every one of them about `key`. */
function expectProblemsOnlyAbout(overrides: Overrides, key: string, text: RegExp) {
  const problems = problemsWith(overrides);
  expect(problems.length, JSON.stringify(overrides)).toBeGreaterThan(0);
  for (const problem of problems) expect(problem).toContain(key);
  expect(problems.some((p) => text.test(p))).toBe(true);
}

const jwks = (...keys: Record<string, unknown>[]) => JSON.stringify(keys);

describe("parseConfig", () => {
  it("accepts a minimal production environment and fills every default", () => {
    const config = parseConfig(MINIMAL);
    expect(config.secrets).toEqual({ sesame: [SECRET], adminToken: null, signingKeys: [signingKey] });
    expect(config.publicUrl.origin).toBe("https://app.example.com");
    expect(config.authPrefix).toBe("/.sesame");
    expect(config.link).toEqual({ maxAgeSeconds: 600, oneTime: true, invalidateOnEmailChange: true });
    expect(config.session).toEqual({ maxAgeSeconds: 604800, absoluteMaxAgeSeconds: 2592000, revalidateSeconds: 300 });
    expect(config.signup.policy).toBe("closed");
    expect(config.mail).toMatchObject({ providers: ["mailchannels"], apiKey: "mc-api-key", dkim: null, timeoutMs: 10_000 });
    expect(config.origin).toMatchObject({ assertionTtlSeconds: 60 });
    expect(config.access.configured).toBe(false);
    expect(config.access.apps).toMatchObject([
      { name: "default", audience: "https://origin.internal.example.com", legacyPublicPaths: [], implicit: true },
    ]);
    expect(config.adminGroup).toBe("admins");
  });

  it("reads the fallback secrets in order after the current one", () => {
    const fallbacks = ["f".repeat(32), "g".repeat(40)];
    expect(parseConfig({ ...MINIMAL, SESAME_SECRET_FALLBACKS: ` ${fallbacks[0]} , ${fallbacks[1]} ,` }).secrets.sesame).toEqual([
      SECRET,
      ...fallbacks,
    ]);
  });

  it("reports every problem at once, not only the first", () => {
    const problems = problemsWith({ SESAME_SECRET: "", SIGNING_KEYS: "", PUBLIC_URL: "", LINK_MAX_AGE: "x" });
    for (const key of ["SESAME_SECRET", "SIGNING_KEYS", "PUBLIC_URL", "LINK_MAX_AGE"]) {
      expect(
        problems.some((p) => p.includes(key)),
        key,
      ).toBe(true);
    }
  });

  it("throws a ConfigError whose public message names no key and no value", () => {
    expect(() => parseConfig({ ...MINIMAL, SESAME_SECRET: "too-short-secret" })).toThrow(ConfigError);
    try {
      parseConfig({ ...MINIMAL, SESAME_SECRET: "too-short-secret" });
    } catch (error) {
      expect((error as ConfigError).message).not.toMatch(/SESAME_SECRET|too-short-secret/);
      expect((error as ConfigError).status).toBe(500);
    }
  });

  describe("SESAME_SECRET", () => {
    it("is required", () => expectOneProblem({ SESAME_SECRET: undefined }, "SESAME_SECRET", /required/));
    it("is required even when only whitespace is set", () => expectOneProblem({ SESAME_SECRET: "   " }, "SESAME_SECRET", /required/));
    it("must be at least 32 bytes", () => expectOneProblem({ SESAME_SECRET: "s".repeat(31) }, "SESAME_SECRET", /too short/));
    it("counts bytes, not characters", () => {
      expect(problemsWith({ SESAME_SECRET: "\u00e9".repeat(16) })).toEqual([]);
      expectOneProblem({ SESAME_SECRET: "\u00e9".repeat(15) }, "SESAME_SECRET", /too short/);
    });
    it("never echoes the value it refuses", () => {
      expect(problemsWith({ SESAME_SECRET: "hunter2-is-my-password" }).join(" ")).not.toContain("hunter2");
    });
    it("holds its fallbacks to the same length", () =>
      expectOneProblem({ SESAME_SECRET_FALLBACKS: `${"f".repeat(32)},short` }, "SESAME_SECRET_FALLBACKS", /too short/));
    it("must be a string", () => expectProblemsOnlyAbout({ SESAME_SECRET: 12345 }, "SESAME_SECRET", /must be a string/));
  });

  describe("SIGNING_KEYS", () => {
    it("is required", () => expectOneProblem({ SIGNING_KEYS: "" }, "SIGNING_KEYS", /required/));
    it("must be JSON", () => expectOneProblem({ SIGNING_KEYS: "{kty: EC" }, "SIGNING_KEYS", /JSON/));
    it("must be a non-empty array", () => {
      expectOneProblem({ SIGNING_KEYS: "[]" }, "SIGNING_KEYS", /non-empty/);
      expectOneProblem({ SIGNING_KEYS: JSON.stringify(signingKey) }, "SIGNING_KEYS", /array/);
    });
    it("refuses another curve or key type", () => {
      expectOneProblem({ SIGNING_KEYS: jwks({ ...signingKey, crv: "P-384" }) }, "SIGNING_KEYS[0]", /P-256/);
      expectOneProblem({ SIGNING_KEYS: jwks({ ...signingKey, kty: "OKP", crv: "Ed25519" }) }, "SIGNING_KEYS[0]", /P-256/);
    });
    it("refuses a public key (no d)", () => {
      const { d: _private, ...publicOnly } = signingKey;
      expectOneProblem({ SIGNING_KEYS: jwks(publicOnly) }, "SIGNING_KEYS[0]", /private/);
    });
    it("requires a kid on every key", () => {
      const { kid: _kid, ...noKid } = signingKey;
      expectOneProblem({ SIGNING_KEYS: jwks(signingKey, noKid) }, "SIGNING_KEYS[1]", /kid/);
      expectOneProblem({ SIGNING_KEYS: jwks({ ...signingKey, kid: "" }) }, "SIGNING_KEYS[0]", /kid/);
    });
    it("refuses a repeated kid", () =>
      expectOneProblem({ SIGNING_KEYS: jwks(signingKey, { ...signingKey }) }, "SIGNING_KEYS[1]", /repeats kid/));
    it("refuses null entries", () => expectOneProblem({ SIGNING_KEYS: "[null]" }, "SIGNING_KEYS[0]"));
    it("never echoes the private key it refuses", () => {
      const problems = problemsWith({ SIGNING_KEYS: jwks({ ...signingKey, crv: "P-384" }) }).join(" ");
      expect(problems).not.toContain(signingKey.d);
    });
  });

  describe("URLs", () => {
    it("require ORIGIN_URL and PUBLIC_URL", () => {
      expectOneProblem({ ORIGIN_URL: "" }, "ORIGIN_URL", /required/);
      expectOneProblem({ PUBLIC_URL: "not a url" }, "PUBLIC_URL", /required/);
    });
    it("refuse credentials in ORIGIN_URL, without repeating them", () => {
      expectOneProblem({ ORIGIN_URL: "https://admin:pa55word@origin.example.com" }, "ORIGIN_URL", /credentials/);
      expect(problemsWith({ ORIGIN_URL: "https://admin:pa55word@origin.example.com" }).join(" ")).not.toContain("pa55word");
    });
    it("refuse schemes other than http and https", () => {
      expectOneProblem({ ORIGIN_URL: "ftp://origin.example.com" }, "ORIGIN_URL", /http or https/);
      expectProblemsOnlyAbout({ PUBLIC_URL: "javascript:alert(1)" }, "PUBLIC_URL", /http or https/);
    });
    it("take PUBLIC_URL as an origin only: no path, query or fragment", () => {
      for (const value of ["https://app.example.com/app", "https://app.example.com/?x=1", "https://app.example.com/#top"]) {
        expectOneProblem({ PUBLIC_URL: value }, "PUBLIC_URL", /origin only/);
      }
      expect(problemsWith({ PUBLIC_URL: "https://app.example.com/" })).toEqual([]);
    });
  });

  describe("mail", () => {
    it("requires an API key with MAILER=mailchannels", () =>
      expectOneProblem({ MAILER: "mailchannels", MAILCHANNELS_API_KEY: "" }, "MAILCHANNELS_API_KEY", /MAILER=mailchannels/));
    it("needs no API key with MAILER=dev on a local PUBLIC_URL", () =>
      expect(problemsWith({ MAILER: "dev", MAILCHANNELS_API_KEY: "", PUBLIC_URL: "http://localhost:8787" })).toEqual([]));
    it("refuses MAILER=dev on a public PUBLIC_URL: the dev mailbox would show every sign-in link", () => {
      for (const url of ["https://app.example.com", "http://8.8.8.8", "https://localhost.example.com", "http://172.32.0.1"]) {
        expectOneProblem({ MAILER: "dev", PUBLIC_URL: url }, "MAILER");
      }
    });
    it("accepts MAILER=dev on loopback, *.localhost and private addresses (a phone on the LAN)", () => {
      for (const url of [
        "http://127.0.0.1:8787",
        "https://localhost",
        "http://app.localhost:8787",
        "http://[::1]:8787",
        "http://192.168.1.20:8787",
        "http://10.0.0.5",
        "http://172.20.1.1",
      ]) {
        expect(problemsWith({ MAILER: "dev", PUBLIC_URL: url }), url).toEqual([]);
      }
    });
    it("refuses an unknown mailer", () => expectOneProblem({ MAILER: "smtp" }, "MAILER"));
    it("requires a sender address", () => expectOneProblem({ MAIL_FROM: "login" }, "MAIL_FROM"));
    it("takes DKIM all or nothing", () => {
      expectOneProblem({ DKIM_DOMAIN: "example.com" }, "DKIM_DOMAIN", /all three/);
      expectOneProblem({ DKIM_DOMAIN: "example.com", DKIM_SELECTOR: "mc" }, "DKIM_PRIVATE_KEY", /all three/);
      const config = parseConfig({ ...MINIMAL, DKIM_DOMAIN: "example.com", DKIM_SELECTOR: "mc", DKIM_PRIVATE_KEY: "MIIB" });
      expect(config.mail.dkim).toEqual({ domain: "example.com", selector: "mc", privateKey: "MIIB" });
    });
  });

  describe("sign-in for the public", () => {
    const keys = { TURNSTILE_SITE_KEY: "1x00000000000000000000AA", TURNSTILE_SECRET_KEY: "1x0000000000000000000000000000000AA" };
    it("leaves Turnstile off without keys and defaults SAME_DEVICE to warn", () => {
      const config = parseConfig(MINIMAL);
      expect(config.turnstile).toBeNull();
      expect(config.sameDevice).toBe("warn");
    });
    it("turns Turnstile on with both keys, with Cloudflare's siteverify and a 3 s timeout by default", () =>
      expect(parseConfig({ ...MINIMAL, ...keys }).turnstile).toEqual({
        siteKey: keys.TURNSTILE_SITE_KEY,
        secretKey: keys.TURNSTILE_SECRET_KEY,
        verifyUrl: "https://challenges.cloudflare.com/turnstile/v0/siteverify",
        timeoutMs: 3000,
      }));
    it("refuses one Turnstile key without the other", () => {
      expectOneProblem({ TURNSTILE_SITE_KEY: keys.TURNSTILE_SITE_KEY }, "TURNSTILE_SECRET_KEY", /go together/);
      expectOneProblem({ TURNSTILE_SECRET_KEY: keys.TURNSTILE_SECRET_KEY }, "TURNSTILE_SITE_KEY", /go together/);
    });
    it("refuses a TURNSTILE_TIMEOUT out of range", () => expectOneProblem({ ...keys, TURNSTILE_TIMEOUT: "0" }, "TURNSTILE_TIMEOUT"));
    it("accepts SAME_DEVICE off, warn and require, and nothing else", () => {
      for (const mode of ["off", "warn", "require"]) expect(parseConfig({ ...MINIMAL, SAME_DEVICE: mode }).sameDevice).toBe(mode);
      expectOneProblem({ SAME_DEVICE: "strict" }, "SAME_DEVICE");
    });
  });

  describe("numbers and booleans", () => {
    it.each(["abc", "-5", "1.5", "1e3", "0x10", "59", "86401", "6OO"])("refuses LINK_MAX_AGE=%s", (value) =>
      expectOneProblem({ LINK_MAX_AGE: value }, "LINK_MAX_AGE", /whole number from 60 to 86400/),
    );
    it("names the integer key that is out of range", () => {
      expectOneProblem({ CODE_LENGTH: "5" }, "CODE_LENGTH");
      expectOneProblem({ SESSION_MAX_AGE: "299" }, "SESSION_MAX_AGE");
      expectOneProblem({ ORIGIN_TIMEOUT: "0" }, "ORIGIN_TIMEOUT");
    });
    it("accepts the bounds themselves", () => {
      expect(parseConfig({ ...MINIMAL, LINK_MAX_AGE: "60" }).link.maxAgeSeconds).toBe(60);
      expect(parseConfig({ ...MINIMAL, LINK_MAX_AGE: "86400" }).link.maxAgeSeconds).toBe(86400);
    });
    it.each(["yes", "no", "on", "2", "truthy"])("refuses LINK_ONE_TIME=%s", (value) =>
      expectOneProblem({ LINK_ONE_TIME: value }, "LINK_ONE_TIME", /true or false/),
    );
    it("reads true, false, 1 and 0 in any case", () => {
      expect(parseConfig({ ...MINIMAL, LINK_ONE_TIME: "FALSE" }).link.oneTime).toBe(false);
      expect(parseConfig({ ...MINIMAL, LINK_ONE_TIME: "0" }).link.oneTime).toBe(false);
      expect(parseConfig({ ...MINIMAL, INVALIDATE_ON_EMAIL_CHANGE: "False" }).link.invalidateOnEmailChange).toBe(false);
      expect(parseConfig({ ...MINIMAL, FORWARD_COMPAT_HEADERS: "1" }).origin.forwardCompatHeaders).toBe(true);
    });
    it("names INVALIDATE_ON_EMAIL_CHANGE when it is not a boolean", () =>
      expectOneProblem({ INVALIDATE_ON_EMAIL_CHANGE: "maybe" }, "INVALIDATE_ON_EMAIL_CHANGE"));
  });

  describe("PUBLIC_PATHS and other policy keys", () => {
    it("accepts exact paths and trailing wildcards", () => {
      expect(parseConfig({ ...MINIMAL, PUBLIC_PATHS: "/favicon.ico, /static/*,/healthz" }).access.apps[0]?.legacyPublicPaths).toEqual([
        "/favicon.ico",
        "/static/*",
        "/healthz",
      ]);
    });
    it.each(["/static/../admin", "/..", "/a/./b", "/%2e%2e/admin", "static/*", "/a*/b", "/a?b"])("refuses PUBLIC_PATHS entry %s", (value) =>
      expectOneProblem({ PUBLIC_PATHS: value }, "PUBLIC_PATHS"),
    );
    it("refuses a bad AUTH_PREFIX and an unknown SIGNUP policy", () => {
      expectOneProblem({ AUTH_PREFIX: "sesame" }, "AUTH_PREFIX");
      expectOneProblem({ AUTH_PREFIX: "/a b" }, "AUTH_PREFIX");
      expectOneProblem({ SIGNUP: "anyone" }, "SIGNUP");
    });
    it("refuses a short ADMIN_TOKEN, and takes an empty one as the admin API switched off", () => {
      expectOneProblem({ ADMIN_TOKEN: "t".repeat(31) }, "ADMIN_TOKEN", /too short/);
      expect(parseConfig({ ...MINIMAL, ADMIN_TOKEN: "" }).secrets.adminToken).toBeNull();
    });
  });
});

describe("a worker with a bad configuration", () => {
  afterEach(() => vi.restoreAllMocks());

  const SHORT_SECRET = "short-secret-9f2c";
  const badEnv = () => ({ ...(env as unknown as Env), SESAME_SECRET: SHORT_SECRET });
  const secretsIn = (e: Record<string, unknown>) =>
    [e.SESAME_SECRET, e.ADMIN_TOKEN, signingKey.d].filter((v): v is string => typeof v === "string" && v.length > 0);

  async function fetchWith(e: Env, path: string, init: RequestInit = {}) {
    const ctx = createExecutionContext();
    // The worker types its requests as incoming ones (with a cf object); a test request has none.
    const request = new Request(`http://localhost:8787${path}`, init) as Request<unknown, IncomingRequestCfProperties>;
    const res = await worker.fetch(request, e, ctx);
    await waitOnExecutionContext(ctx);
    return res;
  }

  it("serves normally with the valid test configuration (the control)", async () => {
    expect((await fetchWith(env as unknown as Env, "/.sesame/health")).status).toBe(200);
  });

  it("answers every request 500, naming no secret value, and logs which key is wrong", async () => {
    const logged: string[] = [];
    vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => void logged.push(args.join(" ")));
    const e = badEnv();
    const requests: [string, RequestInit][] = [
      ["/.sesame/health", {}],
      ["/.sesame/login", { headers: { Accept: "text/html" } }],
      ["/.sesame/login", { method: "POST", body: "email=a%40b.co", headers: { "Content-Type": "application/x-www-form-urlencoded" } }],
      ["/.sesame/admin/api/users", { headers: { Authorization: `Bearer ${env.ADMIN_TOKEN}` } }],
      ["/.well-known/jwks.json", {}],
      ["/some/app/page?sesame=abc", { headers: { Accept: "text/html" } }],
    ];
    for (const [path, init] of requests) {
      const res = await fetchWith(e, path, init);
      const body = await res.text();
      expect(res.status, path).toBe(500);
      expect(res.headers.get("Cache-Control")).toBe("no-store");
      expect(body).toMatch(/misconfigured/);
      for (const secret of secretsIn(e as unknown as Record<string, unknown>)) expect(body, path).not.toContain(secret);
      expect(body).not.toContain("SESAME_SECRET");
    }
    expect(logged.some((line) => line.includes("config_invalid") && line.includes("SESAME_SECRET is too short"))).toBe(true);
    for (const line of logged) expect(line).not.toContain(SHORT_SECRET);
  });

  it("answers JSON to API clients and a page to browsers", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const json = await fetchWith(badEnv(), "/.sesame/me");
    expect(await json.json()).toMatchObject({ error: "misconfigured" });
    const page = await fetchWith(badEnv(), "/.sesame/login", { headers: { Accept: "text/html" } });
    expect(page.headers.get("Content-Type")).toMatch(/^text\/html/);
  });
});
