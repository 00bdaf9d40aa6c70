import type { IncomingMessage } from "node:http";

export interface LoadSample {
  requests: number;
  elapsed: number;
  latencies: number[];
  cpuMs: number;
}

export function load(
  url: URL | string,
  headersFor: (i: number) => Record<string, string>,
  seconds: number,
  options?: { minRequests?: number; connections?: number; onAnswer?: ((i: number, res: IncomingMessage) => void) | null },
): Promise<LoadSample>;
export function workerdCpuMs(): number;
export function startOrigin(options?: { requireIdentity?: boolean }): Promise<{ url: string; stop(): Promise<void> }>;
export function startGate(
  originUrl: string,
  options?: { apps?: unknown[] | null; credentials?: number; inspectorPort?: number | null; spreadSeconds?: number },
): Promise<{ gate: unknown; cookies: string[]; tokens: string[]; stop(): Promise<void> }>;
