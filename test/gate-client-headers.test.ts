/**
 * What the origin receives of the client's headers (docs/gate.md, docs/security.md): no
 * look-alike of the gate's own headers, no other gate's identity headers unless an operator
 * passes them, on gated and public paths alike. Checked at the echo origin and at a real
 * Python wsgiref origin, which reads headers the way CGI, PHP and Rack do.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../src/config";
import { ConfigError } from "../src/errors";
import { echoOf, userWithSession, workerWith } from "./gate-support";

const PUBLIC = "/public/page";
const GATED = "/app/page";
const FORGED = "forged-by-client";

/** Underscore spellings of the gate's headers: one variable apiece at a CGI-style origin. */
const UNDERSCORE_LOOK_ALIKES = [
  "Sesame_User_Id",
  "Sesame_User_Email",
  "Sesame_Assertion",
  "X_Forwarded_For",
  "X_Forwarded_Host",
  "X_Forwarded_Proto",
  "X_Forwarded_User",
  "X_Real_IP",
  "sesame-user_id",
  "Some_Other_Header",
];

/** Other separators a server might fold into "-" or "_". */
const SEPARATOR_LOOK_ALIKES = ["Sesame.User.Id", "X.Forwarded.For", "x-forwarded.host", "Sesame~Assertion", "X.Real.IP"];

/** Identity, client-IP and URL headers that Authelia, oauth2-proxy, Grafana, Cloudflare Access and others set. */
const OTHER_GATES = [
  "Remote-User",
  "Remote-Email",
  "Remote-Groups",
  "Remote-Name",
  "X-Remote-User",
  "X-Remote-Group",
  "X-Auth-Request-User",
  "X-Auth-Request-Email",
  "X-Auth-Request-Groups",
  "X-Auth-Request-Preferred-Username",
  "X-Auth-Request-Access-Token",
  "GAP-Auth",
  "X-WEBAUTH-USER",
  "X-WEBAUTH-EMAIL",
  "Cf-Access-Jwt-Assertion",
  "Cf-Access-Authenticated-User-Email",
  "X-Pomerium-Jwt-Assertion",
  "X-Pomerium-Claim-Email",
  "X-Amzn-Oidc-Data",
  "X-Amzn-Oidc-Identity",
  "X-Amzn-Oidc-Accesstoken",
  "X-Ms-Client-Principal",
  "X-Ms-Client-Principal-Name",
  "X-Ms-Client-Principal-Id",
  "X-Goog-Authenticated-User-Email",
  "X-Goog-Iap-Jwt-Assertion",
  "X-authentik-username",
  "X-Vouch-User",
  "True-Client-IP",
  "X-Client-IP",
  "X-Cluster-Client-IP",
  "X-Original-URL",
  "X-Rewrite-URL",
  "X-Original-URI",
  "X-Original-Host",
  "X-Ms-Token-Aad-Id-Token",
  "X-Goog-Authenticated-User-Id",
  "X-Vouch-Idp-Claims-Email",
  "X-User",
  "X-Email",
  "Client-IP",
  "X-Originating-IP",
  "X-Original-Forwarded-For",
  "Fastly-Client-IP",
  "X-Forwarded",
];

function forgedHeaders(names: readonly string[], extra: Record<string, string> = {}): Headers {
  const headers = new Headers({ Accept: "application/json", "CF-Connecting-IP": "198.51.100.7", ...extra });
  for (const name of names) headers.append(name, `${FORGED} ${name}`);
  return headers;
}

/** Names of the echoed headers that carry a forged value. */
function forgedArrivals(headers: Record<string, string | undefined>): string[] {
  return Object.entries(headers)
    .filter(([, value]) => String(value).includes(FORGED))
    .map(([name]) => name);
}

