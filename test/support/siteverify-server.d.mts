import type { Server } from "node:http";

export const PASSING_SECRET: string;
export const FAILING_SECRET: string;
export const OTHER_HOST_SECRET: string;
export const HANGING_SECRET: string;
export const BROKEN_SECRET: string;
export const SITEVERIFY_PATH: string;
export function startSiteverifyServer(port?: number): Promise<Server>;
