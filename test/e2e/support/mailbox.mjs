/** The dev mailbox as JSON (MAILER=dev): where the e2e test reads the link and code. */

const POLL_MS = 100;

/** Deletes the messages to `to`, so the next one read is the one this step asked for. */
export async function clearMailbox(mailboxUrl, to) {
  const response = await fetch(`${mailboxUrl}?to=${encodeURIComponent(to)}`, { method: "DELETE" });
  if (!response.ok) throw new Error(`DELETE ${mailboxUrl} answered ${response.status}`);
}

/** Waits for the newest message to `to` and returns it ({id, to, subject, text, html, createdAt, link, code}). */
export async function waitForMessage(mailboxUrl, to, { timeoutMs = 10_000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const response = await fetch(`${mailboxUrl}?to=${encodeURIComponent(to)}`, { headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(`GET ${mailboxUrl} answered ${response.status}`);
    const { messages } = await response.json();
    if (messages.length > 0) return messages[0];
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  throw new Error(`no message to ${to} in the dev mailbox after ${timeoutMs} ms`);
}
