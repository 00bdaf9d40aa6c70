/** The example origin's one page: who you are, the verified claims, and a sign-out button. */

const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Text made safe for HTML element content and quoted attribute values. */
function escapeHtml(value) {
  return String(value).replace(/[&<>"']/g, (ch) => ESCAPES[ch]);
}

const formatClaim = (name, value) => {
  if ((name === "iat" || name === "exp") && typeof value === "number") {
    return `${value} (${new Date(value * 1000).toISOString()})`;
  }
  return typeof value === "string" ? value : JSON.stringify(value);
};

/**
 * @param {import("sesame-edge/origin").SesameIdentity} identity
 * @param {{ path: string, authPrefix: string }} context
 */
export function renderHelloPage(identity, { path, authPrefix }) {
  const rows = Object.entries(identity.claims)
    .map(([name, value]) => `<tr><th>${escapeHtml(name)}</th><td>${escapeHtml(formatClaim(name, value))}</td></tr>`)
    .join("\n        ");
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Hello from the origin</title>
    <style>
      body { font: 16px/1.5 system-ui, sans-serif; max-width: 44rem; margin: 3rem auto; padding: 0 1rem; color: #222; }
      table { border-collapse: collapse; width: 100%; margin: 1rem 0 2rem; }
      th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid #ddd; vertical-align: top; }
      th { width: 6rem; font-family: ui-monospace, monospace; font-weight: 600; }
      td { font-family: ui-monospace, monospace; word-break: break-all; }
      button { font: inherit; padding: .4rem 1rem; cursor: pointer; }
      .muted { color: #666; }
    </style>
  </head>
  <body>
    <h1>Hello, ${escapeHtml(identity.email)}</h1>
    <p class="muted">This page comes from the origin app at <code>${escapeHtml(path)}</code>. The edge signed who you are
      into the <code>Sesame-Assertion</code> header; the origin verified it against the edge's public keys.</p>
    <table>
      <caption class="muted">Verified claims</caption>
      <tbody>
        ${rows}
      </tbody>
    </table>
    <form method="post" action="${escapeHtml(authPrefix)}/logout">
      <button type="submit">Sign out</button>
    </form>
  </body>
</html>
`;
}
