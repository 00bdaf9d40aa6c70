/**
 * Identity headers a client might send to pass for someone, or to steer what the origin
 * believes about the request: Sesame-*, the X-Forwarded-* family, X-Real-IP, Forwarded,
 * Cloudflare's client-IP headers and their look-alikes, the user headers other auth
 * proxies set (oauth2-proxy's X-Auth-Request-*, Remote-User...), and underscore spellings of
 * all of them (`Sesame_User_Id`), which CGI-style origins cannot tell from the real ones. Every value carries a
 * marker, so whatever reaches the origin can be traced to the header that carried it.
 */
import type { Rng } from "./prng";

/** Headers the gate owns: no client-sent copy may reach the origin (docs/gate.md). */
export const GATE_OWNED_NAMES = [
  "Sesame-User-Id",
  "Sesame-User-Email",
  "Sesame-Assertion",
  "Sesame-Amr",
  "Sesame-Scope",
  "Sesame-Session",
  "Sesame-",
  "X-Forwarded-For",
  "X-Forwarded-Host",
  "X-Forwarded-Proto",
  "X-Forwarded-Port",
  "X-Forwarded-User",
  "X-Forwarded-Email",
  "X-Forwarded-Groups",
  "X-Forwarded-Preferred-Username",
  "X-Forwarded-Access-Token",
  "X-Forwarded-Prefix",
  "X-Forwarded-Uri",
  "X-Forwarded-Method",
  "X-Forwarded-Server",
  "X-Forwarded-Ssl",
  "X-Forwarded-Scheme",
  "X-Forwarded-Path",
  "X-Forwarded-Client-Cert",
  "X-Real-IP",
  "Forwarded",
];

/**
 * Other gates' identity headers, client-IP and URL-rewrite headers (Authelia, oauth2-proxy,
 * Grafana, Cloudflare Access, Pomerium, AWS ALB, Azure, IIS...): stripped by default
 * (PASS_CLIENT_HEADERS is empty in these runs).
 */
export const OTHER_GATE_NAMES = [
  "True-Client-IP",
  "X-Client-IP",
  "X-Cluster-Client-IP",
  "X-Original-Forwarded-For",
  "Remote-User",
  "Remote-Email",
  "Remote-Groups",
  "Remote-Name",
  "X-Remote-User",
  "X-Auth-Request-User",
  "X-Auth-Request-Email",
  "X-Auth-Request-Groups",
  "X-Auth-Request-Preferred-Username",
  "X-WEBAUTH-USER",
  "Cf-Access-Jwt-Assertion",
  "Cf-Access-Authenticated-User-Email",
  "X-Pomerium-Jwt-Assertion",
  "X-Amzn-Oidc-Data",
  "X-Amzn-Oidc-Identity",
  "X-Ms-Client-Principal",
  "X-Ms-Client-Principal-Name",
  "X-Original-URL",
  "X-Rewrite-URL",
  "X-Forwarded",
];

/** Cloudflare's own client-IP headers: Cloudflare sets them, so they are passed on as any other header. */
export const PASSED_NAMES = ["CF-Connecting-IPv6", "CF-Pseudo-IPv4"];

/** Is `name` (any case) one the gate owns? The X-Forwarded- and Sesame- families as a whole, plus X-Real-IP and Forwarded. */
export function isGateOwned(name: string): boolean {
  const lower = name.toLowerCase();
  return lower.startsWith("sesame-") || lower.startsWith("x-forwarded-") || lower === "x-real-ip" || lower === "forwarded";
}

/**
 * Must a client-sent `name` never reach the origin? The gate's own names, other gates' names
 * and every name with "_" (CGI-style origins read `Sesame_User_Id` as `Sesame-User-Id`).
 */
export function mustNotReachOrigin(name: string): boolean {
  const lower = name.toLowerCase();
  return lower.includes("_") || isGateOwned(lower) || OTHER_GATE_NAMES.some((other) => other.toLowerCase() === lower);
}

/** `name` with "_" for some or all of its hyphens: the look-alike a CGI-style origin cannot tell apart. */
function underscoreVariant(rng: Rng, name: string): string {
  if (!name.includes("-")) return `${name}_`;
  const some = name.replace(/-/g, (dash) => (rng.chance(0.5) ? "_" : dash));
  return some.includes("_") ? some : name.replace(/-/g, "_");
}

function caseVariant(rng: Rng, name: string): string {
  switch (rng.int(0, 3)) {
    case 0:
      return name.toLowerCase();
    case 1:
      return name.toUpperCase();
    case 2:
      return [...name].map((c) => (rng.chance(0.5) ? c.toUpperCase() : c.toLowerCase())).join("");
    default:
      return name;
  }
}

function forgedValue(rng: Rng, marker: string, victim: { id: string; email: string }): string {
  return rng.pick([
    marker,
    `${victim.id}${marker}`,
    `${victim.email}#${marker}`,
    `1.2.3.4, ${marker}`,
    `for=${marker};proto=https;host=evil.com`,
    `https://evil.com/${marker}`,
    `eyJhbGciOiJub25lIn0.eyJzdWIiOiIke21hcmtlcn0ifQ.${marker}`,
    `${marker}\t`,
    `"${marker}"`,
    `admin,${marker}`,
  ]);
}

export interface IdentityHeaderInput {
  kind: string;
  /** Header name and value pairs, in order; a name may repeat. */
  headers: [string, string][];
  /** The marker every forged value carries. */
  marker: string;
  /** A CF-Connecting-IP value sent by the client (Cloudflare's own header: trusted), if any. */
  connectingIp: string | null;
}

/** `count` sets of forged headers; `victim` is another real user to impersonate. */
export function* identityHeaderInputs(rng: Rng, victim: { id: string; email: string }, count: number): Generator<IdentityHeaderInput> {
  for (let i = 0; i < count; i++) {
    const marker = `forged${i}x${rng.int(0, 1e9)}`;
    const headers: [string, string][] = [];
    const n = rng.int(1, 6);
    for (let k = 0; k < n; k++) {
      const family = rng.int(0, 9);
      let name = family < 5 ? rng.pick(GATE_OWNED_NAMES) : family < 8 ? rng.pick(OTHER_GATE_NAMES) : rng.pick(PASSED_NAMES);
      if (family !== 9 && rng.chance(0.3)) name = underscoreVariant(rng, name);
      const value = forgedValue(rng, marker, victim);
      headers.push([caseVariant(rng, name), value]);
      // The same header twice: proxies that keep the first or join them must not let either through.
      if (rng.chance(0.2)) headers.push([caseVariant(rng, name), forgedValue(rng, marker, victim)]);
    }
    // Hop-by-hop games: ask the gate to drop a header by naming it in Connection.
    if (rng.chance(0.1))
      headers.push(["Connection", rng.pick(["close, Sesame-User-Id", "X-Forwarded-For", "keep-alive, Cookie, Authorization"])]);
    const connectingIp = rng.chance(0.7)
      ? rng.pick([
          `10.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`,
          ` 10.0.0.${rng.int(1, 254)} `,
          `2001:db8::${rng.int(1, 9999)}`,
        ])
      : null;
    if (connectingIp !== null) headers.push([caseVariant(rng, "CF-Connecting-IP"), connectingIp]);
    yield { kind: `${n}-headers`, headers, marker, connectingIp };
  }
}
