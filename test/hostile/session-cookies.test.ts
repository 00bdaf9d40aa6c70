/**
 * Surface 2: the session cookie, at the gate (http and https settings, so both cookie
 * names) and on GET /me. Answers JWT confusion (alg none, HS/ES swaps, the public key as an
 * HMAC secret, header-carried keys) and dead sessions (expired, revoked, deactivated).
 */
import { env } from "cloudflare:workers";
import { describe, it } from "vitest";
import { issueToken } from "../../src/auth/token-service";
import { revokeSession } from "../../src/sessions";
import { hmac } from "../../src/tokens";
import { type Rng, surfaceRng } from "./generators/prng";
import {
  type CookieInput,
  type CookieMaterial,
  cookieHeader,
  flipInPart,
  forgeJwts,
  lookAlikeCookie,
  mutateText,
  sessionJwtKey,
  signHs256,
} from "./generators/session-cookies";
import {
  asHeaderValue,
  captureLogs,
  echoOf,
  edge,
  edgeWith,
  type Fetcher,
  makeUser,
  PREFIX,
  randomIp,
  sessionFor,
  tokenDeps,
} from "./support/edge";
import { type Outcome, runConcurrently, Tally } from "./support/tally";

const INPUTS = 10_500;
const HTTPS_URL = "https://edge.example.com";
type Target = "gate" | "me" | "gate-https";

interface Input extends CookieInput {
  target: Target;
  ip: string;
}

/** The session cookie's value as RFC 6265 section 5.2 reads a Cookie header: first pair of that name, trimmed. */
function valueSeen(header: string, name: string): string | null {
  for (const pair of header.trim().split(";")) {
    const eq = pair.indexOf("=");
    if (eq >= 0 && pair.slice(0, eq).trim() === name) return pair.slice(eq + 1).trim();
  }
  return null;
}

/**
 * The same live JWT with its signature spelled differently (a trailing "=", white space,
 * the other base64 alphabet): the same signature bytes over the same header and claims. jose
 * accepts some of these spellings; that grants nothing its holder did not already have
 * (sessions are revoked by id, not by cookie text), so the tally counts them apart. Header
 * and claims are signed as text: any change there must fail, and does count.
 */
function sameSignedJwt(seen: string, live: string): boolean {
  const decode = (segment: string) => {
    try {
      return atob(
        segment
          .replace(/-/g, "+")
          .replace(/_/g, "/")
          .replace(/[=\s]/g, "")
          .padEnd(Math.ceil(segment.replace(/[=\s]/g, "").length / 4) * 4, "="),
      );
    } catch {
      return null;
    }
  };
  const [a, b] = [seen.split("."), live.split(".")];
  if (a.length !== 3 || a[0] !== b[0] || a[1] !== b[1]) return false;
  const signature = decode(a[2]!);
  return signature !== null && signature === decode(b[2]!);
}

async function probe(input: Input, https: Fetcher): Promise<Outcome> {
  const headers = { Cookie: asHeaderValue(input.cookie), Accept: "application/json", "CF-Connecting-IP": input.ip };
  if (input.target === "me") {
    const response = await edge(`${PREFIX}/me`, { headers });
    await response.arrayBuffer();
    return { status: response.status, authenticated: response.status === 200 };
  }
  const response = input.target === "gate" ? await edge("/app/page", { headers }) : await https(`${HTTPS_URL}/app/page`, { headers });
  const echo = await echoOf(response);
  // The edge's own cookie must never reach the origin, valid or not.
  const cookieAtOrigin = String(echo?.headers.cookie ?? "");
  const leaked = /(^|;\s*)(__Host-)?sesame=/.test(cookieAtOrigin) ? ["cookie"] : [];
  return { status: response.status, authenticated: echo?.headers["sesame-user-id"] !== undefined, leaked };
}

