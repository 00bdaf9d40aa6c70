/** Runs in Node once per test run: starts the real local servers the worker talks to. */
import { startMailServer } from "../node/mail-server";
import { startOriginServer } from "../node/origin-server";
import { TEST_MAIL_PORT, TEST_ORIGIN_PORT } from "../node/ports";

export default async function setup() {
  const servers = await Promise.all([startOriginServer(TEST_ORIGIN_PORT), startMailServer(TEST_MAIL_PORT)]);
  return async () => {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  };
}
