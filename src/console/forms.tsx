/**
 * Reading the console's forms and asking before destructive actions. Fields are bounded
 * strings (src/login/form.ts); an empty optional field is "not given".
 */
import type { Context } from "hono";
import type { AdminCaller } from "../admin/caller";
import { authDeps } from "../env";
import { type FormFields, readForm } from "../login/form";
import type { ConsoleEnv } from "./auth";
import { ConfirmPage, type ConfirmPageProps } from "./pages/confirm-page";
import { consolePage } from "./pages/layout";

export type { FormFields };

export function readConsoleForm(c: Context<ConsoleEnv>): Promise<FormFields> {
  return readForm(c.req.raw);
}

/** An optional field: undefined when empty. */
export function optional(form: FormFields, name: string, maxLength: number): string | undefined {
  const value = form(name, maxLength).trim();
  return value === "" ? undefined : value;
}

/** The console's caller of admin operations: the signed-in admin, named in every audit row. */
export function consoleCaller(c: Context<ConsoleEnv>): AdminCaller {
  return { deps: authDeps(c), request: c.req.raw, adminId: c.var.admin.userId };
}

/**
 * Null when the form was confirmed (`confirm=yes`); otherwise the confirmation page, which
 * repeats the POST with `fields` and `confirm=yes`.
 */
export function unlessConfirmed(
  c: Context<ConsoleEnv>,
  form: FormFields,
  page: Omit<ConfirmPageProps, "config" | "email" | "action">,
): Response | null {
  if (form("confirm", 8) === "yes") return null;
  const action = new URL(c.req.url).pathname;
  return consolePage(c, <ConfirmPage config={c.var.config} email={c.var.admin.email} action={action} {...page} />);
}

/** 303 to a console page after a change, with a `done` notice key the page turns into a sentence. */
export function doneRedirect(c: Context<ConsoleEnv>, path: string, done: string): Response {
  const url = new URL(path, c.req.url);
  url.searchParams.set("done", done);
  return c.redirect(url.pathname + url.search, 303);
}
