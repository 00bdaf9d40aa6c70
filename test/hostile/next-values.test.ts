/**
 * Surface 3: `next`, the one value the edge turns into a Location. Checked wherever it
 * enters: GET /login (the form's hidden field), POST /login (the page's code form and the
 * emailed link), POST /link with a valid token (a real 303), and the gate's sign-in redirect
 * (its Location, then the login page it leads to). Answers open redirects, the classic
 * failure of sign-in flows (`//evil.com`, `/\evil.com`, encoded and Unicode slashes).
 */
import { env } from "cloudflare:workers";
import { describe, it } from "vitest";
import { issueToken } from "../../src/auth/token-service";
import type { User } from "../../src/db/schema";
import { MAX_NEXT_FIELD } from "../../src/routes/login";
import { nextValues, SAFE_NEXT_VALUES } from "./generators/next-values";
import { surfaceRng } from "./generators/prng";
import {
  captureLogs,
  EDGE,
  edge,
  edgeWith,
  type Fetcher,
  formBody,
  formInit,
  hiddenField,
  makeUser,
  PREFIX,
  percentEncode,
  randomIp,
  tokenDeps,
} from "./support/edge";
import { isOffSite } from "./support/redirects";
import { type Outcome, runConcurrently, Tally } from "./support/tally";

const INPUTS = 10_400;
const TARGETS = ["login-page", "login-post", "link-redeem", "gate-redirect"] as const;
type Target = (typeof TARGETS)[number];

interface Context {
  /** The worker with room for thousands of sign-in emails to the same few addresses. */
  mailing: Fetcher;
  senders: User[];
  /** Reusable login links (not one-time), so every POST /link is a real redemption and a real 303. */
  reusable: string[];
}

const sameTarget = (a: string, b: string) => new URL(a, EDGE).href === new URL(b, EDGE).href;

/** Sends `next` into `target`; returns the outcome and where the edge would send the browser. */
async function probe(target: Target, next: string, ip: string, index: number, ctx: Context): Promise<Outcome & { landed: string | null }> {
  let response: Response;
  let landed: string | null = null;
  let problem: string | null = null;
  switch (target) {
    case "login-page":
      response = await edge(`${PREFIX}/login?next=${percentEncode(next)}`, { headers: { Accept: "text/html", "CF-Connecting-IP": ip } });
      landed = hiddenField(await response.text(), "next");
      break;
    case "login-post": {
      const email = ctx.senders[index % ctx.senders.length]!.email;
      response = await ctx.mailing(`${PREFIX}/login`, formInit(formBody({ email, next }), ip));
      landed = hiddenField(await response.text(), "next");
      break;
    }
    case "link-redeem": {
      // Half the redemptions use a fresh one-time link of a fresh user, as a real sign-in does.
      const token =
        index % 2 === 0 ? (await issueToken(tokenDeps(), await makeUser("next-fresh"))).token : ctx.reusable[index % ctx.reusable.length]!;
      response = await edge(`${PREFIX}/link`, formInit(formBody({ sesame: token, next }), ip));
      await response.arrayBuffer();
      landed = response.headers.get("Location");
      // A `next` longer than the form allows is refused by name (400, field "next"), or as a
      // body over the form limit (413); any other refusal is a defect.
      if (response.status !== 303 && !((response.status === 400 || response.status === 413) && next.length > MAX_NEXT_FIELD)) {
        problem = `a valid link answered ${response.status}, not 303`;
      }
      break;
    }
    case "gate-redirect": {
      const path = next.startsWith("/") ? next : `/${next}`;
      response = await edge(path, { headers: { Accept: "text/html", "CF-Connecting-IP": ip } });
      await response.arrayBuffer();
      const location = response.headers.get("Location");
      if (isOffSite(location)) return { status: response.status, authenticated: false, offSite: true, landed: location };
      // Paths under the prefix are the edge's own pages, not sent to sign in: only their Location matters.
      if (response.status === 302 && location) {
        const page = await edge(location, { headers: { Accept: "text/html", "CF-Connecting-IP": ip } });
        landed = hiddenField(await page.text(), "next");
        if (page.status >= 500) return { status: page.status, authenticated: false, landed };
      }
      break;
    }
  }
  if (!response.bodyUsed) await response.arrayBuffer();
  const refusedAsTooLong = response.status === 413 && next.length > MAX_NEXT_FIELD;
  if (response.status < 500 && response.status !== 400 && !refusedAsTooLong && landed === null && target !== "gate-redirect") {
    problem ??= "no next to check";
  }
  return { status: response.status, authenticated: false, offSite: isOffSite(landed), problem, landed };
}

/** Every sign-in link emailed during the run, with the `next` it carries. */
async function emailedNexts(): Promise<string[]> {
  const { results } = await env.DB.prepare("SELECT text_body AS text FROM dev_messages").all<{ text: string }>();
  return results.flatMap(({ text }) => {
    const link = /https?:\/\/\S+\/link\?\S+/.exec(text)?.[0];
    return link ? [new URL(link).searchParams.get("next") ?? "/"] : [];
  });
}

describe("hostile next values", () => {
  it("never sends the browser off this site, from any page that reads next, and keeps same-site paths as given", async () => {
    const rng = surfaceRng("next-values");
    const tally = new Tally("next values");
    const mailing = edgeWith({ RATE_LIMIT_LOGIN_PER_EMAIL: "1000", RATE_LIMIT_LOGIN_PER_IP: "100000" });
    const senders = await Promise.all(Array.from({ length: 12 }, () => makeUser("next-sender")));
    const reusable = await Promise.all(
      Array.from({ length: 8 }, async () => (await issueToken(tokenDeps(), await makeUser("next-reuse"), { oneTime: false })).token),
    );
    const ctx: Context = { mailing, senders, reusable };

    const logs = captureLogs();
    try {
      const inputs = [...nextValues(rng, INPUTS)].map((input) => ({ ...input, target: rng.pick(TARGETS), ip: randomIp(rng) }));
      await runConcurrently(inputs, 8, async (input, index) => {
        const { landed, ...outcome } = await probe(input.target, input.next, input.ip, index, ctx);
        tally.input(`${input.target}:${input.kind}`, { target: input.target, next: input.next, landed }, outcome);
      });

      // Controls: same-site paths survive every page exactly (a suite that turned everything into "/" would fail here).
      for (const target of TARGETS) {
        for (const safe of SAFE_NEXT_VALUES) {
          if (target === "gate-redirect" && safe === "/") continue;
          const { landed, ...outcome } = await probe(target, safe, randomIp(rng), 0, ctx);
          // A browser never sends the fragment: the gate can only bring back the path and query.
          const expected = target === "gate-redirect" ? safe.replace(/#.*$/, "") : safe;
          tally.control(target, { safe, landed }, { ...outcome, authenticated: landed !== null && sameTarget(landed, expected) });
        }
      }
    } finally {
      logs.restore();
    }

    for (const next of await emailedNexts()) {
      if (isOffSite(next)) tally.flag("emailed-link", next, "a sign-in email carries an off-site next");
    }
    tally.report(logs.lines);
  });
});
