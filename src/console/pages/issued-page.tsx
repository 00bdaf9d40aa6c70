import type { Config } from "../../config";
import { ConsoleLayout, when } from "./layout";

export interface IssuedPageProps {
  config: Config;
  email: string;
  title: string;
  /** What was issued, for whom. */
  summary: string;
  /** The secret to copy: the token, or the share link's URL. */
  secret: string;
  secretLabel: string;
  expiresAt: number;
  back: { href: string; label: string };
}

/**
 * A freshly issued credential, shown this once: it is stored nowhere (only its hash is),
 * and this answer is no-store like every console page.
 */
export function IssuedPage({ config, email, title, summary, secret, secretLabel, expiresAt, back }: IssuedPageProps) {
  return (
    <ConsoleLayout config={config} title={title} section="users" email={email}>
      <p class="lead">{summary}</p>
      <label for="secret">{secretLabel}</label>
      <textarea id="secret" class="secret" readonly rows={4}>
        {secret}
      </textarea>
      <p>Copy it now: it is shown only this once and cannot be shown again. It expires {when(expiresAt)}.</p>
      <a class="button" href={back.href}>
        {back.label}
      </a>
    </ConsoleLayout>
  );
}
