/** Human-readable output: aligned tables and key/value blocks, times in UTC to the second. */

/** "2026-11-26T05:40:12.345Z" -> "2026-11-26 05:40:12Z"; null -> "-". */
export function formatTime(iso) {
  if (!iso) return "-";
  return String(iso)
    .replace("T", " ")
    .replace(/\.\d+Z$/, "Z");
}

const cell = (value) => (value === null || value === undefined || value === "" ? "-" : String(value).replace(/\s+/g, " "));

/** columns: [[heading, row => value], ...]. An empty list prints `empty` instead of a bare heading. */
export function renderTable(columns, rows, empty = "(none)") {
  if (rows.length === 0) return empty;
  const cells = rows.map((row) => columns.map(([, pick]) => cell(pick(row))));
  const widths = columns.map(([heading], i) => Math.max(heading.length, ...cells.map((r) => r[i].length)));
  const line = (values) =>
    values
      .map((v, i) => (i === values.length - 1 ? v : v.padEnd(widths[i])))
      .join("  ")
      .trimEnd();
  return [line(columns.map(([heading]) => heading.toUpperCase())), ...cells.map(line)].join("\n");
}

/** pairs: [[label, value], ...] as "label   value" lines. */
function renderRecord(pairs) {
  const width = Math.max(...pairs.map(([label]) => label.length));
  return pairs.map(([label, value]) => `${label.padEnd(width)}  ${cell(value)}`).join("\n");
}

export function renderUser(user) {
  return renderRecord([
    ["id", user.id],
    ["email", user.email],
    ["name", user.name],
    ["active", user.active ? "yes" : "no"],
    ["created", formatTime(user.createdAt)],
    ["updated", formatTime(user.updatedAt)],
    ["last login", formatTime(user.lastLoginAt)],
    ...(Array.isArray(user.groups) ? [["groups", user.groups.join(", ")]] : []),
  ]);
}

export const USER_COLUMNS = [
  ["email", (u) => u.email],
  ["name", (u) => u.name],
  ["active", (u) => (u.active ? "yes" : "no")],
  ["last login", (u) => formatTime(u.lastLoginAt)],
  ["id", (u) => u.id],
];

/** A session's state in one word, from its timestamps. */
function sessionStatus(session, now = Date.now()) {
  if (session.revokedAt) return "revoked";
  if (Date.parse(session.expiresAt) <= now) return "expired";
  return "live";
}

export const SESSION_COLUMNS = [
  ["id", (s) => s.id],
  ["status", (s) => sessionStatus(s)],
  ["amr", (s) => s.amr],
  ["created", (s) => formatTime(s.createdAt)],
  ["last seen", (s) => formatTime(s.lastSeenAt)],
  ["expires", (s) => formatTime(s.expiresAt)],
  ["ip", (s) => s.ip],
  ["user agent", (s) => truncate(s.userAgent, 40)],
];

export const EVENT_COLUMNS = [
  ["id", (e) => e.id],
  ["at", (e) => formatTime(e.at)],
  ["event", (e) => e.event],
  ["reason", (e) => e.reason],
  ["ip", (e) => e.ip],
  ["detail", (e) => (e.detail ? truncate(compactDetail(e.detail), 60) : null)],
];

function compactDetail(detail) {
  if (typeof detail !== "object") return String(detail);
  return Object.entries(detail)
    .map(([key, value]) => `${key}=${typeof value === "object" ? JSON.stringify(value) : value}`)
    .join(" ");
}

function truncate(text, max) {
  if (!text) return text;
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
