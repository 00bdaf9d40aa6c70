declare namespace Cloudflare {
  interface Env {
    /** The run's generator seed (vitest.config.ts: HOSTILE_SEED, or a random one). */
    HOSTILE_SEED: string;
  }
}
