/** The scopes this provider knows (docs/oidc.md, "Scopes and claims"); others are ignored, as OpenID Connect Core section 3.1.2.1 allows. */
export const SUPPORTED_SCOPES = ["openid", "email", "profile", "groups", "offline_access"] as const;

/** The known scopes among the space-separated `raw`, in a fixed order. */
export function grantedScopes(raw: string | null): string[] {
  const asked = new Set((raw ?? "").split(" ").filter(Boolean));
  return SUPPORTED_SCOPES.filter((scope) => asked.has(scope));
}
