/**
 * A client of a local gate (wrangler dev): the admin API, the browser sign-in through the
 * dev mailbox, and plain requests that report status, body and timing without throwing.
 */
import { request as httpRequest } from "node:http";

const PREFIX = "/.sesame";

/** Creates a user through the admin API and signs them in by magic link; returns "sesame=<jwt>". */
export async function signIn(gateUrl, { adminToken, publicUrl, email }) {
  const admin = await fetch(`${gateUrl}${PREFIX}/admin/api/users`, {
    method: "POST",
    headers: { Authorization: `Bearer ${adminToken}`, "Content-Type": "application/json" },
    body: JSON.stringify({ email }),
  });
  if (admin.status !== 201) throw new Error(`creating ${email} answered ${admin.status}: ${await admin.text()}`);
  const form = (fields) => ({
    method: "POST",
    redirect: "manual",
    headers: { Origin: publicUrl, "Content-Type": "application/x-www-form-urlencoded", Accept: "text/html" },
    body: new URLSearchParams(fields).toString(),
  });
  const asked = await fetch(`${gateUrl}${PREFIX}/login`, form({ email, next: "/" }));
  if (asked.status !== 200) throw new Error(`POST /login answered ${asked.status}`);
  await asked.body?.cancel();
  const mailbox = await fetch(`${gateUrl}${PREFIX}/dev/mailbox?to=${encodeURIComponent(email)}`, {
    headers: { Accept: "application/json" },
  });
  const { messages } = await mailbox.json();
  const link = new URL(messages[0].link);
  const redeemed = await fetch(`${gateUrl}${PREFIX}/link`, form({ sesame: link.searchParams.get("sesame"), next: "/" }));
  if (redeemed.status !== 303) throw new Error(`POST /link answered ${redeemed.status}`);
  const cookie = redeemed.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .find((c) => /^sesame=./.test(c));
  if (!cookie) throw new Error("no session cookie");
  return cookie;
}

/**
 * One GET through node:http (not fetch, so a body cut off mid-way is seen as such):
 * resolves {status, body, bytes, ms, error} and never rejects.
 */
export function get(url, { headers = {}, agent, timeoutMs = 15_000 } = {}) {
  return new Promise((resolve) => {
    const started = performance.now();
    let settled = false;
    const done = (result) => {
      if (settled) return;
      settled = true;
      resolve({ ms: performance.now() - started, ...result });
    };
    const req = httpRequest(url, { headers, agent, timeout: timeoutMs }, (res) => {
      const chunks = [];
      const received = () => Buffer.concat(chunks);
      res.on("data", (chunk) => chunks.push(chunk));
      res.on("end", () => {
        const body = received();
        done({ status: res.statusCode, headers: res.headers, body: body.toString("utf8"), bytes: body.length, error: null });
      });
      // A connection dropped mid-body: 'error' (aborted) or only 'close' without 'end'.
      const cutOff = (error) => done({ status: res.statusCode, headers: res.headers, body: "", bytes: received().length, error });
      res.on("error", (error) => cutOff(error.code ?? error.message));
      res.on("close", () => cutOff(res.complete ? null : "incomplete"));
    });
    req.on("timeout", () => req.destroy(new Error("client timeout")));
    req.on("error", (error) => done({ status: null, headers: {}, body: "", bytes: 0, error: error.code ?? error.message }));
    req.end();
  });
}
