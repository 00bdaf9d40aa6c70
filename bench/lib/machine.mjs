/** What the figures were measured on: they mean nothing without it. */
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";

export function describeMachine() {
  let cpu = "unknown";
  try {
    cpu = readFileSync("/proc/cpuinfo", "utf8").match(/^model name\s*:\s*(.+)$/m)?.[1] ?? cpu;
  } catch {
    // Not Linux: the CPU model stays unknown.
  }
  return { date: new Date().toISOString(), cpu, cores: availableParallelism(), node: process.version };
}
