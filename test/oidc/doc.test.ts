/** docs/oidc.md's settings for Grafana, Gitea and Outline name the endpoints the provider actually serves, and its numbers are the code's. */
import { describe, expect, it } from "vitest";
import doc from "../../docs/oidc.md?raw";
import { ID_TOKEN_SECONDS } from "../../src/oidc/id-token";
import { SUPPORTED_SCOPES } from "../../src/oidc/scopes";
import { ACCESS_TOKEN_SECONDS, REFRESH_TOKEN_SECONDS } from "../../src/oidc/tokens";
import { ISSUER, oidcWorker } from "./support";

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
