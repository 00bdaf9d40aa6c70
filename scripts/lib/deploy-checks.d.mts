/** Types for deploy-checks.mjs (used by the Node-side tests). */
export function findDeployProblems(config: object): string[];
