/**
 * A bounded keep-alive load loop: `connections` requests in flight at all times for
 * `seconds`, each answer counted by status; a network error or a body cut short counts as
 * an error. Loopback only.
 */
import { Agent } from "node:http";
import { get } from "./gate-client.mjs";

export async function runLoad({ url, headers, connections, seconds, pathFor = (n) => `/load/${n}` }) {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const statuses = {};
  const errors = {};
  const latencies = [];
  let sent = 0;
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < deadline) {
        const n = sent++;
        const result = await get(new URL(pathFor(n), url), { headers, agent });
        if (result.error) errors[result.error] = (errors[result.error] ?? 0) + 1;
        else {
          statuses[result.status] = (statuses[result.status] ?? 0) + 1;
          latencies.push(result.ms);
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
  const ok = Object.entries(statuses).reduce((n, [status, count]) => n + (status.startsWith("2") ? count : 0), 0);
  return {
    sent,
    ok,
    statuses,
    errors,
    failed: sent - ok,
    seconds: Math.round(elapsed * 10) / 10,
    rps: Math.round(sent / elapsed),
    p50Ms: Math.round(at(0.5) * 10) / 10,
    p99Ms: Math.round(at(0.99) * 10) / 10,
  };
}
