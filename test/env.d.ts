declare namespace Cloudflare {
  interface Env {
    TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
    /** test/node/wsgi-origin.py, a Python wsgiref origin (not a configuration key). */
    WSGI_ORIGIN_URL: string;
  }
  interface GlobalProps {
    mainModule: typeof import("../src/index");
  }
}
