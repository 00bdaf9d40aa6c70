/** Fixed loopback ports for the servers the test run starts (the worker's config needs them up front). */
export const TEST_ORIGIN_PORT = 18788;
export const TEST_MAIL_PORT = 18789;
export const TEST_ORIGIN_URL = `http://127.0.0.1:${TEST_ORIGIN_PORT}`;
export const TEST_MAIL_URL = `http://127.0.0.1:${TEST_MAIL_PORT}/tx/v1/send`;
