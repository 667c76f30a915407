import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AtlassianError, type AtlassianErrorCode } from './atlassian-error.js';
import {
  backoffDelay,
  DEFAULT_RETRY_OPTIONS,
  parseRetryAfter,
  type RetryOptions,
  withRetry,
} from './retry.js';

const err = (code: AtlassianErrorCode, status: number, retryAfterMs?: number) =>
  new AtlassianError({ service: 'jira', upstreamStatus: status, code, message: code, retryAfterMs });

function recorder(partial: Partial<RetryOptions> = {}) {
  const delays: number[] = [];
  const opts: RetryOptions = {
    ...DEFAULT_RETRY_OPTIONS,
    random: () => 0.5,
    sleep: async (ms) => {
      delays.push(ms);
    },
    ...partial,
  };
  return { opts, delays };
}

async function failingThen<T>(failures: AtlassianError[], value: T) {
  let calls = 0;
  const op = async () => {
    const f = failures[calls++];
    if (f) throw f;
    return value;
  };
  return { op, calls: () => calls };
}

describe('parseRetryAfter', () => {
  it('reads delta-seconds as milliseconds', () => {
    expect(parseRetryAfter('7')).toBe(7000);
    expect(parseRetryAfter(' 0 ')).toBe(0);
  });

  it('reads an HTTP date relative to now', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
  });

  it('ignores absent or unreadable values', () => {
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter('')).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});

describe('backoffDelay', () => {
  it('stays within half and all of the exponential step, capped by maxDelayMs', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.double({ min: 0, max: 0.999999, noNaN: true }),
        (attempt, r) => {
          const opts = { ...DEFAULT_RETRY_OPTIONS, random: () => r };
          const step = Math.min(opts.maxDelayMs, opts.baseDelayMs * 2 ** (attempt - 1));
          const d = backoffDelay(attempt, opts);
          return d >= Math.floor(step / 2) && d <= step;
        },
      ),
    );
  });

  it('waits at least what Retry-After asks, up to maxRetryAfterMs', () => {
    const opts = { ...DEFAULT_RETRY_OPTIONS, random: () => 0 };
    expect(backoffDelay(1, opts, 12_000)).toBe(12_000);
    expect(backoffDelay(1, { ...opts, maxRetryAfterMs: 5_000 }, 12_000)).toBe(5_000);
  });
});

describe('withRetry', () => {
  it('retries a rate-limited request even when it is not idempotent, honouring Retry-After', async () => {
    const { opts, delays } = recorder();
    const { op, calls } = await failingThen([err('rate_limited', 429, 3000)], 'ok');
    await expect(withRetry(op, opts, false)).resolves.toBe('ok');
    expect(calls()).toBe(2);
    expect(delays[0]).toBeGreaterThanOrEqual(3000);
  });

  it('retries 5xx and dropped connections only for idempotent requests', async () => {
    const a = recorder();
    const idem = await failingThen([err('unavailable', 503), err('network', 0)], 'ok');
    await expect(withRetry(idem.op, a.opts, true)).resolves.toBe('ok');
    expect(idem.calls()).toBe(3);

    const b = recorder();
    const create = await failingThen([err('unavailable', 503)], 'ok');
    await expect(withRetry(create.op, b.opts, false)).rejects.toMatchObject({ code: 'unavailable' });
    expect(create.calls()).toBe(1);
  });

  it('never retries other 4xx answers', async () => {
    for (const [code, status] of [
      ['bad_request', 400],
      ['unauthorized', 401],
      ['forbidden', 403],
      ['not_found', 404],
      ['conflict', 409],
    ] as const) {
      const { opts, delays } = recorder();
      const { op, calls } = await failingThen([err(code, status)], 'ok');
      await expect(withRetry(op, opts, true)).rejects.toMatchObject({ code });
      expect(calls()).toBe(1);
      expect(delays).toEqual([]);
    }
  });

  it('gives up after maxAttempts and reports how many were made', async () => {
    const { opts, delays } = recorder({ maxAttempts: 4 });
    const { op, calls } = await failingThen(
      Array.from({ length: 10 }, () => err('unavailable', 500)),
      'ok',
    );
    const e = await withRetry(op, opts, true).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AtlassianError);
    expect((e as AtlassianError).attempts).toBe(4);
    expect(calls()).toBe(4);
    expect(delays).toHaveLength(3);
    // Exponential: every wait is at least the previous one's lower bound doubled.
    expect(delays[2]!).toBeGreaterThan(delays[0]!);
  });

  it('rethrows errors that are not AtlassianError at once', async () => {
    const { opts } = recorder();
    let calls = 0;
    const op = async () => {
      calls++;
      throw new TypeError('bug');
    };
    await expect(withRetry(op, opts, true)).rejects.toThrow('bug');
    expect(calls).toBe(1);
  });
});