describe("client headers at the origin", () => {
  const edge = workerWith({ PUBLIC_PATHS: "/public/*" });

  it("never include a header with an underscore in its name, on public and gated paths", async () => {
    const { cookie } = await userWithSession();
    for (const [path, extra] of [
      [PUBLIC, {}],
      [GATED, { Cookie: cookie }],
    ] as const) {
      const echo = await echoOf(await edge(path, { headers: forgedHeaders(UNDERSCORE_LOOK_ALIKES, extra) }));
      expect(
        Object.keys(echo.headers).filter((name) => name.includes("_")),
        path,
      ).toEqual([]);
      expect(forgedArrivals(echo.headers), path).toEqual([]);
      expect(echo.headers["x-forwarded-for"], path).toBe("198.51.100.7");
      expect(echo.headers["x-forwarded-host"], path).toBe("localhost:8787");
    }
  });

  it("treat the gate's own names the same in any case and with any separator", async () => {
    const { cookie, user } = await userWithSession();
    for (const [path, extra] of [
      [PUBLIC, {}],
      [GATED, { Cookie: cookie }],
    ] as const) {
      const echo = await echoOf(await edge(path, { headers: forgedHeaders(SEPARATOR_LOOK_ALIKES, extra) }));
      expect(forgedArrivals(echo.headers), path).toEqual([]);
      expect(echo.headers["sesame-user-id"], path).toBe(path === GATED ? user.id : undefined);
    }
  });

  it("never include another gate's identity, client-IP or URL headers by default, on public and gated paths", async () => {
    const { cookie } = await userWithSession();
    for (const [path, extra] of [
      [PUBLIC, {}],
      [GATED, { Cookie: cookie }],
    ] as const) {
      const echo = await echoOf(await edge(path, { headers: forgedHeaders(OTHER_GATES, extra) }));
      expect(forgedArrivals(echo.headers), path).toEqual([]);
      expect(echo.url, path).toBe(path);
    }
  });

  it("include the other gates' headers PASS_CLIENT_HEADERS names, in any case, and only those", async () => {
    const passing = workerWith({ PUBLIC_PATHS: "/public/*", PASS_CLIENT_HEADERS: "cf-access-jwt-assertion, REMOTE-USER" });
    const echo = await echoOf(await passing(PUBLIC, { headers: forgedHeaders(OTHER_GATES) }));
    expect(forgedArrivals(echo.headers).sort()).toEqual(["cf-access-jwt-assertion", "remote-user"]);
  });

  it("apply each PASS_CLIENT_HEADERS of its own, whichever deployment saw a name first", async () => {
    const passing = workerWith({ PUBLIC_PATHS: "/public/*", PASS_CLIENT_HEADERS: "Remote-User" });
    for (const [worker, expected] of [
      [passing, ["remote-user"]],
      [edge, []],
      [passing, ["remote-user"]],
    ] as const) {
      const echo = await echoOf(await worker(PUBLIC, { headers: forgedHeaders(["Remote-User", "Sesame_User_Id"]) }));
      expect(forgedArrivals(echo.headers)).toEqual(expected);
    }
  });

  it("strip what clients may not send, and keep the rest, after clients sent thousands of other header names", async () => {
    const { cookie } = await userWithSession();
    // More distinct names than the edge remembers verdicts for: what comes after is checked afresh.
    for (let batch = 0; batch < 6; batch++) {
      const headers = new Headers({ Cookie: cookie });
      for (let i = 0; i < 250; i++) headers.set(`X-Filler-${batch}-${i}`, "1");
      expect((await edge(GATED, { headers })).status).toBe(200);
    }
    const names = [...UNDERSCORE_LOOK_ALIKES, ...SEPARATOR_LOOK_ALIKES, ...OTHER_GATES];
    const echo = await echoOf(await edge(GATED, { headers: forgedHeaders(names, { Cookie: cookie, "X-Late-Arrival": "kept" }) }));
    expect(forgedArrivals(echo.headers)).toEqual([]);
    expect(echo.headers["x-late-arrival"]).toBe("kept");
  });

  it("keep the client's ordinary headers", async () => {
    const echo = await echoOf(await edge(PUBLIC, { headers: forgedHeaders([], { "X-Request-Id": "abc", "Accept-Language": "fr" }) }));
    expect(echo.headers).toMatchObject({ "x-request-id": "abc", "accept-language": "fr" });
  });
});

describe("a WSGI origin (Python wsgiref, which maps - and _ alike)", () => {
  const wsgi = workerWith({ ORIGIN_URL: env.WSGI_ORIGIN_URL, PUBLIC_PATHS: "/public/*" });

  async function environOf(path: string, headers: Headers): Promise<Record<string, string>> {
    const res = await wsgi(path, { headers });
    expect(res.status, path).toBe(200);
    return ((await res.json()) as { environ: Record<string, string> }).environ;
  }

  it("believes no one on a public path, whatever underscore or other-gate headers the client sends", async () => {
    const environ = await environOf(PUBLIC, forgedHeaders([...UNDERSCORE_LOOK_ALIKES, ...OTHER_GATES]));
    expect(Object.entries(environ).filter(([, value]) => value.includes(FORGED))).toEqual([]);
    expect(environ.HTTP_SESAME_USER_ID).toBeUndefined();
    expect(environ.HTTP_REMOTE_USER).toBeUndefined();
    expect(environ.HTTP_X_FORWARDED_FOR).toBe("198.51.100.7");
  });

  it("sees exactly the signed-in user and the gate's forwarding values on a gated path", async () => {
    const { cookie, user } = await userWithSession();
    const environ = await environOf(GATED, forgedHeaders(UNDERSCORE_LOOK_ALIKES, { Cookie: cookie }));
    expect(Object.entries(environ).filter(([, value]) => value.includes(FORGED))).toEqual([]);
    expect(environ).toMatchObject({
      HTTP_SESAME_USER_ID: user.id,
      HTTP_SESAME_USER_EMAIL: user.email,
      HTTP_X_FORWARDED_FOR: "198.51.100.7",
      HTTP_X_FORWARDED_HOST: "localhost:8787",
      HTTP_X_FORWARDED_PROTO: "http",
    });
    expect(environ.HTTP_X_REAL_IP).toBeUndefined();
  });
});

describe("PASS_CLIENT_HEADERS", () => {
  const base = { ...env, PUBLIC_PATHS: "" } as Record<string, unknown>;

  function problemsWith(value: string): string[] {
    try {
      parseConfig({ ...base, PASS_CLIENT_HEADERS: value });
      return [];
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
  }

  it("is empty by default and accepts other gates' header names", () => {
    expect([...parseConfig(base).origin.passClientHeaders]).toEqual([]);
    expect(problemsWith("Remote-User, X-Auth-Request-Email, Cf-Access-Jwt-Assertion")).toEqual([]);
  });

  it("may never name a header the gate owns, in any spelling, nor one with an underscore", () => {
    for (const name of [
      "Sesame-User-Id",
      "sesame-assertion",
      "X-Forwarded-For",
      "x-forwarded-proto",
      "Forwarded",
      "X-Real-IP",
      "Host",
      "Sesame.User.Id",
    ]) {
      const problems = problemsWith(name);
      expect(problems, name).toHaveLength(1);
      expect(problems[0]).toMatch(/^PASS_CLIENT_HEADERS .* only the gate sets/);
    }
    for (const name of ["Remote_User", "X_Forwarded_For"]) {
      expect(problemsWith(name), name).toEqual([expect.stringMatching(/^PASS_CLIENT_HEADERS .*underscore/)]);
    }
    expect(problemsWith("Remote User")).toEqual([expect.stringMatching(/^PASS_CLIENT_HEADERS .*not a header name/)]);
  });
});
