import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { checkToken, issueToken } from "../src/auth/token-service";
import { parseConfig } from "../src/config";
import { createDb } from "../src/db/client";
import { createUser, updateUser } from "../src/users/store";

const db = createDb(env.DB);
const depsWith = (overrides: Record<string, string>) => ({
  config: parseConfig({ ...(env as unknown as Record<string, string>), ...overrides }),
  db,
  kv: env.REVOKED,
});

async function newUser(label: string) {
  const user = await createUser(db, { email: `${label}-${crypto.randomUUID()}@example.com` });
  if (!user) throw new Error("user not created");
  return user;
}

describe("updating a user", () => {
  it("kills tokens on an email change when INVALIDATE_ON_EMAIL_CHANGE is on", async () => {
    const deps = depsWith({ INVALIDATE_ON_EMAIL_CHANGE: "true" });
    const user = await newUser("bound");
    const { token } = await issueToken(deps, user, { scope: "reports", maxAge: 600 });
    await updateUser(db, user.id, { email: `moved-${user.email}` }, Date.now() + 1);
    const result = await checkToken(deps, token, { scope: "reports" });
    expect(result).toMatchObject({ ok: false, reason: "revoked" });
  });

  it("keeps tokens across an email change when INVALIDATE_ON_EMAIL_CHANGE is off", async () => {
    const deps = depsWith({ INVALIDATE_ON_EMAIL_CHANGE: "false" });
    const user = await newUser("unbound");
    const { token } = await issueToken(deps, user, { scope: "reports", maxAge: 600 });
    const updated = await updateUser(db, user.id, { email: `moved-${user.email}` }, Date.now() + 1);
    expect(updated).not.toBe("conflict");
    expect((updated as { securityStamp: string }).securityStamp).toBe(user.securityStamp);
    const result = await checkToken(deps, token, { scope: "reports" });
    expect(result.ok).toBe(true);
  });

  it("kills tokens on deactivation whatever the email setting, and they stay dead on reactivation", async () => {
    const deps = depsWith({ INVALIDATE_ON_EMAIL_CHANGE: "false" });
    const user = await newUser("deactivated");
    const { token } = await issueToken(deps, user, { scope: "reports", maxAge: 600 });
    await updateUser(db, user.id, { isActive: false }, Date.now() + 1);
    expect(await checkToken(deps, token, { scope: "reports" })).toMatchObject({ ok: false, reason: "inactive_user" });
    await updateUser(db, user.id, { isActive: true }, Date.now() + 2);
    expect(await checkToken(deps, token, { scope: "reports" })).toMatchObject({ ok: false, reason: "revoked" });
  });
});
