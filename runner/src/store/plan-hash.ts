import { createHash } from 'node:crypto';
import { canonicalJson, type DraftPrPlan } from '@augment/shared';

/**
 * SHA-256 (hex) over the plan's canonical JSON. Hash the parsed plan (`DraftPrPlan.parse`), which is the
 * form the store keeps, so defaults never make two equal plans hash differently.
 */
export function planHash(plan: DraftPrPlan): string {
  return createHash('sha256').update(canonicalJson(plan), 'utf8').digest('hex');
}
