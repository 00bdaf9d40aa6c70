/**
 * The workerd processes this benchmark started (children of this process) and their resident
 * memory, from /proc. Each started worker runs in workerd processes of its own: the ones that
 * appeared when it started.
 */
import { readdirSync, readFileSync } from "node:fs";

/** Pids of the workerd processes that are children of this process. */
export function workerdPids() {
  const pids = new Set();
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[1]) === process.pid && stat.includes("(workerd)")) pids.add(Number(pid));
    } catch {
      // The process ended between listing and reading.
    }
  }
  return pids;
}

/** Summed VmRSS of `pids`, in MiB (a process that ended counts nothing). */
export function rssMiB(pids) {
  let kib = 0;
  for (const pid of pids) {
    try {
      kib += Number(/^VmRSS:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
    } catch {
      // ended
    }
  }
  return kib / 1024;
}
