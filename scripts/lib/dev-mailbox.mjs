/**
 * Where `npm run dev` tells you to read the dev mailbox. The worker opens it freely only
 * when PUBLIC_URL is loopback or `*.localhost`; on a private-network address it wants
 * `?token=`, derived from SESAME_SECRET exactly as src/mail/dev.ts derives it
 * (HMAC(HMAC(secret, "sesame-edge/dev-mailbox/v1"), "sesame-edge/dev-mailbox/token"),
 * base64url), with the worker's rule for "loopback" (scripts/lib/hosts.mjs). test/node checks
 * that both agree with the worker's.
 */
import { createHmac } from "node:crypto";
import { isLoopbackHost } from "./hosts.mjs";

/** The token that opens the dev mailbox on a private-network PUBLIC_URL. */
export function devMailboxToken(secret) {
  const key = createHmac("sha256", Buffer.from(secret, "utf8")).update("sesame-edge/dev-mailbox/v1").digest();
  return createHmac("sha256", key).update("sesame-edge/dev-mailbox/token").digest("base64url");
}

/** The mailbox URL to print: with the token when PUBLIC_URL is not loopback. */
export function devMailboxUrl(publicUrl, authPrefix, secret) {
  const url = new URL(`${authPrefix}/dev/mailbox`, publicUrl);
  if (!isLoopbackHost(url.hostname)) url.searchParams.set("token", devMailboxToken(secret));
  return url.href;
}
