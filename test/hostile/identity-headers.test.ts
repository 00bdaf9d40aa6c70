/**
 * Surface 8: identity headers sent by the client on gated requests - with a session, with a
 * service token, anonymous, on a public path, with FORWARD_COMPAT_HEADERS on, and on the
 * forward-auth endpoint - including underscore spellings and other gates' identity headers. The echo origin shows exactly what reached it. Answers header
 * spoofing, the weak spot of auth proxies that trust what the client sent (oauth2-proxy's
 * X-Forwarded-* handling, OpenAuth's X-Forwarded-For).
 */
import { describe, it } from "vitest";
import type { User } from "../../src/db/schema";
import { type IdentityHeaderInput, identityHeaderInputs, mustNotReachOrigin } from "./generators/identity-headers";
import { surfaceRng } from "./generators/prng";
import { adminOk, asHeaderValue, bodyText, captureLogs, edge, edgeWith, type Fetcher, makeUser, PREFIX, sessionFor } from "./support/edge";
import { type Outcome, runConcurrently, Tally } from "./support/tally";

const INPUTS = 10_400;
const TARGETS = ["session", "session", "session", "service", "anonymous", "public", "compat", "verify"] as const;
type Target = (typeof TARGETS)[number];

interface Principals {
  sessionUser: User;
  sessionCookie: string;
  serviceUser: User;
  serviceToken: string;
  compat: Fetcher;
}

/** Who the gate should say the request is from, on each target. */
function expectedIdentity(target: Target, p: Principals): User | null {
  if (target === "service") return p.serviceUser;
  if (target === "anonymous" || target === "public") return null;
  return p.sessionUser;
}

