/**
 * A plan hash: SHA-256 (hex) over the plan's canonical JSON (`canonicalJson`), computed by the runner with
 * node:crypto when it stores a plan version. Requests quote it to approve exactly the plan they were shown.
 */
export const PLAN_HASH_PATTERN = /^[0-9a-f]{64}$/;
