/**
 * The apps `npm run dev` serves (docs/access.md): the protected page of the auth host as
 * before, and two demo apps on `*.localhost` names, which Chromium and curl resolve to this
 * machine and `wrangler dev` keeps in the request's URL. One sign-in covers all three (the
 * handoff); the tools app keeps `/admin/` for one group.
 */

/** The group the tools app's admin area admits; `npm run dev` creates it, empty. */
export const DEMO_GROUP = "tools-admins";

/** What `npm run dev` prints about each demo app, by name. */
export const DEMO_APP_NOTES = {
  wiki: "every signed-in user; no second email",
  tools: `every signed-in user; /admin/ only for the group ${DEMO_GROUP}`,
};

/** Paths everyone may open on every demo app, as wrangler.toml's PUBLIC_PATHS for the single app. */
const PUBLIC_PATHS = ["/favicon.ico", "/healthz"];
const EVERYONE = { name: "signed-in", path: "/*", action: "allow", include: [{ everyone: true }] };

/**
 * APPS for `npm run dev`: `authHost` is PUBLIC_URL's host name (localhost, or a LAN address
 * from .dev.vars). It stays an app, with localhost and 127.0.0.1 (examples/origin fetches
 * the JWKS there), so the protected page works as without APPS; all three share the one
 * example origin (the assertion's audience is the origin's own origin, the default).
 * @param {{ authHost: string, originUrl: string }} options
 */
export function demoApps({ authHost, originUrl }) {
  const app = (name, hosts, policies) => ({ name, hosts, origin: originUrl, publicPaths: PUBLIC_PATHS, policies });
  return [
    app("home", [...new Set([authHost, "localhost", "127.0.0.1"])], [EVERYONE]),
    app("wiki", ["wiki.localhost"], [EVERYONE]),
    app("tools", ["tools.localhost"], [{ name: "admins", path: "/admin/*", action: "allow", include: [{ group: DEMO_GROUP }] }, EVERYONE]),
  ];
}

/** The URL of `app`'s first host on the worker's `port`. */
export function demoAppUrl(app, port) {
  return `http://${app.hosts[0]}:${port}/`;
}