function subOf(assertion: string): string | null {
  try {
    return (JSON.parse(atob(assertion.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/"))) as { sub?: string }).sub ?? null;
  } catch {
    return null;
  }
}

/** Checks what reached the origin (or, for /verify, what the edge answered) against what the gate must send. */
function judge(seen: Map<string, string>, input: IdentityHeaderInput, target: Target, p: Principals): Outcome & { passedThrough: number } {
  const expected = expectedIdentity(target, p);
  const leaked: string[] = [];
  let passedThrough = 0;
  for (const [name, value] of seen) {
    if (!value.includes(input.marker)) continue;
    if (mustNotReachOrigin(name)) leaked.push(name);
    else passedThrough += 1;
  }
  const wrong: string[] = [];
  const check = (name: string, want: string | null) => {
    const got = seen.get(name) ?? null;
    if (got !== want) wrong.push(`${name}=${JSON.stringify(got)} (want ${JSON.stringify(want)})`);
  };
  check("sesame-user-id", expected?.id ?? null);
  check("sesame-user-email", expected?.email ?? null);
  const assertion = seen.get("sesame-assertion") ?? null;
  if ((assertion === null ? null : subOf(assertion)) !== (expected?.id ?? null)) wrong.push("sesame-assertion names someone else");
  if (target === "compat") {
    check("x-forwarded-user", expected!.id);
    check("x-forwarded-email", expected!.email);
  }
  if (target !== "verify") {
    check("x-forwarded-for", input.connectingIp?.trim() || null);
    check("x-forwarded-host", "localhost:8787");
    check("x-forwarded-proto", "http");
    if (/(^|;\s*)(__Host-)?sesame=/.test(seen.get("cookie") ?? "")) leaked.push("cookie");
  }
  // A forged or missing identity is the failure that matters here: the request acted as someone it is not.
  const forgedIdentity = wrong.some(
    (w) => w.startsWith("sesame-") || w.startsWith("x-forwarded-user") || w.startsWith("x-forwarded-email"),
  );
  return {
    status: 0,
    authenticated: forgedIdentity,
    leaked,
    problem: wrong.length > 0 && !forgedIdentity ? wrong.join("; ") : null,
    note: wrong.join("; "),
    passedThrough,
  };
}

async function probe(
  input: IdentityHeaderInput,
  target: Target,
  p: Principals,
  post = false,
): Promise<Outcome & { passedThrough: number }> {
  const headers = new Headers({ Accept: "application/json" });
  for (const [name, value] of input.headers) headers.append(name, asHeaderValue(value));
  if (target === "session" || target === "compat" || target === "verify") headers.append("Cookie", p.sessionCookie);
  if (target === "service") headers.set("Authorization", `Bearer ${p.serviceToken}`);
  const method = post && target !== "verify" ? "POST" : "GET";
  const path = target === "public" ? "/healthz" : target === "verify" ? `${PREFIX}/verify` : "/app/resource?x=1";
  const fetcher = target === "compat" ? p.compat : edge;
  const response = await fetcher(path, { method, headers, body: method === "POST" ? "payload" : undefined });
  const text = await bodyText(response);

  if (target === "anonymous") {
    // Nothing reaches the origin for an anonymous request to a gated path.
    const reached = response.status === 200 && text.includes('"headers"');
    return {
      status: response.status,
      authenticated: reached,
      note: reached ? "an anonymous request reached the origin" : undefined,
      passedThrough: 0,
    };
  }
  let seen: Map<string, string>;
  if (target === "verify") {
    seen = new Map();
    response.headers.forEach((value, name) => {
      seen.set(name.toLowerCase(), value);
    });
    if (response.status !== 204)
      return { status: response.status, authenticated: false, problem: `forward-auth answered ${response.status}`, passedThrough: 0 };
  } else {
    let echo: { headers?: Record<string, string | string[]> } = {};
    try {
      echo = JSON.parse(text) as typeof echo;
    } catch {
      return { status: response.status, authenticated: false, problem: `no echo from the origin (${response.status})`, passedThrough: 0 };
    }
    seen = new Map(
      Object.entries(echo.headers ?? {}).map(([name, value]) => [
        name.toLowerCase(),
        Array.isArray(value) ? value.join(", ") : String(value),
      ]),
    );
  }
  return { ...judge(seen, input, target, p), status: response.status };
}

describe("hostile identity headers", () => {
  it("never lets a client-sent identity or forwarding header reach the origin, and never changes who the request is from", async () => {
    const rng = surfaceRng("identity-headers");
    const tally = new Tally("identity headers");
    const [sessionUser, serviceUser, victim] = await Promise.all(["hdr-session", "hdr-service", "hdr-victim"].map(makeUser));
    const principals: Principals = {
      sessionUser: sessionUser!,
      sessionCookie: (await sessionFor(sessionUser!)).cookie,
      serviceUser: serviceUser!,
      serviceToken: (await adminOk<{ token: string }>("POST", `/users/${serviceUser!.id}/service-tokens`, 201, { name: "hostile" })).token,
      compat: edgeWith({ FORWARD_COMPAT_HEADERS: "true" }),
    };
    let passedThrough = 0;

    const logs = captureLogs();
    try {
      const inputs = [...identityHeaderInputs(rng, victim!, INPUTS)].map((input) => ({
        input,
        target: rng.pick(TARGETS),
        post: rng.chance(0.2),
      }));
      await runConcurrently(inputs, 8, async ({ input, target, post }) => {
        const { passedThrough: others, ...outcome } = await probe(input, target, principals, post);
        passedThrough += others;
        tally.input(`${target}:${input.kind}`, { target, headers: input.headers }, outcome);
      });

      // Controls: without forged headers, each credential arrives as exactly its own identity.
      for (const target of ["session", "service", "compat", "verify"] as Target[]) {
        for (const connectingIp of ["10.1.2.3", null]) {
          const input: IdentityHeaderInput = {
            kind: "none",
            headers: connectingIp ? [["CF-Connecting-IP", connectingIp]] : [],
            marker: "no-marker-sent",
            connectingIp,
          };
          const outcome = await probe(input, target, principals);
          tally.control(target, input.headers, {
            ...outcome,
            authenticated: !outcome.authenticated && !outcome.problem && outcome.status < 300,
          });
        }
      }
    } finally {
      logs.restore();
    }
    console.info(
      `[hostile] identity headers: ${passedThrough} values of Cloudflare's own client-IP headers (CF-Connecting-IPv6, CF-Pseudo-IPv4) passed on as ordinary headers, as designed`,
    );
    tally.report(logs.lines);
  });
});
