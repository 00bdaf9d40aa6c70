/**
 * Apps and access policies (docs/access.md). `APPS` comes from the variable of that name
 * (a JSON string, or a JSON value from wrangler.toml) or from `apps.json` at the top of the
 * repository, bundled at build time; `null` there means "no apps file". Both go through the
 * same validation, once per isolate (config.ts), and compile into an AccessRegistry.
 */
import APPS_FILE from "../../apps.json";
import { type AccessRegistry, compileApps, implicitRegistry } from "./compile";
import { parseAppsJson, validateApps } from "./parse-apps";

export type { AccessRegistry } from "./compile";
export { hostnameOf } from "./compile";
export { decide } from "./decide";
export type { AccessPrincipal, AccessRequest, CompiledApp } from "./types";

/** Where the bundled apps file lives, for messages and docs. */
const APPS_FILE_PATH = "apps.json";

type ImplicitInput = Parameters<typeof implicitRegistry>[0];

/**
 * The registry for this deployment: the apps of `APPS` (variable) or of apps.json (`file`),
 * else the implicit app that `implicit()` describes (read only then, so ORIGIN_URL is
 * required only without APPS). Problems are appended, each naming its key and field; the
 * result is null when there is any.
 */
export function loadAccess(
  variable: unknown,
  problems: string[],
  implicit: () => ImplicitInput,
  file: unknown = APPS_FILE,
): AccessRegistry | null {
  const hasVariable = variable !== undefined && variable !== null && !(typeof variable === "string" && variable.trim() === "");
  const hasFile = file !== null && file !== undefined;
  if (hasVariable && hasFile) {
    problems.push(`APPS is set both as a variable and in ${APPS_FILE_PATH}: keep one of them`);
    return null;
  }
  if (!hasVariable && !hasFile) {
    const input = implicit();
    return implicitRegistry(input);
  }
  const before = problems.length;
  const value = hasFile ? file : typeof variable === "string" ? parseAppsJson(variable, problems) : variable;
  if (problems.length > before) return null;
  const found: string[] = [];
  const apps = validateApps(value, found);
  const source = hasFile ? ` (in ${APPS_FILE_PATH})` : "";
  problems.push(...found.map((problem) => problem + source));
  return apps ? compileApps(apps, problems) : null;
}