async function buildMaterial(): Promise<{ material: CookieMaterial; liveCookies: string[] }> {
  const now = Math.floor(Date.now() / 1000);
  const [alice, bob, gone, quitter] = await Promise.all(["cookie-alice", "cookie-bob", "cookie-gone", "cookie-quitter"].map(makeUser));
  const a = await sessionFor(alice!);
  const b = await sessionFor(bob!);
  const revoked = await sessionFor(gone!);
  await revokeSession(tokenDeps(), revoked.sessionId);
  const inactive = await sessionFor(quitter!);
  await env.DB.prepare("UPDATE users SET is_active = 0 WHERE id = ?").bind(quitter!.id).run();

  const realKey = await sessionJwtKey(env.SESAME_SECRET);
  const claims = JSON.parse(atob(a.jwt.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/"))) as Record<string, unknown>;
  const genuine = (payload: Record<string, unknown>) =>
    signHs256({ header: { alg: "HS256", typ: "JWT" }, payload: { ...claims, ...payload } }, realKey);
  // A request through the gate hands the origin an assertion: a real ES256 JWT of this edge.
  const echoed = await echoOf(await edge("/app/page", { headers: { Cookie: a.cookie, Accept: "application/json" } }));
  const assertion = String(echoed?.headers["sesame-assertion"]);

  const edgeSigningKey = (JSON.parse(env.SIGNING_KEYS) as (JsonWebKey & { kid: string })[])[0]!;
  const pair = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"])) as CryptoKeyPair;
  const attackerKey = (await crypto.subtle.exportKey("jwk", pair.privateKey)) as JsonWebKey;
  const purposeKey = async (purpose: string) =>
    hmac(
      await crypto.subtle.importKey("raw", new TextEncoder().encode(env.SESAME_SECRET), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]),
      new TextEncoder().encode(`sesame-edge/${purpose}/v1`),
    );
  const { x, y, kty, crv } = edgeSigningKey;

  const material: CookieMaterial = {
    valid: [a.jwt, b.jwt],
    claims,
    dead: [
      { name: "expired", jwt: await genuine({ iat: now - 7200, exp: now - 1 }) },
      { name: "expired-long-ago", jwt: await genuine({ iat: 1, exp: 2 }) },
      { name: "not-before-future", jwt: await genuine({ nbf: now + 3600 }) },
      { name: "revoked-session", jwt: revoked.jwt },
      {
        name: "inactive-user-due-recheck",
        jwt: await signHs256(
          {
            header: { alg: "HS256", typ: "JWT" },
            payload: { ...JSON.parse(atob(inactive.jwt.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/"))), rv: 0 },
          },
          realKey,
        ),
      },
      { name: "unknown-session-due-recheck", jwt: await genuine({ sid: crypto.randomUUID(), rv: 0 }) },
      { name: "other-user-sub-due-recheck", jwt: await genuine({ sub: bob!.id, rv: 0 }) },
      { name: "amr-service", jwt: await genuine({ amr: "service" }) },
      { name: "sid-too-long", jwt: await genuine({ sid: "s".repeat(65) }) },
      { name: "rv-negative", jwt: await genuine({ rv: -1 }) },
      { name: "exp-string", jwt: await genuine({ exp: String(now + 3600) }) },
      { name: "edge-assertion", jwt: assertion },
      { name: "login-token", jwt: (await issueToken(tokenDeps(), alice!)).token },
      {
        name: "other-deployment",
        jwt: await signHs256(
          { header: { alg: "HS256", typ: "JWT" }, payload: claims },
          await sessionJwtKey("a-different-secret-of-another-deployment-0123456789"),
        ),
      },
    ],
    guessedKeys: [
      { name: "random", key: crypto.getRandomValues(new Uint8Array(32)) },
      { name: "raw-secret", key: env.SESAME_SECRET },
      { name: "admin-token", key: env.ADMIN_TOKEN },
      { name: "session-purpose-key", key: await purposeKey("session") },
      { name: "token-purpose-key", key: await purposeKey("token") },
      { name: "public-jwk-json", key: JSON.stringify({ kty, crv, x, y }) },
      { name: "public-x", key: String(x) },
      { name: "word-secret", key: "secret" },
    ],
    edgeSigningKey,
    attackerKey,
  };
  return { material, liveCookies: [a.cookie, b.cookie] };
}

function* inputs(rng: Rng, material: CookieMaterial, forged: { kind: string; jwt: string }[]): Generator<Omit<Input, "ip">> {
  const targets: Target[] = ["gate", "gate", "gate", "gate", "me", "me", "gate-https"];
  for (let i = 0; i < INPUTS; i++) {
    const target = rng.pick(targets);
    const name = target === "gate-https" ? "__Host-sesame" : "sesame";
    const roll = rng.next();
    let value: { kind: string; jwt: string };
    if (roll < 0.1) {
      yield { ...lookAlikeCookie(rng, name, rng.pick(material.valid)), target };
      continue;
    }
    if (roll < 0.45) value = forged[i % forged.length]!;
    else if (roll < 0.7) value = flipInPart(rng, rng.pick(material.valid));
    else if (roll < 0.9) value = mutateText(rng, rng.pick(material.valid));
    else {
      const dead = rng.pick(material.dead);
      value = { kind: `dead-${dead.name}`, jwt: dead.jwt };
    }
    const header = cookieHeader(rng, name, value.jwt, material.valid);
    yield { kind: `${value.kind}/${header.kind}`, cookie: header.cookie, target };
  }
}

describe("hostile session cookies", () => {
  it("lets in only a live session's cookie under its exact name, never a forged, tampered, dead or renamed one", async () => {
    const rng = surfaceRng("session-cookies");
    const tally = new Tally("session cookies");
    const https = edgeWith({ PUBLIC_URL: HTTPS_URL, MAILER: "mailchannels", MAILCHANNELS_API_KEY: "unused" });
    const { material, liveCookies } = await buildMaterial();
    const forged = await forgeJwts(rng, material, 3000);

    const all = [...inputs(rng, material, forged)].map((input) => ({ ...input, ip: randomIp(rng) }));
    const logs = captureLogs();
    try {
      await runConcurrently(all, 8, async (input) => {
        const outcome = await probe(input, https);
        const seen = valueSeen(asHeaderValue(input.cookie), input.target === "gate-https" ? "__Host-sesame" : "sesame");
        if (seen !== null && material.valid.includes(seen)) tally.control(input.kind, input, outcome);
        else
          tally.input(input.kind, input, outcome, {
            sameCredential: seen !== null && material.valid.some((jwt) => sameSignedJwt(seen, jwt)),
          });
      });

      // Raw non-ASCII bytes in the header, as a client can send them (workerd warns once per header).
      for (const cookie of ["sesame=ünïcødé", "sesame=中文.中文.中文", "__Host-sesame=😀", "sesame=\u00a0x"]) {
        const response = await edge("/app/page", { headers: { Cookie: cookie, Accept: "application/json" } });
        tally.input("raw-non-ascii", cookie, {
          status: response.status,
          authenticated: (await echoOf(response))?.headers["sesame-user-id"] !== undefined,
        });
      }

      for (const target of ["gate", "me", "gate-https"] as Target[]) {
        for (const cookie of liveCookies) {
          const named = target === "gate-https" ? cookie.replace(/^sesame=/, "__Host-sesame=") : cookie;
          for (const header of [named, `theme=dark; ${named}`, ` ${named} `]) {
            tally.control(`live-${target}`, header, await probe({ kind: "live", cookie: header, target, ip: randomIp(rng) }, https));
          }
        }
      }
    } finally {
      logs.restore();
    }
    tally.report(logs.lines);
  });
});
