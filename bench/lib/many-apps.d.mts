import type { AppDefinition } from "../../src/access/types";

export const MANY_APPS: number;
export const POLICIES_PER_APP: number;
export const MEASURED_HOST: string;
export const MEASURED_PATH: string;
export function manyApps(options: { origin: string; apps?: number; policies?: number }): AppDefinition[];
