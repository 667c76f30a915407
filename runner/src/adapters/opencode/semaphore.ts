/**
 * OPENCODE_MAX_CONCURRENT across every worker: a counting semaphore in Redis. Holders are members of a
 * sorted set scored by their lease expiry (Redis server time), so a worker that dies without releasing
 * frees its slot when the lease runs out; live holders renew their lease in the background.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { OpenCodeError } from './errors.js';

export interface Lease {
  release(): Promise<void>;
}

export interface AcquireOptions {
  signal?: AbortSignal;
  /** Give up after this long (default: wait forever, or until the signal aborts). */
  timeoutMs?: number;
  /** Called once if the slot is not free at the first try. */
  onWait?: () => void;
}

export interface Semaphore {
  acquire(holder: string, opts?: AcquireOptions): Promise<Lease>;
}

// KEYS[1] set; ARGV: limit, holder, leaseMs. Expired leases are dropped first.
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZSCORE', KEYS[1], ARGV[2]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[2])
  return 1
end
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[2])
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]) * 2)
  return 1
end
return 0
`;

// Extends a lease that still exists; returns 0 if it was lost (expired and taken).
const RENEW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) * 2)
  return 1
end
return 0
`;

export interface RedisSemaphoreOptions {
  redis: Redis;
  /** The sorted set's key, e.g. `${QUEUE_PREFIX}:opencode:slots`. */
  key: string;
  limit: number;
  /** Lease length; renewed every third of it. */
  leaseMs?: number;
  pollMs?: number;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

function abortReason(signal: AbortSignal): Error {
  const r: unknown = signal.reason;
  return r instanceof OpenCodeError
    ? r
    : new OpenCodeError('cancelled', 'The job was cancelled while waiting for an OpenCode slot');
}

export function createRedisSemaphore(opts: RedisSemaphoreOptions): Semaphore {
  const leaseMs = opts.leaseMs ?? 60_000;
  const pollMs = opts.pollMs ?? 500;
  return {
    async acquire(holder, a = {}) {
      const member = `${holder}:${randomUUID()}`;
      const deadline = a.timeoutMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + a.timeoutMs;
      let waited = false;
      for (;;) {
        if (a.signal?.aborted) throw abortReason(a.signal);
        const ok = await opts.redis.eval(ACQUIRE, 1, opts.key, opts.limit, member, leaseMs);
        if (ok === 1) break;
        if (!waited) {
          waited = true;
          a.onWait?.();
        }
        if (Date.now() >= deadline) {
          throw new OpenCodeError(
            'concurrency_wait_timeout',
            `All ${opts.limit} OpenCode slots stayed busy for ${Math.round((a.timeoutMs ?? 0) / 1000)} s`,
          );
        }
        await sleep(Math.min(pollMs, Math.max(0, deadline - Date.now())), a.signal);
      }
      const renew = setInterval(
        () => {
          opts.redis.eval(RENEW, 1, opts.key, member, leaseMs).catch(() => undefined);
        },
        Math.max(50, Math.floor(leaseMs / 3)),
      );
      renew.unref();
      let released = false;
      return {
        async release() {
          if (released) return;
          released = true;
          clearInterval(renew);
          await opts.redis.zrem(opts.key, member).catch(() => undefined);
        },
      };
    },
  };
}

/** A per-process semaphore, for the CLI and tests that run without Redis. */
export function createLocalSemaphore(limit: number): Semaphore {
  let used = 0;
  const waiters: Array<() => void> = [];
  return {
    async acquire(_holder, a = {}) {
      const deadline = a.timeoutMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + a.timeoutMs;
      let waited = false;
      while (used >= limit) {
        if (a.signal?.aborted) throw abortReason(a.signal);
        if (Date.now() >= deadline)
          throw new OpenCodeError('concurrency_wait_timeout', `All ${limit} OpenCode slots stayed busy`);
        if (!waited) {
          waited = true;
          a.onWait?.();
        }
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, Math.min(1000, Math.max(0, deadline - Date.now())));
          waiters.push(() => {
            clearTimeout(t);
            resolve();
          });
          a.signal?.addEventListener('abort', () => resolve(), { once: true });
        });
      }
      if (a.signal?.aborted) throw abortReason(a.signal);
      used++;
      let released = false;
      return {
        async release() {
          if (released) return;
          released = true;
          used--;
          waiters.shift()?.();
        },
      };
    },
  };
}
