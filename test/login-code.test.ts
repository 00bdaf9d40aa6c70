import { describe, expect, it } from "vitest";
import {
  askForLink,
  type Fetcher,
  getPage,
  latestMail,
  linkFields,
  linkPath,
  makeUser,
  me,
  PREFIX,
  postForm,
  rows,
  sessionCookie,
  testConfig,
  uniqueEmail,
  workerWith,
} from "./login-helpers";
import { inOneWindow } from "./support/one-window";

function postCode(email: string, code: string, extra: { next?: string; headers?: Record<string, string>; fetcher?: Fetcher } = {}) {
  return postForm(`${PREFIX}/code`, { email, code, next: extra.next ?? "/" }, { headers: extra.headers, fetcher: extra.fetcher });
}

/** A code of the right length that is not `code`. */
function wrong(code: string, n = 1): string {
  return code
    .split("")
    .map((d, i) => (i === 0 ? String((Number(d) + n) % 10) : d))
    .join("");
}

describe("sign-in by code", () => {
  it("signs in with the emailed code, typed with the grouping space, and redirects to next", async () => {
    const user = await makeUser();
    await askForLink(user.email, { next: "/inbox" });
    const { code } = await latestMail(user.email);
    expect(code).toMatch(new RegExp(`^[0-9]{${testConfig().code.length}}$`));

    const res = await postCode(user.email.toUpperCase(), `${code.slice(0, 3)} ${code.slice(3)}`, { next: "/inbox" });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/inbox");
    const identity = await me(sessionCookie(res));
    expect(await identity.json()).toMatchObject({ userId: user.id, amr: "code" });
  });

  it("stores only a keyed hash of the code, never the digits", async () => {
    const user = await makeUser();
    await askForLink(user.email);
    const { code } = await latestMail(user.email);
    const [row] = await rows<Record<string, unknown>>("SELECT * FROM login_requests WHERE email = ?", user.email);
    expect(JSON.stringify(row)).not.toContain(code);
    expect(String(row!.code_hash)).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it("refuses a wrong code with a generic message, and still accepts the right one after it", async () => {
    const user = await makeUser();
    await askForLink(user.email);
    const { code } = await latestMail(user.email);
    const bad = await postCode(user.email, wrong(code));
    expect(bad.status).toBe(400);
    expect(sessionCookie(bad)).toBeNull();
    expect(await bad.text()).toContain("That code did not work");
    expect((await postCode(user.email, code)).status).toBe(303);
  });

  it("kills the code after CODE_MAX_ATTEMPTS wrong tries, even for the right code", async () => {
    const user = await makeUser();
    await askForLink(user.email);
    const { code, link } = await latestMail(user.email);
    for (let i = 1; i <= testConfig().code.maxAttempts; i++) {
      expect((await postCode(user.email, wrong(code, i))).status).toBe(400);
    }
    const late = await postCode(user.email, code);
    expect(late.status).toBe(400);
    expect(sessionCookie(late)).toBeNull();
    const [row] = await rows<{ attempts: number }>("SELECT attempts FROM login_requests WHERE email = ?", user.email);
    expect(row!.attempts).toBe(testConfig().code.maxAttempts);
    // The link of the same email is a separate credential: guessing at the code does not burn it.
    expect((await postForm(`${PREFIX}/link`, linkFields(link))).status).toBe(303);
  });

  it("accepts the right code on the last allowed try", async () => {
    const user = await makeUser();
    await askForLink(user.email);
    const { code } = await latestMail(user.email);
    for (let i = 1; i < testConfig().code.maxAttempts; i++) await postCode(user.email, wrong(code, i));
    expect((await postCode(user.email, code)).status).toBe(303);
  });

  it("lets at most CODE_MAX_ATTEMPTS of 20 concurrent wrong guesses be compared", async () => {
    const user = await makeUser();
    await askForLink(user.email);
    const { code } = await latestMail(user.email);
    const guesses = await Promise.all(Array.from({ length: 20 }, (_, i) => postCode(user.email, wrong(code, (i % 9) + 1))));
    expect(guesses.every((g) => g.status === 400)).toBe(true);
    const [row] = await rows<{ attempts: number }>("SELECT attempts FROM login_requests WHERE email = ?", user.email);
    expect(row!.attempts).toBe(testConfig().code.maxAttempts);
    expect((await postCode(user.email, code)).status).toBe(400);
  });

  it("gives exactly one session to 20 concurrent POSTs of the right code", async () => {
    const user = await makeUser();
    await askForLink(user.email);
    const { code } = await latestMail(user.email);
    const results = await Promise.all(Array.from({ length: 20 }, () => postCode(user.email, code)));
    expect(results.filter((r) => r.status === 303)).toHaveLength(1);
    expect(await rows("SELECT id FROM sessions WHERE user_id = ?", user.id)).toHaveLength(1);
  });

  it("refuses an expired code", async () => {
    const user = await makeUser();
    await askForLink(user.email);
    const { code } = await latestMail(user.email);
    await rows("UPDATE login_requests SET expires_at = ? WHERE email = ?", Date.now() - 1, user.email);
    const res = await postCode(user.email, code);
    expect(res.status).toBe(400);
    expect(sessionCookie(res)).toBeNull();
  });

  it("kills the link of the same email when the code is redeemed", async () => {
    const user = await makeUser();
    await askForLink(user.email);
    const { code, link } = await latestMail(user.email);
    expect((await postCode(user.email, code)).status).toBe(303);
    expect((await getPage(linkPath(link))).status).toBe(400);
    expect((await postForm(`${PREFIX}/link`, linkFields(link))).status).toBe(400);
  });

  it("refuses a code used once already", async () => {
    const user = await makeUser();
    await askForLink(user.email);
    const { code } = await latestMail(user.email);
    expect((await postCode(user.email, code)).status).toBe(303);
    expect((await postCode(user.email, code)).status).toBe(400);
  });

  it("answers a code for an address that was never sent one exactly like a wrong code", async () => {
    const user = await makeUser();
    await askForLink(user.email);
    const { code } = await latestMail(user.email);
    const nobody = uniqueEmail("nobody");
    const forWrong = (await (await postCode(user.email, wrong(code))).text()).replaceAll(user.email, "EMAIL");
    const unknown = await postCode(nobody, code);
    expect(unknown.status).toBe(400);
    expect((await unknown.text()).replaceAll(nobody, "EMAIL")).toBe(forWrong);
  });

  it("asks for the digits again, without spending an attempt, when the input is not a code", async () => {
    const user = await makeUser();
    await askForLink(user.email);
    for (const junk of ["12ab56", "1234567890123", ""]) {
      const res = await postCode(user.email, junk);
      expect(res.status).toBe(400);
      expect(await res.text()).toContain(`Enter the ${testConfig().code.length}-digit code`);
    }
    const [row] = await rows<{ attempts: number }>("SELECT attempts FROM login_requests WHERE email = ?", user.email);
    expect(row!.attempts).toBe(0);
  });

  it("draws codes uniformly enough that every digit appears in every position", async () => {
    const { generateCode } = await import("../src/login/codes");
    const seen = Array.from({ length: 6 }, () => new Set<string>());
    for (let i = 0; i < 400; i++)
      generateCode(6)
        .split("")
        .forEach((d, p) => {
          seen[p]!.add(d);
        });
    expect(seen.every((s) => s.size === 10)).toBe(true);
    expect(generateCode(10)).toMatch(/^[0-9]{10}$/);
  });

  it("rate-limits POST /code per client IP with 429 and Retry-After", () =>
    inOneWindow(async () => {
      const fetcher = workerWith({ RATE_LIMIT_CODE_PER_IP: "3" });
      const ip = `198.51.100.${Math.floor(Math.random() * 250) + 1}`;
      const headers = { Origin: "http://localhost:8787", "CF-Connecting-IP": ip };
      const email = uniqueEmail();
      for (let i = 0; i < 3; i++) expect((await postCode(email, "123456", { headers, fetcher })).status).toBe(400);
      const limited = await postCode(email, "123456", { headers, fetcher });
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get("Retry-After"))).toBeGreaterThan(0);
      expect(await limited.text()).toContain("Too many");
      // Another client is not affected.
      expect((await postCode(email, "123456", { headers: { ...headers, "CF-Connecting-IP": "203.0.113.9" }, fetcher })).status).toBe(400);
    }));
});
