/**
 * A `send_email` binding of our own for failure tests: the local simulator accepts every
 * message and never fails, so this one records each message and, per call, either answers
 * like the service ({ messageId }) or throws the coded error Email Service documents
 * (an Error with `code`, e.g. E_RATE_LIMIT_EXCEEDED), or never answers.
 */
export interface RecordedEmail {
  from: { email: string; name: string };
  to: string;
  subject: string;
  html: string;
  text: string;
  headers?: Record<string, string>;
}

/** What one call does: succeed, throw this code, or hang. */
export type BindingAnswer = "ok" | "hang" | { code: string };

class EmailServiceError extends Error {
  constructor(readonly code: string) {
    super(`Email Service refused the message: ${code}`);
    this.name = "EmailServiceError";
  }
}

export function recordingEmailBinding(answers: BindingAnswer[] = []) {
  const sent: RecordedEmail[] = [];
  return {
    sent,
    async send(message: RecordedEmail): Promise<{ messageId: string }> {
      sent.push(structuredClone(message));
      const answer = answers.shift() ?? "ok";
      if (answer === "hang") return new Promise(() => {});
      if (answer !== "ok") throw new EmailServiceError(answer.code);
      return { messageId: `<${crypto.randomUUID()}@test.example>` };
    },
  };
}
