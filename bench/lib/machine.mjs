/** What the figures were measured on: they mean nothing without it. */
import { readFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";

export function describeMachine() {
  let cpu = "unknown";
  try {
    cpu = readFileSync("/proc/cpuinfo", "utf8").match(/^model name\s*:\s*(.+)$/m)?.[1] ?? cpu;
  } catch {
    // Not Linux: the CPU model stays unknown.
  }
  return { date: new Date().toISOString(), cpu, cores: availableParallelism(), node: process.version };
}

/** The 1, 5 and 15 minute load averages: on a shared machine, what else was running beside the figures. */
export function describeLoad() {
  return `load average ${loadavg()
    .map((n) => n.toFixed(2))
    .join(", ")} (1, 5, 15 min) on ${availableParallelism()} cores`;
}
