/**
 * Child processes that must all stop together. Each child leads its own process group
 * (detached), so stopping it also stops what it started: wrangler runs workerd, and
 * killing only wrangler's PID would leave workerd serving the port.
 */
import { spawn } from "node:child_process";

/** Spawns `command` as the leader of a new process group. Output is piped unless told otherwise. */
export function spawnGroup(command, args, options = {}) {
  const child = spawn(command, args, {
    stdio: ["ignore", "pipe", "pipe"],
    ...options,
    detached: true,
  });
  child.exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  return child;
}

/**
 * Sends SIGTERM to the child's process group, then SIGKILL if it is still there after
 * `graceMs`. Resolves once the leader has exited.
 */
export async function stopGroup(child, graceMs = 5000) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  signalGroup(child, "SIGTERM");
  const timer = setTimeout(() => signalGroup(child, "SIGKILL"), graceMs);
  await child.exited;
  clearTimeout(timer);
  // The leader is gone; anything left in its group (workerd) gets the same end.
  signalGroup(child, "SIGKILL");
}

function signalGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch (error) {
    if (error.code !== "ESRCH") throw error;
  }
}

/**
 * Runs a command to completion; resolves with its output, rejects with it when the exit
 * code is not 0. With `stdio: "inherit"` the output goes to the terminal instead.
 */
export function runCommand(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], ...options });
    let output = "";
    child.stdout?.on("data", (chunk) => (output += chunk));
    child.stderr?.on("data", (chunk) => (output += chunk));
    child.once("error", reject);
    child.once("exit", (code) => {
      if (code === 0) resolve(output);
      else reject(Object.assign(new Error(`${command} ${args.join(" ")} exited with ${code}\n${output.trim()}`), { output }));
    });
  });
}

/** Polls `url` until it answers with a status below 500, or throws after `timeoutMs`. */
export async function waitForHttp(url, { timeoutMs = 60_000, child, name = url } = {}) {
  const deadline = Date.now() + timeoutMs;
  let lastError = "no answer";
  while (Date.now() < deadline) {
    if (child && (child.exitCode !== null || child.signalCode !== null)) {
      throw new Error(`${name} exited before it answered on ${url}`);
    }
    try {
      const response = await fetch(url, { redirect: "manual", signal: AbortSignal.timeout(2000) });
      // Read it to the end: cancelling mid-body makes workerd log a broken pipe.
      await response.arrayBuffer();
      if (response.status < 500) return;
      lastError = `status ${response.status}`;
    } catch (error) {
      lastError = error.cause?.code ?? error.message;
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  throw new Error(`${name} did not answer on ${url} within ${timeoutMs / 1000} s (${lastError})`);
}
