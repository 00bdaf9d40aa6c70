/**
 * Surface 1: sesame tokens wherever the edge reads one - `?sesame=` on GET /link, the form
 * field of POST /link, the gate's bearer token, and a share token in the URL (GET), in the share
 * cookie on a gated path, and both on a same-origin POST (where even the genuine one of a link
 * issued for GET and HEAD must be refused, and only the cookie of a link issued for POST passes). Answers token confusion: a genuine token of one
 * kind (service, share, login, expired, another secret) must never pass as another.
 */

import { env } from "cloudflare:workers";
import { describe, it } from "vitest";
import { issueToken, revokeToken } from "../../src/auth/token-service";
import { createDb } from "../../src/db/client";
import { createToken, deriveKey } from "../../src/tokens";
import { createUser } from "../../src/users/store";
import { surfaceRng } from "./generators/prng";
import { type TokenInput, tokenInputs } from "./generators/tokens";
import {
  adminOk,
  asHeaderValue,
  captureLogs,
  EDGE,
  echoOf,
  edge,
  formBody,
  formInit,
  makeUser,
  PREFIX,
  percentEncode,
  randomIp,
  setSessionCookie,
  tokenDeps,
  uniqueEmail,
} from "./support/edge";
import { isOffSite } from "./support/redirects";
import { type Outcome, runConcurrently, Tally } from "./support/tally";

const INPUTS = 10_600;
const CONTROLS_PER_TARGET = 8;
const SHARED_PATH = "/shared/doc";
const TARGETS = ["link-view", "link-redeem", "bearer", "share-url", "share-post", "share-cookie", "share-act"] as const;
type Target = (typeof TARGETS)[number];

interface Genuine {
  login: string;
  service: string;
  share: string;
  /** A share link to the same folder issued for POST too (`methods`). */
  shareAct: string;
}

/** Sends `token` where `target` reads it and says whether it let the request in. */
async function probe(target: Target, token: string, ip: string): Promise<Outcome & { seen: string }> {
  let response: Response;
  let authenticated = false;
  let seen = token;
  switch (target) {
    case "link-view":
      response = await edge(`${PREFIX}/link?sesame=${percentEncode(token)}`, { headers: { Accept: "text/html", "CF-Connecting-IP": ip } });
      authenticated = response.status === 200;
      break;
    case "link-redeem":
      response = await edge(`${PREFIX}/link`, formInit(formBody({ sesame: token, next: "/after" }), ip));
      authenticated = response.status === 303 && setSessionCookie(response) !== null;
      break;
    case "bearer": {
      const value = asHeaderValue(token);
      // HTTP trims optional white space around a field value: " T" arrives as T.
      seen = value.replace(/^[ \t]+|[ \t]+$/g, "");
      response = await edge("/api/hostile", {
        headers: { Authorization: `Bearer ${value}`, Accept: "application/json", "CF-Connecting-IP": ip },
      });
      authenticated = (await echoOf(response))?.headers["sesame-user-id"] !== undefined;
      break;
    }
    case "share-url":
      response = await edge(`${SHARED_PATH}?sesame=${percentEncode(token)}`, { headers: { Accept: "text/html", "CF-Connecting-IP": ip } });
      authenticated = response.status === 303 && response.headers.getSetCookie().some((c) => /^sesame-share=./.test(c));
      break;
    case "share-post":
      // From the shared page itself, with the token in the URL and in the cookie: the method
      // check, not the same-origin one, is what must refuse it.
      response = await edge(`${SHARED_PATH}?sesame=${percentEncode(token)}`, {
        method: "POST",
        headers: {
          Cookie: `sesame-share=${asHeaderValue(token)}`,
          Origin: EDGE,
          Accept: "application/json",
          "Content-Type": "text/plain",
          "CF-Connecting-IP": ip,
        },
        body: "hostile",
      });
      authenticated = (await echoOf(response))?.headers["sesame-user-id"] !== undefined;
      break;
    case "share-act": {
      const value = asHeaderValue(token);
      seen = value.split(";")[0]!.trim();
      response = await edge(SHARED_PATH, {
        method: "POST",
        headers: {
          Cookie: `sesame-share=${value}`,
          Origin: EDGE,
          Accept: "application/json",
          "Content-Type": "text/plain",
          "CF-Connecting-IP": ip,
        },
        body: "hostile",
      });
      authenticated = (await echoOf(response))?.headers["sesame-user-id"] !== undefined;
      break;
    }
    case "share-cookie": {
      const value = asHeaderValue(token);
      // The cookie's value as the edge reads it: up to the first ";", trimmed.
      seen = value.split(";")[0]!.trim();
      response = await edge(SHARED_PATH, {
        headers: { Cookie: `sesame-share=${value}`, Accept: "application/json", "CF-Connecting-IP": ip },
      });
      authenticated = (await echoOf(response))?.headers["sesame-user-id"] !== undefined;
      break;
    }
  }
  if (!response.bodyUsed) await response.arrayBuffer();
  return { status: response.status, authenticated, offSite: isOffSite(response.headers.get("Location")), seen };
}

/**
 * The genuine token that `target` accepts, or null: the share link is issued for GET and HEAD
 * only, so a POST accepts none of it; only the link issued for POST acts, with its cookie.
 */
function validFor(target: Target, genuine: Genuine): string | null {
  if (target === "share-post") return null;
  if (target === "share-act") return genuine.shareAct;
  if (target === "bearer") return genuine.service;
  if (target.startsWith("share")) return genuine.share;
  return genuine.login;
}

