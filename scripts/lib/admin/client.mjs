/** A small client for the admin API (docs/admin-api.md): JSON in, JSON out, errors as AdminApiError. */

/** The API said no: `message` and `field` come from its `{error, message, field?}` body. */
export class AdminApiError extends Error {
  name = "AdminApiError";
  constructor(status, body) {
    const message = typeof body?.message === "string" ? body.message : `HTTP ${status}`;
    super(body?.field ? `${message} (field: ${body.field})` : message);
    this.status = status;
    this.code = body?.error ?? null;
    this.field = body?.field ?? null;
  }
}

/** The worker could not be reached at all. */
export class ConnectionError extends Error {
  name = "ConnectionError";
}

const REQUEST_TIMEOUT_MS = 30_000;

/**
 * @param {{ url: string, token: string, prefix?: string }} options
 *   url: the edge's origin (http://localhost:8787); prefix: AUTH_PREFIX (/.sesame)
 */
export function createAdminClient({ url, token, prefix = "/.sesame" }) {
  const base = `${new URL(url).origin}${prefix.replace(/\/+$/, "")}/admin/api`;

  async function request(method, path, body) {
    let response;
    try {
      response = await fetch(base + path, {
        method,
        headers: {
          Authorization: `Bearer ${token}`,
          Accept: "application/json",
          ...(body !== undefined && { "Content-Type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        redirect: "manual",
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      const reason = error.cause?.code ?? error.name ?? "error";
      throw new ConnectionError(`cannot reach ${new URL(url).origin} (${reason}): is the worker running? (npm run dev)`);
    }
    const text = await response.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    if (!response.ok) throw new AdminApiError(response.status, json);
    if (response.status !== 204 && json === null) {
      throw new AdminApiError(response.status, {
        message: `expected JSON from ${method} ${path}, got ${response.headers.get("content-type") ?? "nothing"}`,
      });
    }
    return json;
  }

  /** `:user` in a path: an id or an email, escaped. */
  const user = (ref) => `/users/${encodeURIComponent(ref)}`;
  const group = (name) => `/groups/${encodeURIComponent(name)}`;

  return {
    createUser: (body) => request("POST", "/users", body),
    listUsers: (query) => request("GET", `/users?${new URLSearchParams(query)}`),
    getUser: (ref) => request("GET", user(ref)),
    updateUser: (ref, body) => request("PATCH", user(ref), body),
    deleteUser: (ref) => request("DELETE", user(ref)),
    issueToken: (ref, body) => request("POST", `${user(ref)}/tokens`, body),
    issueServiceToken: (ref, body) => request("POST", `${user(ref)}/service-tokens`, body),
    issueShareLink: (ref, body) => request("POST", `${user(ref)}/share-links`, body),
    revokeToken: (token) => request("POST", "/tokens/revoke", { token }),
    listSessions: (ref) => request("GET", `${user(ref)}/sessions`),
    revokeSessions: (ref, body = {}) => request("POST", `${user(ref)}/sessions/revoke`, body),
    listEvents: (ref, query) => request("GET", `${user(ref)}/events?${new URLSearchParams(query)}`),
    listGroups: (query) => request("GET", `/groups?${new URLSearchParams(query)}`),
    createGroup: (body) => request("POST", "/groups", body),
    deleteGroup: (name) => request("DELETE", group(name)),
    listMembers: (name, query) => request("GET", `${group(name)}/members?${new URLSearchParams(query)}`),
    addMember: (name, body) => request("POST", `${group(name)}/members`, body),
    removeMember: (name, ref) => request("DELETE", `${group(name)}/members/${encodeURIComponent(ref)}`),
    checkAccess: (body) => request("POST", "/access/check", body),
    listClients: () => request("GET", "/clients"),
    createClient: (body) => request("POST", "/clients", body),
    deleteClient: (clientId) => request("DELETE", `/clients/${encodeURIComponent(clientId)}`),
  };
}
