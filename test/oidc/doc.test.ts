/** docs/oidc.md's settings for Grafana, Gitea and Outline name the endpoints the provider actually serves, and its numbers are the code's. */
import { describe, expect, it } from "vitest";
import doc from "../../docs/oidc.md?raw";
import { ID_TOKEN_SECONDS } from "../../src/oidc/id-token";
import { SUPPORTED_SCOPES } from "../../src/oidc/scopes";
import { ACCESS_TOKEN_SECONDS, REFRESH_TOKEN_SECONDS } from "../../src/oidc/tokens";
import { userWithSession } from "../gate-support";
import { authorizePath, codeFor, ISSUER, oidcWorker, REDIRECT_URI, registerClient, tokenRequest } from "./support";

/** The doc as one line of words, so a sentence can be found across line breaks. */
const flat = doc.replace(/\s+/g, " ");
/** The doc's URLs, as they read for this test's issuer. */
const docForTestIssuer = doc.replaceAll("https://auth.example.com", ISSUER);

describe("docs/oidc.md", () => {
  it("names the endpoints discovery publishes, in every app's settings", async () => {
    const edge = await oidcWorker();
    const metadata = (await (await edge("/.well-known/openid-configuration")).json()) as Record<string, string>;
    expect(docForTestIssuer).toContain(`auth_url = ${metadata.authorization_endpoint}`);
    expect(docForTestIssuer).toContain(`token_url = ${metadata.token_endpoint}`);
    expect(docForTestIssuer).toContain(`api_url = ${metadata.userinfo_endpoint}`);
    expect(docForTestIssuer).toContain(`OIDC_AUTH_URI=${metadata.authorization_endpoint}`);
    expect(docForTestIssuer).toContain(`OIDC_TOKEN_URI=${metadata.token_endpoint}`);
    expect(docForTestIssuer).toContain(`OIDC_USERINFO_URI=${metadata.userinfo_endpoint}`);
    expect(docForTestIssuer).toContain(`signout_redirect_url = ${metadata.end_session_endpoint}?`);
    expect(docForTestIssuer).toContain(`OIDC_LOGOUT_URI=${metadata.end_session_endpoint}`);
    expect(docForTestIssuer).toContain(`--auto-discover-url ${ISSUER}/.well-known/openid-configuration`);
    expect(metadata.issuer).toBe(ISSUER);
  });

  it("lists the scopes the provider knows, and its lifetimes", () => {
    expect(flat).toContain(`Known scopes: ${SUPPORTED_SCOPES.map((s) => `\`${s}\``).join(", ")}; others are ignored.`);
    expect(ID_TOKEN_SECONDS).toBe(10 * 60);
    expect(flat).toContain("`exp` (10 minutes)");
    expect(ACCESS_TOKEN_SECONDS).toBe(3600);
    expect(flat).toContain("An access token lives an hour");
    expect(REFRESH_TOKEN_SECONDS).toBe(30 * 86_400);
    expect(flat).toContain("30 days without use");
  });
});

describe("docs/oidc.md's sign-out settings, as each app sends them", () => {
  /** A signed-in browser, a client that registered `postLogout`, and the ID token the app holds. */
  async function signedInTo(postLogout: string) {
    const edge = await oidcWorker();
    const client = await registerClient(edge, { postLogoutRedirectUris: [postLogout] });
    const session = await userWithSession();
    const code = await codeFor(edge, session.cookie, authorizePath(client.clientId, { scope: "openid email" }));
    const basic = { id: client.clientId, secret: client.clientSecret! };
    const res = await tokenRequest(edge, { grant_type: "authorization_code", code, redirect_uri: REDIRECT_URI }, basic);
    const { id_token } = (await res.json()) as { id_token: string };
    const alive = async () => (await edge("/.sesame/me", { headers: { Cookie: session.cookie } })).status === 200;
    return { edge, clientId: client.clientId, cookie: session.cookie, idToken: id_token, alive };
  }

  it("Grafana: its signout_redirect_url, with the id_token_hint Grafana adds, signs out at once and returns to Grafana", async () => {
    const { edge, clientId, cookie, idToken, alive } = await signedInTo("https://grafana.example.com/login");
    const line = /^signout_redirect_url = (.+)$/m.exec(docForTestIssuer)![1]!;
    const url = new URL(line.replace("<client id>", clientId));
    // What Grafana's sign-out does with it (pkg/services/authn/clients/oauth.go: withIDTokenHint).
    url.searchParams.set("id_token_hint", idToken);
    const res = await edge(`${url.pathname}${url.search}`, { headers: { Cookie: cookie, Accept: "text/html" } });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("https://grafana.example.com/login");
    expect(await alive()).toBe(false);
  });

  it("Outline: OIDC_LOGOUT_URI with Outline's id_token_hint, client_id and its URL signs out at once and returns to Outline", async () => {
    const outline = "https://outline.example.com";
    const { edge, clientId, cookie, idToken, alive } = await signedInTo(outline);
    const url = new URL(/^OIDC_LOGOUT_URI=(.+)$/m.exec(docForTestIssuer)![1]!);
    // What Outline's oidc.logout route sends (plugins/oidc/server/auth/oidcRouter.ts).
    url.searchParams.set("id_token_hint", idToken);
    url.searchParams.set("client_id", clientId);
    url.searchParams.set("post_logout_redirect_uri", outline);
    const res = await edge(`${url.pathname}${url.search}`, { headers: { Cookie: cookie, Accept: "text/html" } });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe(`${outline}/`);
    expect(await alive()).toBe(false);
  });

  it("says the settings were checked against each app's source at named versions, and not run against the apps", () => {
    expect(flat).toContain("checked against each app's own source, at the versions named under each app");
    expect(flat).toContain("none of them was run against the app itself");
    for (const app of ["Grafana's source", "Gitea's source", "Outline's source"]) expect(flat).toContain(`Checked against ${app}`);
  });
});