/** Genuine tokens that are valid nowhere, or only somewhere else: the token-confusion cases. */
async function misplacedTokens(): Promise<{ name: string; token: string }[]> {
  const deps = tokenDeps();
  const db = createDb(env.DB);
  const someone = await makeUser("token-misc");
  const past = Date.now() - 2 * 3600_000;

  const used = await makeUser("token-used");
  const usedToken = (await issueToken(deps, used)).token;
  const redeemed = await edge(`${PREFIX}/link`, formInit(formBody({ sesame: usedToken }), "10.9.9.9"));
  if (redeemed.status !== 303) throw new Error(`could not use a token up: ${redeemed.status}`);

  const revoked = (await issueToken(deps, someone, { oneTime: false })).token;
  if (!(await revokeToken(deps, revoked)).revoked) throw new Error("could not revoke a token");

  const inactive = await createUser(db, { email: uniqueEmail("token-inactive"), isActive: false });
  const serviceHolder = await makeUser("token-revoked-service");
  const dead = await adminOk<{ id: string; token: string }>("POST", `/users/${serviceHolder.id}/service-tokens`, 201, { name: "dead" });
  await adminOk("DELETE", `/service-tokens/${dead.id}`, 204);
  const otherKey = await deriveKey("another-secret-that-is-long-enough-to-be-a-real-one", "token");
  const otherPath = await adminOk<{ token: string }>("POST", `/users/${someone.id}/share-links`, 201, { path: "/other/*" });

  const mint = async (scope: string, options: { now?: number; maxAge?: number; oneTime?: boolean } = {}) =>
    (await issueToken({ ...deps, now: options.now }, someone, { scope, maxAge: options.maxAge, oneTime: options.oneTime })).token;
  return [
    { name: "used-one-time", token: usedToken },
    { name: "revoked", token: revoked },
    { name: "expired-login", token: await mint("", { now: past, maxAge: 60 }) },
    { name: "expired-share", token: await mint("path:/shared/*", { now: past, maxAge: 60 }) },
    { name: "inactive-user", token: (await issueToken(deps, inactive!, { oneTime: false })).token },
    { name: "revoked-service", token: dead.token },
    { name: "share-other-path", token: otherPath.token },
    { name: "share-exact-other", token: await mint("path:/shared") },
    { name: "signup-scope", token: await mint("signup") },
    { name: "label-scope", token: await mint("admin") },
    { name: "api-scope-without-row", token: await mint("api") },
    { name: "other-secret", token: (await createToken(someone, { key: otherKey, maxAge: 600, oneTime: false, bindEmail: true })).token },
    {
      name: "other-secret-api",
      token: (await createToken(someone, { key: otherKey, scope: "api", maxAge: 600, oneTime: false, bindEmail: true })).token,
    },
  ];
}

describe("hostile tokens", () => {
  it("authenticates only the genuine token of each place, never a mutated, misplaced or random one, and never answers 5xx", async () => {
    const rng = surfaceRng("tokens");
    const tally = new Tally("tokens");
    const deps = tokenDeps();

    const viewer = await makeUser("token-viewer");
    const holder = await makeUser("token-holder");
    const genuine: Genuine = {
      // Reusable (not one-time), so it stays valid while the run redeems it again and again.
      login: (await issueToken(deps, viewer, { oneTime: false })).token,
      service: (await adminOk<{ token: string }>("POST", `/users/${holder.id}/service-tokens`, 201, { name: "hostile" })).token,
      share: (await adminOk<{ token: string }>("POST", `/users/${holder.id}/share-links`, 201, { path: "/shared/*" })).token,
      shareAct: (await adminOk<{ token: string }>("POST", `/users/${holder.id}/share-links`, 201, { path: "/shared/*", methods: ["POST"] }))
        .token,
    };
    const others = await Promise.all(
      ["token-other-1", "token-other-2"].map(async (label) => (await issueToken(deps, await makeUser(label))).token),
    );
    const misplaced = await misplacedTokens();
    const material = {
      bases: [genuine.login, genuine.service, genuine.share],
      others: [...others, ...misplaced.map((m) => m.token)],
      wrongKind: [
        ...misplaced,
        { name: "login", token: genuine.login },
        { name: "service", token: genuine.service },
        { name: "share", token: genuine.share },
      ],
    };

    const logs = captureLogs();
    try {
      const inputs = [...tokenInputs(rng, material, INPUTS)].map((input) => ({ input, target: rng.pick(TARGETS), ip: randomIp(rng) }));
      await runConcurrently(inputs, 8, async ({ input, target, ip }: { input: TokenInput; target: Target; ip: string }) => {
        const outcome = await probe(target, input.token, ip);
        // A token that arrives as the genuine one (e.g. " T" as a header) is a control, not an attack.
        if (outcome.seen === validFor(target, genuine)) tally.control(`${target}:${input.kind}`, input.token, outcome);
        else tally.input(`${target}:${input.kind}`, { target, token: input.token }, outcome);
      });

      for (const target of TARGETS) {
        const valid = validFor(target, genuine);
        if (valid === null) continue;
        for (let i = 0; i < CONTROLS_PER_TARGET; i++) {
          // A redemption needs a fresh one-time link of its own, as a real sign-in does.
          const token = target === "link-redeem" ? (await issueToken(deps, await makeUser("token-control"))).token : valid;
          tally.control(target, token, await probe(target, token, randomIp(rng)));
        }
      }
    } finally {
      logs.restore();
    }

    const secrets = [genuine.login, genuine.service, genuine.share, genuine.shareAct, ...others];
    const logged = logs.lines.filter((line) => secrets.some((secret) => line.includes(secret)));
    if (logged.length > 0) tally.flag("logs", logged[0], "a raw token was logged");
    tally.report(logs.lines);
  });
});
