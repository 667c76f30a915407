/**
 * Exponential backoff with jitter, honouring Retry-After. Which failures are retried depends on whether
 * the request is safe to repeat: a 429 means the server did nothing, so anything may be retried; a 5xx
 * or a dropped connection leaves the outcome unknown, so only idempotent requests are retried here and
 * creates go through the find-then-create loops of the adapters instead.
 */
import { isRetryable } from '../../errors.js';
import { AtlassianError } from './atlassian-error.js';

export interface RetryOptions {
  /** Total attempts, the first one included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After above this is clamped to it (a job can be retried later by the queue instead). */
  maxRetryAfterMs: number;
  random: () => number;
  sleep: (ms: number) => Promise<void>;
}

export const DEFAULT_RETRY_OPTIONS: RetryOptions = {
  maxAttempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 60_000,
  random: Math.random,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export function resolveRetryOptions(partial?: Partial<RetryOptions>): RetryOptions {
  const merged = { ...DEFAULT_RETRY_OPTIONS, ...stripUndefined(partial ?? {}) };
  if (!Number.isInteger(merged.maxAttempts) || merged.maxAttempts < 1) {
    throw new RangeError('retry.maxAttempts must be a positive integer');
  }
  return merged;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Parses a Retry-After header: delta-seconds or an HTTP date. Returns milliseconds from `nowMs`,
 * or undefined when absent or unreadable.
 */
export function parseRetryAfter(
  value: string | null | undefined,
  nowMs: number = Date.now(),
): number | undefined {
  if (value === null || value === undefined) return undefined;
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/**
 * Delay before the next attempt, after `failedAttempt` (1-based) failed. Without Retry-After it is
 * "equal jitter": half of the exponential step fixed, half random, so concurrent clients spread out.
 * With Retry-After the server's delay is honoured (clamped) plus a little jitter.
 */
export function backoffDelay(failedAttempt: number, opts: RetryOptions, retryAfterMs?: number): number {
  const jitter = opts.random();
  if (retryAfterMs !== undefined) {
    return (
      Math.min(retryAfterMs, opts.maxRetryAfterMs) + Math.round(jitter * Math.min(opts.baseDelayMs, 1000))
    );
  }
  const step = Math.min(opts.maxDelayMs, opts.baseDelayMs * 2 ** (failedAttempt - 1));
  return Math.round(step / 2 + (jitter * step) / 2);
}

export interface RetryEvent {
  attempt: number;
  delayMs: number;
  error: AtlassianError;
}

/**
 * Runs `op` until it succeeds, fails with a non-retryable error, or `maxAttempts` is reached.
 * `op` must throw AtlassianError for HTTP and network failures (anything else is rethrown at once).
 */
export async function withRetry<T>(
  op: (attempt: number) => Promise<T>,
  opts: RetryOptions,
  idempotent: boolean,
  onRetry?: (event: RetryEvent) => void,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await op(attempt);
    } catch (err) {
      if (
        !(err instanceof AtlassianError && isRetryable(err, { idempotent })) ||
        attempt >= opts.maxAttempts
      ) {
        if (err instanceof AtlassianError) err.attempts = attempt;
        throw err;
      }
      const delayMs = backoffDelay(attempt, opts, err.retryAfterMs);
      onRetry?.({ attempt, delayMs, error: err });
      await opts.sleep(delayMs);
    }
  }
}
