/** The daily cleanup (docs/storage.md, "Retention") deletes expired OpenID tokens, and codes once a replay can no longer matter. */
import { env } from "cloudflare:workers";
import { inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getConfig } from "../../src/config";
import { createDb } from "../../src/db/client";
import { oidcCodes, oidcTokens } from "../../src/db/schema";
import { purgeExpiredRows } from "../../src/retention/purge-expired";
import { createUserViaApi } from "../admin-client";
import { oidcWorker, registerClient } from "./support";

const MINUTE = 60_000;

describe("retention of OpenID rows", () => {
  it("deletes tokens past expiry and codes ten minutes past expiry, and keeps the rest", async () => {
    const edge = await oidcWorker();
    const { clientId } = await registerClient(edge);
    const user = await createUserViaApi();
    const db = createDb(env.DB);
    const now = Date.now();
    const grant = {
      grantId: "g",
      clientId,
      userId: user.id,
      scope: "openid",
      securityStamp: "s",
      authTime: 1,
      amr: "link",
      ip: null,
      country: null,
    };
    const token = (tokenHash: string, expiresAt: number) => ({
      ...grant,
      tokenHash,
      kind: "refresh",
      createdAt: now - 60 * MINUTE,
      expiresAt,
    });
    const code = (codeHash: string, expiresAt: number) => ({
      ...grant,
      codeHash,
      redirectUri: "https://rp.example/cb",
      codeChallenge: null,
      nonce: null,
      expiresAt,
    });
    const [deadToken, liveToken, oldCode, recentCode] = ["t-dead", "t-live", "c-old", "c-recent"].map(
      (id) => `${id}-${crypto.randomUUID()}`,
    );
    await db.insert(oidcTokens).values([token(deadToken!, now - MINUTE), token(liveToken!, now + MINUTE)]);
    await db.insert(oidcCodes).values([code(oldCode!, now - 11 * MINUTE), code(recentCode!, now - 5 * MINUTE)]);

    const counts = await purgeExpiredRows(db, getConfig(env), now);
    expect(counts.oidcTokens).toBeGreaterThanOrEqual(1);
    const tokens = await db
      .select({ id: oidcTokens.tokenHash })
      .from(oidcTokens)
      .where(inArray(oidcTokens.tokenHash, [deadToken!, liveToken!]));
    expect(tokens.map((t) => t.id)).toEqual([liveToken]);
    const codes = await db
      .select({ id: oidcCodes.codeHash })
      .from(oidcCodes)
      .where(inArray(oidcCodes.codeHash, [oldCode!, recentCode!]));
    expect(codes.map((c) => c.id)).toEqual([recentCode]);
  });
});
