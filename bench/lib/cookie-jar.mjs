/**
 * The gate benchmarks' session cookies, as the browsers of `cookies.length` users hold them:
 * request i sends user i's (modulo the count), and a cookie the gate re-issues (a session
 * slides once SESSION_REVALIDATE has passed, docs/configuration.md) replaces that user's old
 * one, as a browser's would. Without it, a run longer than SESSION_REVALIDATE would send every
 * request with a cookie due for revalidation, and measure a D1 read on each.
 * A re-issued cookie must carry the same session (`sid`) as the one it replaces: otherwise the
 * requests would quietly go to fewer sessions than the bench says, so adopt() throws instead.
 */
export function cookieJar(cookies) {
  const jar = [...cookies];
  const at = (i) => jar[i % jar.length];
  const adopt = (i, res) => {
    const setCookies = res.headers["set-cookie"];
    if (!setCookies) return;
    const slot = i % jar.length;
    const held = jar[slot];
    const name = held.slice(0, held.indexOf("=") + 1);
    for (const line of setCookies) {
      const pair = line.split(";")[0];
      if (!pair.startsWith(name)) continue;
      if (sessionOf(pair) !== sessionOf(held)) throw new Error(`user ${slot}'s cookie was replaced by one of another session, or by none`);
      jar[slot] = pair;
    }
  };
  return { at, adopt };
}

/** The `sid` claim of a `name=<session JWT>` pair; null when it holds none (a deletion). */
function sessionOf(pair) {
  const payload = pair.slice(pair.indexOf("=") + 1).split(".")[1];
  if (!payload) return null;
  try {
    return JSON.parse(Buffer.from(payload, "base64url").toString("utf8")).sid ?? null;
  } catch {
    return null;
  }
}
