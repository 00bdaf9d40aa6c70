/**
 * Removing a user's rights through the admin API (delete, deactivate, revoke all) ends its
 * service tokens and share links at the gate on the next request in the isolate that served
 * the call, including the ones the gate verified moments ago and would otherwise accept from
 * memory until SESSION_REVALIDATE (docs/security.md, "How fast a revocation is refused").
 */
import { describe, expect, it } from "vitest";
import { adminOk, createUserViaApi } from "./admin-client";
import { gate } from "./gate-support";

const JSON_ACCEPT = { Accept: "application/json" };

/** A user with a service token and a share link, each used once, so the gate remembers both. */
async function userWithRememberedTokens() {
  const user = await createUserViaApi();
  const service = await adminOk<{ token: string }>("POST", `/users/${user.id}/service-tokens`, 201, { json: { name: "ci" } });
  const share = await adminOk<{ token: string }>("POST", `/users/${user.id}/share-links`, 201, { json: { path: "/reports/7" } });
  const moved = await gate(`/reports/7?sesame=${share.token}`, { headers: { Accept: "text/html" } });
  expect(moved.status).toBe(303);
  const shareCookie = moved.headers.getSetCookie()[0]!.split(";")[0]!;
  const useService = () => gate("/api/items", { headers: { Authorization: `Bearer ${service.token}`, ...JSON_ACCEPT } });
  const useShare = () => gate("/reports/7", { headers: { Cookie: shareCookie, ...JSON_ACCEPT } });
  expect([(await useService()).status, (await useShare()).status]).toEqual([200, 200]);
  return { user, useService, useShare };
}

describe("removing a user's rights reaches its tokens at the gate at once", () => {
  const removals: Record<string, (id: string) => Promise<unknown>> = {
    "deleting the user": (id) => adminOk("DELETE", `/users/${id}`, 204),
    "deactivating the user": (id) => adminOk("PATCH", `/users/${id}`, 200, { json: { active: false } }),
    "revoking all its tokens": (id) => adminOk("POST", `/users/${id}/revoke-tokens`, 200, { json: {} }),
  };

  for (const [removal, remove] of Object.entries(removals)) {
    it(`refuses the service token and the share link on the next request after ${removal}`, async () => {
      const { user, useService, useShare } = await userWithRememberedTokens();
      await remove(user.id);
      expect([(await useService()).status, (await useShare()).status]).toEqual([401, 401]);
    });
  }

  it("accepts tokens issued after the user is reactivated", async () => {
    const { user, useService } = await userWithRememberedTokens();
    await adminOk("PATCH", `/users/${user.id}`, 200, { json: { active: false } });
    await adminOk("PATCH", `/users/${user.id}`, 200, { json: { active: true } });
    expect((await useService()).status).toBe(401);
    const fresh = await adminOk<{ token: string }>("POST", `/users/${user.id}/service-tokens`, 201, { json: { name: "again" } });
    const headers = { Authorization: `Bearer ${fresh.token}`, ...JSON_ACCEPT };
    expect([(await gate("/api/items", { headers })).status, (await gate("/api/items", { headers })).status]).toEqual([200, 200]);
  });
});
