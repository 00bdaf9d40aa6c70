import { type EventRow, parseDetail } from "../../admin/events";
import type { Config } from "../../config";
import { ConsoleLayout, when } from "./layout";
import { EventTable } from "./user-page";

interface EventsFilterForm {
  event: string;
  user: string;
  since: string;
  until: string;
}

export interface EventsPageProps {
  config: Config;
  email: string;
  filter: EventsFilterForm;
  events: EventRow[];
  /** The query of the next (older) page, or null. */
  nextQuery: string | null;
}

/** The audit log: newest first, filtered by event, user and time (UTC), paged. */
export function EventsPage({ config, email, filter, events, nextQuery }: EventsPageProps) {
  const base = `${config.authPrefix}/admin/events`;
  return (
    <ConsoleLayout config={config} title="Audit log" section="events" email={email}>
      <form method="get" action={base} class="inline">
        <div>
          <label for="event">Event</label>
          <input id="event" name="event" type="text" maxlength={64} value={filter.event} autocomplete="off" placeholder="token_issued" />
        </div>
        <div>
          <label for="user">User (email or id)</label>
          <input id="user" name="user" type="text" maxlength={318} value={filter.user} autocomplete="off" />
        </div>
        <div>
          <label for="since">From (UTC)</label>
          <input id="since" name="since" type="datetime-local" value={filter.since} />
        </div>
        <div>
          <label for="until">Until (UTC)</label>
          <input id="until" name="until" type="datetime-local" value={filter.until} />
        </div>
        <button type="submit">Filter</button>
      </form>
      <EventTable config={config} events={events} />
      <div class="pager">
        <a href={base}>Newest</a>
        {nextQuery !== null && <a href={`${base}?${nextQuery}`}>Older</a>}
      </div>
    </ConsoleLayout>
  );
}

/** One event with everything recorded about it. */
export function EventPage({ config, email, event }: { config: Config; email: string; event: EventRow }) {
  const admin = `${config.authPrefix}/admin`;
  const detail = parseDetail(event.detail);
  const adminId = detail && typeof detail === "object" && "adminId" in detail ? String((detail as { adminId: unknown }).adminId) : null;
  return (
    <ConsoleLayout config={config} title={`Event ${event.id}: ${event.event}`} section="events" email={email}>
      <dl>
        <dt>When</dt>
        <dd>{when(event.at)}</dd>
        <dt>Event</dt>
        <dd>
          <a href={`${admin}/events?event=${event.event}`}>{event.event}</a>
        </dd>
        <dt>User</dt>
        <dd>{event.userId ? <a href={`${admin}/users/${event.userId}`}>{event.userId}</a> : "none"}</dd>
        <dt>By admin</dt>
        <dd>{adminId ? <a href={`${admin}/users/${adminId}`}>{adminId}</a> : "none (the edge itself, or the admin API's token)"}</dd>
        <dt>Reason</dt>
        <dd>{event.reason ?? "none"}</dd>
        <dt>IP</dt>
        <dd>{event.ip ?? "unknown"}</dd>
        <dt>User-Agent</dt>
        <dd>{event.userAgent ?? "unknown"}</dd>
      </dl>
      <h2>Detail</h2>
      <pre>{detail === null ? "none" : JSON.stringify(detail, null, 2)}</pre>
      <p>
        <a href={`${admin}/events`}>Back to the audit log</a>
      </p>
    </ConsoleLayout>
  );
}
