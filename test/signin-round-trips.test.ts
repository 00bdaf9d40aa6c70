/**
 * Sign-in's D1 budget (docs/benchmarks.md, "The login path"): in production every call that
 * reaches D1 is a trip to its primary, so the number of calls is the latency a person feels.
 * At most 3 for POST /login, 3 for a magic-link redemption (GET and POST together) and 3 for
 * a code. Counted with a real counting wrapper around the local D1 binding (a batch is one
 * call), through the worker with a mailer that keeps nothing in D1 (the Email Service
 * binding, recorded). Each figure is pinned exactly: a change that adds a round trip fails
 * here, and one that removes one writes the new figure down.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { extractLoginDetails } from "../src/mail/extract-login-details";
import { askForLink, getPage, linkFields, linkPath, makeUser, PREFIX, postForm, sessionCookie, workerWith } from "./login-helpers";
import { countingD1RoundTrips } from "./support/d1-round-trips";
import { recordingEmailBinding } from "./support/email-binding";

/** The sign-in budget: D1 round trips per operation. */
const BUDGET = 3;

/** Exactly `roundTrips`; `statements`, or one more when a rate-limit hit prunes ended windows (1 in 100, same trip). */
function expectCounts(d1: ReturnType<typeof countingD1RoundTrips>, roundTrips: number, statements: number, prunable = false) {
  const counts = d1.counts();
  expect(counts.roundTrips, d1.trips().join("\n")).toBeLessThanOrEqual(BUDGET);
  expect(counts.roundTrips, d1.trips().join("\n")).toBe(roundTrips);
  expect(counts.statements).toBeGreaterThanOrEqual(statements);
  expect(counts.statements).toBeLessThanOrEqual(prunable ? statements + 1 : statements);
}

function signInEdge(overrides: Record<string, string> = {}) {
  const d1 = countingD1RoundTrips(env.DB);
  const mail = recordingEmailBinding();
  const edge = workerWith({ MAILER: "cloudflare", EMAIL: mail, DB: d1.binding, ...overrides });
  const lastMail = (to: string) => {
    const message = mail.sent.filter((m) => m.to === to).at(-1);
    if (!message) throw new Error(`no email to ${to}`);
    return extractLoginDetails(message.text);
  };
  return { d1, edge, lastMail };
}

/** The attempt cookie POST /login gave the asking browser, as that browser sends it back (SAME_DEVICE's default, warn). */
function attemptCookie(res: Response): string {
  const pair = res.headers
    .getSetCookie()
    .map((line) => line.split(";")[0]!)
    .find((p) => p.startsWith("sesame-attempt="));
  if (!pair) throw new Error("no attempt cookie");
  return pair;
}

describe("sign-in's D1 round trips", () => {
  it("POST /login for an existing user: 3 (rate limits with the user lookup, the request with its audit row, the sent mail's audit row)", async () => {
    const { d1, edge } = signInEdge();
    const user = await makeUser();
    d1.reset();
    expect((await askForLink(user.email, { fetcher: edge })).status).toBe(200);
    expectCounts(d1, 3, 6, true);
  });

  it("a magic-link redemption, GET and POST: 3 (the user with the link's request; again, then the batch that signs in)", async () => {
    const { d1, edge, lastMail } = signInEdge();
    const user = await makeUser();
    const asked = await askForLink(user.email, { fetcher: edge });
    const cookie = attemptCookie(asked);
    const { link } = lastMail(user.email);
    d1.reset();
    expect((await getPage(linkPath(link!), { fetcher: edge, cookie })).status).toBe(200);
    const redeemed = await postForm(`${PREFIX}/link`, linkFields(link!), { fetcher: edge, cookie });
    expect(redeemed.status).toBe(303);
    expect(sessionCookie(redeemed)).not.toBeNull();
    expectCounts(d1, 3, 10);
  });

  it("a code: 3 (the rate limit, the attempt, the batch that signs in)", async () => {
    const { d1, edge, lastMail } = signInEdge();
    const user = await makeUser();
    const cookie = attemptCookie(await askForLink(user.email, { fetcher: edge }));
    const { code } = lastMail(user.email);
    d1.reset();
    const redeemed = await postForm(`${PREFIX}/code`, { email: user.email, code: code!, next: "/" }, { fetcher: edge, cookie });
    expect(redeemed.status).toBe(303);
    expect(sessionCookie(redeemed)).not.toBeNull();
    expectCounts(d1, 3, 9, true);
  });
});
