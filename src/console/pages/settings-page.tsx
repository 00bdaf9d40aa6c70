import type { Config } from "../../config";
import { ConsoleLayout } from "./layout";

export interface SettingRow {
  key: string;
  /** The effective value; for a secret only whether it is set. */
  shown: string;
  secret: boolean;
  /** True when the key is unset and its default applies. */
  isDefault: boolean;
}

/** The effective configuration: every key, secrets as "set" or "not set" only. */
export function SettingsPage({ config, email, rows }: { config: Config; email: string; rows: SettingRow[] }) {
  return (
    <ConsoleLayout config={config} title="Settings" section="settings" email={email}>
      <p>
        The configuration this worker runs with (docs/configuration.md). Secrets show only whether they are set. Change settings in
        wrangler.toml or with wrangler secret put, then deploy.
      </p>
      <div class="scroll">
        <table>
          <caption class="visually-hidden">Configuration</caption>
          <thead>
            <tr>
              <th scope="col">Key</th>
              <th scope="col">Value</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr>
                <th scope="row">
                  <code>{row.key}</code>
                </th>
                <td>
                  {row.secret ? <em>{row.shown}</em> : <code>{row.shown}</code>}
                  {row.isDefault && !row.secret ? <small> (default)</small> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </ConsoleLayout>
  );
}
