/** Types for dev-vars.mjs (used by the Node-side tests). */
export function ensureDevVars(root: string): Promise<boolean>;
export function readDevVars(file: string): Record<string, string>;
