import type { AccessAnswer } from "../../admin/access-check";
import type { Config } from "../../config";
import { ConsoleLayout } from "./layout";

interface AccessForm {
  email: string;
  url: string;
  method: string;
  amr: string;
}

export interface AccessPageProps {
  config: Config;
  email: string;
  form: AccessForm;
  answer: AccessAnswer | null;
  error: { message: string; field: string } | null;
}

const DECISIONS: Record<AccessAnswer["decision"], string> = {
  allow: "Allowed",
  deny: "Refused (403)",
  bypass: "Public: passes without a sign-in, and no identity is sent",
  "sign-in": "Asked to sign in first",
};

/** The access check: an email and a URL in, the gate's decision and the policy that made it out. */
export function AccessPage({ config, email, form, answer, error }: AccessPageProps) {
  return (
    <ConsoleLayout config={config} title="Access check" section="access" email={email}>
      <p>What the gate would decide if this user opened this URL, asked of the same code the gate runs.</p>
      <form method="get" action={`${config.authPrefix}/admin/access`}>
        <label for="check-email">Email (empty: nobody signed in)</label>
        <input id="check-email" name="email" type="email" maxlength={254} value={form.email} autocomplete="off" />
        <label for="check-url">URL</label>
        <input
          id="check-url"
          name="url"
          type="url"
          required
          maxlength={4096}
          value={form.url}
          placeholder="https://wiki.example.com/admin/"
        />
        <label for="check-method">Method</label>
        <input id="check-method" name="method" type="text" maxlength={16} value={form.method} />
        <label for="check-amr">Signed in by</label>
        <select id="check-amr" name="amr">
          {(["link", "code", "service", "share"] as const).map((amr) => (
            <option value={amr} selected={form.amr === amr}>
              {amr}
            </option>
          ))}
        </select>
        <button type="submit">Check</button>
      </form>
      {error && (
        <p class="error" role="alert">
          {error.message}
        </p>
      )}
      {answer && (
        <section aria-live="polite">
          <h2>Decision</h2>
          <dl>
            <dt>Decision</dt>
            <dd>
              <strong>{DECISIONS[answer.decision]}</strong> (<code>{answer.decision}</code>)
            </dd>
            <dt>App</dt>
            <dd>{answer.app}</dd>
            <dt>Policy</dt>
            <dd>{answer.policy ?? "none matched"}</dd>
          </dl>
        </section>
      )}
    </ConsoleLayout>
  );
}
