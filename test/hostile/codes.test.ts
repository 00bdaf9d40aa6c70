/**
 * Surface 5: POST /code against live sign-in requests, so every well-formed guess spends a
 * real attempt. Besides 10,000+ hostile codes: CODE_MAX_ATTEMPTS wrong codes kill a request
 * (then even the right code fails), fewer do not, and the right code signs in (the
 * controls). Answers code guessing: the attempt limit is what bounds it.
 */
import { env } from "cloudflare:workers";
import { describe, it } from "vitest";
import type { User } from "../../src/db/schema";
import { extractLoginDetails } from "../../src/mail/extract-login-details";
import { type CodeFields, codeInputs } from "./generators/codes";
import { type Rng, surfaceRng } from "./generators/prng";
import {
  captureLogs,
  edge,
  edgeWith,
  type Fetcher,
  formBody,
  formInit,
  makeUser,
  PREFIX,
  randomIp,
  setSessionCookie,
  testConfig,
} from "./support/edge";
import { type Outcome, runConcurrently, Tally } from "./support/tally";

const INPUTS = 10_400;
/** Hostile inputs per live request before the next victim: enough to exhaust its attempts many times over. */
const INPUTS_PER_VICTIM = 40;

interface Victim {
  user: User;
  code: string;
}

/** Asks for sign-in emails for `users` and reads each one's code from the dev mailbox table. */
async function liveRequests(mailing: Fetcher, users: User[], rng: Rng): Promise<Victim[]> {
  await runConcurrently(users, 8, async (user) => {
    const response = await mailing(`${PREFIX}/login`, formInit(formBody({ email: user.email, next: "/" }), randomIp(rng)));
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`POST /login for a victim answered ${response.status}`);
  });
  const { results } = await env.DB.prepare('SELECT to_address AS "to", text_body AS text FROM dev_messages ORDER BY created_at').all<{
    to: string;
    text: string;
  }>();
  const codes = new Map(results.map((m) => [m.to, extractLoginDetails(m.text).code]));
  return users.map((user) => {
    const code = codes.get(user.email);
    if (!code) throw new Error(`no code mailed to ${user.email}`);
    return { user, code };
  });
}

async function postCode(form: CodeFields, ip: string): Promise<Outcome> {
  const response = await edge(`${PREFIX}/code`, formInit(formBody([...form.fields, ["next", "/"]]), ip));
  await response.arrayBuffer();
  return { status: response.status, authenticated: response.status === 303 && setSessionCookie(response) !== null };
}

/** What the edge reads from the form: the first email (normalised) and the first code without spaces and dashes. */
function readsAs(form: CodeFields): { email: string; code: string } {
  const first = (name: string) => form.fields.find(([n]) => n === name)?.[1] ?? "";
  return { email: first("email").trim().toLowerCase(), code: first("code").replace(/[\s-]/g, "") };
}

describe("hostile codes", () => {
  it("never signs in with a wrong, malformed or misaddressed code, and the attempt limit holds", async () => {
    const rng = surfaceRng("codes");
    const tally = new Tally("codes");
    const mailing = edgeWith({ RATE_LIMIT_LOGIN_PER_IP: "100000" });
    const victimCount = Math.ceil(INPUTS / INPUTS_PER_VICTIM);
    const users = await Promise.all(Array.from({ length: victimCount + 40 }, () => makeUser("code-victim")));

    const logs = captureLogs();
    try {
      const victims = await liveRequests(mailing, users, rng);
      const codeOf = new Map(victims.map((v) => [v.user.email, v.code]));
      const [limitVictims, controlVictims, hostileVictims] = [victims.slice(0, 20), victims.slice(20, 40), victims.slice(40)];

      const inputs = [...codeInputs(rng, INPUTS)].map((input, i) => ({ input, i, ip: randomIp(rng) }));
      await runConcurrently(inputs, 8, async ({ input, i, ip }) => {
        const victim = hostileVictims[Math.floor(i / INPUTS_PER_VICTIM)]!;
        const neighbour = hostileVictims[(Math.floor(i / INPUTS_PER_VICTIM) + 1) % hostileVictims.length]!;
        const form = input.build(victim.code, victim.user.email, neighbour.user.email);
        const read = readsAs(form);
        // Only the right code for the address the edge reads may sign in (a one-in-a-million guess included).
        const sameCredential = codeOf.get(read.email) === read.code;
        tally.input(input.kind, form.fields, await postCode(form, ip), { sameCredential });
      });

      // The attempt limit: CODE_MAX_ATTEMPTS wrong codes, then the right one fails; one fewer, and it works.
      const maxAttempts = testConfig().code.maxAttempts;
      for (const [n, victim] of limitVictims.entries()) {
        const wrong = n % 2 === 0 ? maxAttempts : maxAttempts - 1;
        for (let k = 0; k < wrong; k++) {
          let guess = String(rng.int(0, 999_999)).padStart(6, "0");
          if (guess === victim.code) guess = String((Number(guess) + 1) % 1_000_000).padStart(6, "0");
          tally.input(
            "attempt-limit:wrong",
            guess,
            await postCode(
              {
                fields: [
                  ["email", victim.user.email],
                  ["code", guess],
                ],
              },
              randomIp(rng),
            ),
          );
        }
        const right = await postCode(
          {
            fields: [
              ["email", victim.user.email],
              ["code", victim.code],
            ],
          },
          randomIp(rng),
        );
        if (wrong === maxAttempts) tally.input("attempt-limit:right-after-limit", victim.code, right);
        else tally.control("attempt-limit:right-before-limit", victim.code, right);
      }
      for (const victim of controlVictims) {
        const typed = rng.pick([
          victim.code,
          `${victim.code.slice(0, 3)} ${victim.code.slice(3)}`,
          `${victim.code.slice(0, 3)}-${victim.code.slice(3)}`,
        ]);
        tally.control(
          "right-code",
          typed,
          await postCode(
            {
              fields: [
                ["email", ` ${victim.user.email.toUpperCase()} `],
                ["code", typed],
              ],
            },
            randomIp(rng),
          ),
        );
      }
    } finally {
      logs.restore();
    }

    const attempts = await env.DB.prepare(
      "SELECT COALESCE(SUM(attempts), 0) AS spent, COALESCE(SUM(attempts >= ?), 0) AS exhausted, COUNT(*) AS requests FROM login_requests",
    )
      .bind(testConfig().code.maxAttempts)
      .first<{ spent: number; exhausted: number; requests: number }>();
    console.info(
      `[hostile] codes: ${attempts?.spent} attempts spent on ${attempts?.requests} live requests, ${attempts?.exhausted} exhausted`,
    );
    tally.report(logs.lines);
  });
});
