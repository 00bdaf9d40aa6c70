/**
 * Rotating SESAME_SECRET live. Everything issued under the old secret (a login link, a
 * code, a session cookie, a service token, a share link) keeps working while the old secret
 * is in SESAME_SECRET_FALLBACKS, and stops once it is removed. Three workers share the real
 * D1 and KV: `before` (old secret), `during` (new secret, old as fallback), `retired` (new only, the old secret retired).
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { adminOk, createUserViaApi } from "../admin-client";
import { cookieFrom } from "../gate-support";
import { askForLink, latestMail, linkFields, makeUser, me, PREFIX, postForm, sessionCookie, signInByLink } from "../login-helpers";
import { workerWithBindings } from "./support/fault-worker";
import { captureProductLogs, reportFigures } from "./support/figures";

captureProductLogs();

const oldSecret = env.SESAME_SECRET;
const newSecret = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
const before = workerWithBindings({});
const during = workerWithBindings({ SESAME_SECRET: newSecret, SESAME_SECRET_FALLBACKS: oldSecret });
const retired = workerWithBindings({ SESAME_SECRET: newSecret, SESAME_SECRET_FALLBACKS: "" });
const JSON_ACCEPT = { Accept: "application/json" };

describe("rotating SESAME_SECRET", () => {
  it("redeems a login link mailed under the old secret only while the old secret is a fallback", async () => {
    const user = await makeUser();
    expect((await askForLink(user.email, { fetcher: before })).status).toBe(200);
    const fields = linkFields((await latestMail(user.email)).link);

    // Refusing does not consume it: the same link is then tried with the fallback in place.
    const afterRemoval = await postForm(`${PREFIX}/link`, fields, { fetcher: retired });
    const withFallback = await postForm(`${PREFIX}/link`, fields, { fetcher: during });
    expect(afterRemoval.status).toBe(400);
    expect(withFallback.status).toBe(303);
    reportFigures("rotation, link", { afterRemoval: afterRemoval.status, withFallback: withFallback.status });
  });

  it("accepts a code mailed under the old secret only while the old secret is a fallback", async () => {
    const user = await makeUser();
    expect((await askForLink(user.email, { fetcher: before })).status).toBe(200);
    const { code } = await latestMail(user.email);
    const fields = { email: user.email, code, next: "/" };

    expect((await postForm(`${PREFIX}/code`, fields, { fetcher: retired })).status).toBe(400);
    expect((await postForm(`${PREFIX}/code`, fields, { fetcher: during })).status).toBe(303);
  });

  it("keeps a session cookie signed with the old secret working while it is a fallback, and refuses it after", async () => {
    const cookie = await signInByLink((await makeUser()).email, before);

    const gated = async (fetcher: typeof before) => (await fetcher("/items/1", { headers: { Cookie: cookie, ...JSON_ACCEPT } })).status;
    expect(await gated(during)).toBe(200);
    expect((await me(cookie, during)).status).toBe(200);
    expect(await gated(retired)).toBe(401);
    expect((await me(cookie, retired)).status).toBe(401);
    reportFigures("rotation, session", { withFallback: 200, afterRemoval: 401 });
  });

  it("re-issues a sliding session under the new secret, so it outlives the fallback", async () => {
    const rotatingFast = workerWithBindings({ SESAME_SECRET: newSecret, SESAME_SECRET_FALLBACKS: oldSecret, SESSION_REVALIDATE: "0" });
    const oldCookie = await signInByLink((await makeUser()).email, before);
    const slid = await rotatingFast("/items/1", { headers: { Cookie: oldCookie, ...JSON_ACCEPT } });
    expect(slid.status).toBe(200);
    const newCookie = sessionCookie(slid);
    expect(newCookie).not.toBeNull();
    expect((await retired("/items/1", { headers: { Cookie: newCookie!, ...JSON_ACCEPT } })).status).toBe(200);
  });

  it("keeps a service token and a share link minted under the old secret working while it is a fallback, and refuses both after", async () => {
    const owner = await createUserViaApi();
    const { token } = await adminOk<{ token: string }>("POST", `/users/${owner.id}/service-tokens`, 201, { json: { name: "rotation" } });
    const share = await adminOk<{ token: string }>("POST", `/users/${owner.id}/share-links`, 201, { json: { path: "/reports/7" } });
    const bearer = { Authorization: `Bearer ${token}`, ...JSON_ACCEPT };
    // Share links authorise GET and HEAD only: the link is opened into its cookie, which is then presented.
    const opened = await during(`/reports/7?sesame=${share.token}`);
    expect(opened.status).toBe(303);
    const shareCookie = cookieFrom(opened.headers.getSetCookie()[0]!);
    const shared = (fetcher: typeof before) => fetcher("/reports/7", { headers: { Cookie: shareCookie, ...JSON_ACCEPT } });

    expect((await during("/api/x", { headers: bearer })).status).toBe(200);
    expect((await shared(during)).status).toBe(200);
    expect((await retired("/api/x", { headers: bearer })).status).toBe(401);
    expect((await shared(retired)).status).toBe(401);
    reportFigures("rotation, tokens", { withFallback: 200, afterRemoval: 401 });
  });

  it("mints under the new secret as soon as it is current: the old-secret worker cannot verify those", async () => {
    const user = await makeUser();
    expect((await askForLink(user.email, { fetcher: during })).status).toBe(200);
    const fields = linkFields((await latestMail(user.email)).link);
    expect((await postForm(`${PREFIX}/link`, fields, { fetcher: before })).status).toBe(400);
    expect((await postForm(`${PREFIX}/link`, fields, { fetcher: retired })).status).toBe(303);
  });
});
