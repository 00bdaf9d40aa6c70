import type { AppDefinition } from "../../src/access/types";

export const DEMO_GROUP: string;
export const DEMO_APP_NOTES: Record<"wiki" | "tools", string>;
export function demoApps(options: { authHost: string; originUrl: string }): AppDefinition[];
export function demoAppUrl(app: AppDefinition, port: number): string;
