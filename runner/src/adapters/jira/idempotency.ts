/**
 * Idempotency markers on Jira issues. A create carries both, atomically, in the create request:
 * - a label `augment-idem-<hash>`: searchable with plain JQL on every site (`labels = "..."`),
 *   which an issue property is not unless an app indexes it;
 * - the issue property `augment.idempotency` = `{ key }` holding the full key, to rule out a hash
 *   collision when a label matches.
 * Caveat: Jira's search index can lag a freshly created issue by a moment; a retry after a crash is
 * normally far later than that. Within one run, callers keep what they created instead of searching.
 */
import { createHash } from 'node:crypto';

export const IDEMPOTENCY_LABEL_PREFIX = 'augment-idem-';
export const IDEMPOTENCY_PROPERTY = 'augment.idempotency';

export function idempotencyLabel(idempotencyKey: string): string {
  if (idempotencyKey.trim() === '') throw new TypeError('idempotency key must not be empty');
  return IDEMPOTENCY_LABEL_PREFIX + createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 20);
}

export interface IdempotencyMarker {
  key: string;
}

export function markerMatches(value: unknown, idempotencyKey: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'object' && (value as { key?: unknown }).key === idempotencyKey;
}

/** Quotes a value for JQL. */
export function jqlString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
