/**
 * Resident memory of the workerd processes behind a `wrangler dev`, read from
 * /proc/<pid>/status (VmRSS). wrangler dev runs two: one listens on the dev port and
 * forwards (wrangler's proxy), the other runs the worker. Both are in wrangler's process
 * group, found from the one whose command line names the port.
 */
import { readdirSync, readFileSync } from "node:fs";

function readProc(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return {
      pid: Number(pid),
      comm: stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")),
      pgid: Number(fields[2]),
      cmdline: readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " "),
    };
  } catch {
    return null; // the process ended while we looked
  }
}

/** {worker, proxy}: the pids of the workerd running the worker and of wrangler's proxy, for the dev server on `port`. */
export function findWorkerdProcesses(port) {
  const all = readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map(readProc)
    .filter(Boolean);
  const workerds = all.filter((p) => p.comm === "workerd");
  const proxy = workerds.find((p) => p.cmdline.includes(`--socket-addr=entry=127.0.0.1:${port} `));
  if (!proxy) throw new Error(`no workerd listens on 127.0.0.1:${port}`);
  const worker = workerds.find((p) => p.pgid === proxy.pgid && p.pid !== proxy.pid);
  if (!worker) throw new Error(`no worker workerd beside the proxy (pid ${proxy.pid})`);
  return { worker: worker.pid, proxy: proxy.pid };
}

/** VmRSS of `pid` in MiB. */
export function rssMiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = Number(/^VmRSS:\s+(\d+)\s+kB$/m.exec(status)?.[1]);
  if (!Number.isFinite(kib)) throw new Error(`no VmRSS for pid ${pid}`);
  return kib / 1024;
}

/**
 * Samples `pids` every `everyMs` until `stop()`, which returns {samples: {name: [MiB...]},
 * exited: [names]}. A process that ends is noted, not fatal: wrangler dev replaces its
 * workerd when a source file changes, and the caller decides what that means.
 */
export function sampleMemory(pids, everyMs) {
  const samples = Object.fromEntries(Object.keys(pids).map((name) => [name, []]));
  const exited = new Set();
  const take = () => {
    for (const [name, pid] of Object.entries(pids)) {
      if (exited.has(name)) continue;
      try {
        samples[name].push(rssMiB(pid));
      } catch {
        exited.add(name);
      }
    }
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return { samples, exited: [...exited] };
    },
  };
}

/** first / last / max of a series, rounded to 0.1 MiB. */
export function summariseMemory(series) {
  const round = (n) => Math.round(n * 10) / 10;
  return { first: round(series[0]), last: round(series.at(-1)), max: round(Math.max(...series)), samples: series.length };
}
