/**
 * The console's read-only sections (docs/admin-console.md): the audit log and an event's
 * detail, the access check (the code the gate runs, src/admin/access-check.ts) and the
 * effective settings, every secret shown only as set or not set.
 */
import { Hono } from "hono";
import { checkAccess } from "../admin/access-check";
import { type EventFilter, findEvent, listEventPage } from "../admin/events";
import { resolveUser } from "../admin/resolve-user";
import { DEFAULT_PAGE_SIZE } from "../admin/users";
import { CONFIG_KEYS, type Config, type ConfigKey, isSecretConfigKey } from "../config";
import { AppError, BadRequestError, NotFoundError } from "../errors";
import { checkEmail } from "../http/json-body";
import type { ConsoleEnv } from "./auth";
import { consoleCaller } from "./forms";
import { AccessPage } from "./pages/access-page";
import { EventPage, EventsPage } from "./pages/events-page";
import { consolePage } from "./pages/layout";
import { type SettingRow, SettingsPage } from "./pages/settings-page";

/** Longest value the settings page prints in full (APPS may be long). */
const MAX_SHOWN_VALUE = 2000;
const DATETIME_LOCAL = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(:\d{2})?$/;

/** A datetime-local field read as UTC, or undefined when empty. */
function utcTime(raw: string, field: string): number | undefined {
  if (raw === "") return undefined;
  const match = DATETIME_LOCAL.exec(raw);
  const ms = match ? Date.parse(`${match[1]}T${match[2]}${match[3] ?? ":00"}Z`) : Number.NaN;
  if (Number.isNaN(ms)) throw new BadRequestError(field, `${field} must be a date and time, like 2026-11-29T13:00`);
  return ms;
}

/** The settings rows: each key's effective value, secrets only as set or not set. */
function settingRows(env: Record<string, unknown>, config: Config): SettingRow[] {
  return (Object.keys(CONFIG_KEYS) as ConfigKey[]).map((key) => {
    const raw = env[key];
    const given = typeof raw === "string" ? raw.trim() : raw === undefined || raw === null ? "" : JSON.stringify(raw);
    if (isSecretConfigKey(key)) return { key, shown: given ? "set" : "not set", secret: true, isDefault: !given };
    if (key === "APPS" && !given && config.access.configured) return { key, shown: "(from apps.json)", secret: false, isDefault: false };
    const value = given || CONFIG_KEYS[key];
    const shown = value.length > MAX_SHOWN_VALUE ? `${value.slice(0, MAX_SHOWN_VALUE)}…` : value || "(none)";
    return { key, shown, secret: false, isDefault: !given };
  });
}

export function consoleInsightRoutes(config: Config) {
  const app = new Hono<ConsoleEnv>();

  app.get("/events", async function showEvents(c) {
    const form = {
      event: (c.req.query("event") ?? "").trim().slice(0, 64),
      user: (c.req.query("user") ?? "").trim().slice(0, 318),
      since: (c.req.query("since") ?? "").trim().slice(0, 32),
      until: (c.req.query("until") ?? "").trim().slice(0, 32),
    };
    const before = c.req.query("before");
    const filter: EventFilter = { limit: DEFAULT_PAGE_SIZE };
    if (form.event) filter.event = form.event;
    if (form.user) {
      // An id is taken as it is (a deleted user's events stay findable); an email must belong to a user.
      filter.userId = /^[0-9a-f-]{36}$/i.test(form.user) ? form.user.toLowerCase() : (await resolveUser(c.var.db, form.user)).id;
    }
    filter.since = utcTime(form.since, "since");
    filter.until = utcTime(form.until, "until");
    if (before !== undefined) {
      if (!/^\d{1,15}$/.test(before)) throw new BadRequestError("before", "before must be an event id");
      filter.before = Number(before);
    }
    const { events, next } = await listEventPage(consoleCaller(c), filter);
    const kept = Object.fromEntries(Object.entries(form).filter(([, value]) => value !== ""));
    const nextQuery = next === null ? null : new URLSearchParams({ ...kept, before: String(next) }).toString();
    return consolePage(c, <EventsPage config={config} email={c.var.admin.email} filter={form} events={events} nextQuery={nextQuery} />);
  });

  app.get("/events/:id", async function showEvent(c) {
    const id = c.req.param("id");
    if (!/^\d{1,15}$/.test(id)) throw new NotFoundError("No such event");
    const event = await findEvent(consoleCaller(c), Number(id));
    return consolePage(c, <EventPage config={config} email={c.var.admin.email} event={event} />);
  });

  app.get("/access", async function showAccessCheck(c) {
    const form = {
      email: (c.req.query("email") ?? "").trim().slice(0, 318),
      url: (c.req.query("url") ?? "").trim().slice(0, 4096),
      method: (c.req.query("method") ?? "GET").trim().slice(0, 16) || "GET",
      amr: (c.req.query("amr") ?? "link").trim().slice(0, 16) || "link",
    };
    let answer = null;
    let error = null;
    if (form.url) {
      try {
        answer = await checkAccess(consoleCaller(c), {
          url: form.url,
          method: form.method,
          amr: form.amr,
          ...(form.email ? { email: checkEmail(form.email, "email") } : {}),
        });
      } catch (failure) {
        if (!(failure instanceof AppError) || failure.status >= 500) throw failure;
        error = { message: failure.message, field: failure.field ?? "" };
      }
    }
    const page = <AccessPage config={config} email={c.var.admin.email} form={form} answer={answer} error={error} />;
    return consolePage(c, page, error ? 400 : 200);
  });

  app.get("/settings", function showSettings(c) {
    const rows = settingRows(c.env as unknown as Record<string, unknown>, config);
    return consolePage(c, <SettingsPage config={config} email={c.var.admin.email} rows={rows} />);
  });

  return app;
}
