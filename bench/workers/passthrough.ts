/**
 * The baseline for the gate benchmark: a bare pass-through worker that forwards every
 * request to ORIGIN_URL (method, path, query, headers, streamed body) and returns the
 * answer, with no authentication. Whatever the gate costs is measured against this.
 */
export default {
  async fetch(request: Request, env: { ORIGIN_URL: string }): Promise<Response> {
    const url = new URL(request.url);
    const hasBody = request.method !== "GET" && request.method !== "HEAD";
    return fetch(`${env.ORIGIN_URL}${url.pathname}${url.search}`, {
      method: request.method,
      headers: request.headers,
      body: hasBody ? request.body : null,
      redirect: "manual",
    });
  },
};
