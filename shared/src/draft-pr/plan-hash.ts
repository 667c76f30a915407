import { canonicalJson } from './canonical-json.js';
import type { DraftPrPlan } from './plan.js';
import { sha256Hex } from './sha256.js';

/** A plan hash: 64 lowercase hex characters. */
export const PLAN_HASH_PATTERN = /^[0-9a-f]{64}$/;

/**
 * SHA-256 (hex) over the plan's canonical JSON. Hash the parsed plan (`DraftPrPlan.parse`), which is the
 * form the store keeps, so defaults never make two equal plans hash differently.
 */
export function planHash(plan: DraftPrPlan): string {
  return sha256Hex(canonicalJson(plan));
}
