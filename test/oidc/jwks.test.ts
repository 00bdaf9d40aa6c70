/** The JWKS publishes the gate's keys and the ID token keys, public halves only (docs/keys.md). */
import { describe, expect, it } from "vitest";
import { gate } from "../gate-support";
import { oidcSigningKeys, oidcWorker } from "./support";

describe("the JWKS with the OpenID provider on", () => {
  it("publishes the gate's key and every ID token key, each with its alg, and no private member", async () => {
    const edge = await oidcWorker();
    const text = await (await edge("/.well-known/jwks.json")).text();
    const { keys } = JSON.parse(text) as { keys: Record<string, string>[] };
    const [rsa, ec] = await oidcSigningKeys();
    expect(keys.map((k) => [k.kid, k.kty, k.alg, k.use])).toEqual([
      ["test-key-1", "EC", "ES256", "sig"],
      ["oidc-rs-1", "RSA", "RS256", "sig"],
      ["oidc-es-1", "EC", "ES256", "sig"],
    ]);
    expect(keys[1]).toEqual({ kty: "RSA", n: rsa!.n, e: rsa!.e, kid: "oidc-rs-1", alg: "RS256", use: "sig" });
    expect(keys[2]).toEqual({ kty: "EC", crv: "P-256", x: ec!.x, y: ec!.y, kid: "oidc-es-1", alg: "ES256", use: "sig" });
    for (const secret of [rsa!.d, rsa!.p, rsa!.q, rsa!.dp, rsa!.dq, rsa!.qi, ec!.d]) expect(text).not.toContain(secret);
  });

  it("publishes only the gate's keys while the provider is off", async () => {
    const { keys } = (await (await gate("/.well-known/jwks.json")).json()) as { keys: { kid: string }[] };
    expect(keys.map((k) => k.kid)).toEqual(["test-key-1"]);
  });
});
