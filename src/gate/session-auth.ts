/** The session cookie at the gate: no D1 on the hot path, and no KV read in steady use (src/sessions). */
import type { TokenDeps } from "../auth/token-service";
import { readSession } from "../sessions";
import type { Principal } from "./principal";

/** The session's principal and any re-issued cookie, or null for a missing, bad, revoked or unreadable session. */
export async function authenticateSession(
  deps: TokenDeps,
  request: Request,
): Promise<{ principal: Principal; setCookie: string | null } | null> {
  const check = await readSession(request, deps);
  if (!check.ok) return null;
  const { identity } = check;
  return {
    principal: { userId: identity.userId, email: identity.email, sid: identity.sessionId, amr: identity.amr, groups: identity.groups },
    setCookie: check.setCookie,
  };
}
