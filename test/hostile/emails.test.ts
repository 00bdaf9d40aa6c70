/**
 * Surface 4: the email field of POST /login, with sign-up closed (only existing users get
 * mail) and open (any valid address does). Answers mail header injection (CR/LF, commas,
 * angle brackets reaching a recipient) and reflected markup in the page that echoes the
 * address; no input may start a session here, and none may get a 5xx.
 */
import { env } from "cloudflare:workers";
import { describe, it } from "vitest";
import { type EmailInput, emailInputs } from "./generators/emails";
import { surfaceRng } from "./generators/prng";
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
} from "./support/edge";
import { type Outcome, runConcurrently, Tally } from "./support/tally";

const INPUTS = 10_300;
/** What a recipient may look like once normalised: no space, control, comma, angle bracket or quote. */
const PLAIN_ADDRESS = /^[a-z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/;

async function probe(input: EmailInput, ip: string, fetcher: Fetcher): Promise<Outcome> {
  const headers: Record<string, string> = {};
  if (typeof input.body === "string") headers["Content-Type"] = input.contentType ?? "application/x-www-form-urlencoded";
  const init = formInit(input.body, ip, headers);
  if (input.contentType === "") (init.headers as Headers).delete("Content-Type");
  const response = await fetcher(`${PREFIX}/login`, init);
  const html = await response.text();
  // The page echoes the address: markup in it must come back escaped, never as markup.
  const reflected = input.email !== undefined && /[<>"]/.test(input.email) && input.email.length > 3 && html.includes(input.email);
  return {
    status: response.status,
    authenticated: setSessionCookie(response) !== null,
    problem: reflected ? "the address came back unescaped" : null,
  };
}

/** Signs in through the whole email flow with an address typed loosely: the surface's valid control. */
async function signInByCode(typed: string, address: string, rng: ReturnType<typeof surfaceRng>): Promise<Outcome> {
  const asked = await edge(`${PREFIX}/login`, formInit(formBody({ email: typed, next: "/" }), randomIp(rng)));
  await asked.arrayBuffer();
  const box = await edge(`${PREFIX}/dev/mailbox?to=${encodeURIComponent(address)}`, { headers: { Accept: "application/json" } });
  const code = ((await box.json()) as { messages: { code: string | null }[] }).messages[0]?.code;
  if (asked.status !== 200 || !code) return { status: asked.status, authenticated: false };
  const signedIn = await edge(`${PREFIX}/code`, formInit(formBody({ email: address, code, next: "/" }), randomIp(rng)));
  await signedIn.arrayBuffer();
  return { status: signedIn.status, authenticated: signedIn.status === 303 && setSessionCookie(signedIn) !== null };
}

describe("hostile emails", () => {
  it("sends mail only to plain addresses, echoes them escaped, and never starts a session or answers 5xx", async () => {
    const rng = surfaceRng("emails");
    const tally = new Tally("emails");
    const open = edgeWith({ SIGNUP: "open", RATE_LIMIT_LOGIN_PER_IP: "100000", RATE_LIMIT_LOGIN_PER_EMAIL: "1000" });
    const known = (await Promise.all(Array.from({ length: 6 }, () => makeUser("email-known")))).map((u) => u.email);
    const controls = await Promise.all(Array.from({ length: 8 }, () => makeUser("email-control")));

    const logs = captureLogs();
    try {
      // Controls first: they also teach the no-send path how long a real send takes here.
      for (const [i, user] of controls.entries()) {
        const typed = [` ${user.email} `, user.email.toUpperCase(), `\t${user.email}`, user.email][i % 4]!;
        tally.control("sign-in-by-code", typed, await signInByCode(typed, user.email, rng));
      }

      const inputs = [...emailInputs(rng, known, INPUTS)].map((input) => ({ input, ip: randomIp(rng), open: rng.chance(0.3) }));
      await runConcurrently(inputs, 8, async ({ input, ip, open: toOpen }) => {
        const outcome = await probe(input, ip, toOpen ? open : edge);
        tally.input(
          `${toOpen ? "open" : "closed"}:${input.kind}`,
          { open: toOpen, ...input, body: typeof input.body === "string" ? input.body : "(multipart)" },
          outcome,
        );
      });
    } finally {
      logs.restore();
    }

    const { results } = await env.DB.prepare('SELECT to_address AS "to", subject FROM dev_messages').all<{ to: string; subject: string }>();
    for (const message of results) {
      if (!PLAIN_ADDRESS.test(message.to)) tally.flag("recipient", message.to, "mail went to a recipient that is not a plain address");
      if (/[\r\n]/.test(message.subject)) tally.flag("subject", message.subject, "a subject holds a line break");
    }
    console.info(`[hostile] emails: ${results.length} sign-in emails sent during the run, every recipient checked`);
    tally.report(logs.lines);
  });
});
