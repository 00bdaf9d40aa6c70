/**
 * Bench worker for the token engine: runs N iterations of one operation inside workerd and
 * answers with the time they took. jose HS256 runs in the same isolate as the baseline, so
 * the ratio means something on any machine.
 *
 * Both sides do the same work: mint gives a complete token, verify checks signature (both
 * tags for sesame), scope, expiry and, for sesame, the user's state. Neither side hashes
 * the token: the hash (hashToken) is what revocation, the audit log and service_tokens key
 * on, and since 2026-11-29 the engine leaves it to the callers that store or log a token
 * (the token service takes it once per token), as a JWT library leaves its `jti` lookups
 * to its callers. docs/benchmarks.md says what that means for the figures.
 *
 *   GET /run?op=mint|verify|jose-sign|jose-verify&n=1000  ->  {op, n, ms, failures}
 *   GET /sizes                                            ->  {sesame, jwt}  (characters)
 */
import { jwtVerify, SignJWT } from "jose";
import { createToken, deriveKey, type TokenSubject, verifyToken } from "../../src/tokens";

interface Fixture {
  key: CryptoKey;
  joseKey: CryptoKey;
  user: TokenSubject;
  users: Map<string, TokenSubject>;
  token: string;
  jwt: string;
}

const MAX_AGE_SECONDS = 600;
let fixture: Promise<Fixture> | undefined;

async function buildFixture(): Promise<Fixture> {
  const secret = crypto.getRandomValues(new Uint8Array(32));
  const key = await deriveKey(btoa(String.fromCharCode(...secret)), "token");
  // jose gets an imported key too: both sides sign with a ready CryptoKey, no per-call import.
  const joseKey = await crypto.subtle.importKey("raw", secret, { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
  const user: TokenSubject = {
    id: crypto.randomUUID(),
    email: "bench@example.com",
    isActive: true,
    securityStamp: "c3RhbXAtZm9yLXRoZS1iZW5jaA",
    lastLoginAt: Date.now() - 3_600_000,
    stateChangedAt: Date.now() - 86_400_000,
  };
  const { token } = await mintSesame(key, user);
  const jwt = await mintJwt(joseKey, user);
  return { key, joseKey, user, users: new Map([[user.id, user]]), token, jwt };
}

function mintSesame(key: CryptoKey, user: TokenSubject) {
  return createToken(user, { key, maxAge: MAX_AGE_SECONDS, oneTime: true, bindEmail: true });
}

/** The nearest JWT to a login token: who, which scope, when, until when. */
function mintJwt(key: CryptoKey, user: TokenSubject) {
  return new SignJWT({ scope: "", email: user.email })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(user.id)
    .setIssuedAt()
    .setExpirationTime(`${MAX_AGE_SECONDS}s`)
    .sign(key);
}

/** One iteration of each operation; true when it did what it should (a failing path is not measured). */
const OPERATIONS: Record<string, (f: Fixture) => Promise<boolean>> = {
  async mint(f) {
    return (await mintSesame(f.key, f.user)).token.length > 0;
  },
  async verify(f) {
    const result = await verifyToken(f.token, {
      keys: [f.key],
      scope: "",
      bindEmail: true,
      loadUser: async (id) => f.users.get(id) ?? null,
    });
    return result.ok;
  },
  async "jose-sign"(f) {
    return (await mintJwt(f.joseKey, f.user)).length > 0;
  },
  async "jose-verify"(f) {
    const { payload } = await jwtVerify(f.jwt, f.joseKey, { algorithms: ["HS256"] });
    return payload.sub === f.user.id;
  },
};

export default {
  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    fixture ??= buildFixture();
    const f = await fixture;
    if (url.pathname === "/sizes") return Response.json({ sesame: f.token.length, jwt: f.jwt.length });
    if (url.pathname !== "/run") return new Response("not found", { status: 404 });

    const op = url.searchParams.get("op") ?? "";
    const run = OPERATIONS[op];
    const n = Number(url.searchParams.get("n"));
    if (!run || !Number.isInteger(n) || n < 1 || n > 1_000_000) {
      return Response.json({ error: `op must be one of ${Object.keys(OPERATIONS).join(", ")}; n from 1 to 1e6` }, { status: 400 });
    }
    let failures = 0;
    const start = performance.now();
    for (let i = 0; i < n; i++) if (!(await run(f))) failures++;
    const ms = performance.now() - start;
    return Response.json({ op, n, ms, failures });
  },
};
