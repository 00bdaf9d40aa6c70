/**
 * What we may believe about the client. Only Cloudflare's own CF-Connecting-IP is used
 * (Cloudflare overwrites it at the edge); client-sent X-Forwarded-For / X-Real-IP are
 * never trusted.
 */
export function clientIp(request: Request): string {
  return request.headers.get("CF-Connecting-IP")?.trim() || "unknown";
}

/** The User-Agent, cut to a length that cannot bloat the audit table. */
export function userAgent(request: Request): string | null {
  const ua = request.headers.get("User-Agent");
  return ua ? ua.slice(0, 256) : null;
}

/** True when the client asked for HTML (a browser navigation), false for API clients. */
export function wantsHtml(request: Request): boolean {
  const accept = request.headers.get("Accept") ?? "";
  return accept.includes("text/html");
}
