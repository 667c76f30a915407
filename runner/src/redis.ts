/**
 * The runner's Redis connections and how their failures are reported. Two kinds:
 * - patient (workers): commands wait for Redis to come back, so a job survives a Redis restart;
 * - fail-fast (the HTTP API): while Redis is away a command fails at once (no offline queue, no retry of
 *   a command caught by a disconnect, a time limit on each command), so requests answer 503 instead of
 *   hanging for the whole outage.
 * Every connection and every BullMQ object gets an error listener that writes to the JSON logger; an outage
 * is logged once when it starts (and every 30 s while it lasts) and once when Redis is back.
 */
import type { EventEmitter } from 'node:events';
import { Redis, type RedisOptions } from 'ioredis';
import { AppError } from './errors.js';
import type { Logger } from './logger.js';

const REPEAT_MS = 30_000;

/** Errors that mean Redis could not be reached or did not answer, as opposed to a refused command. */
export function isRedisUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (
    typeof code === 'string' &&
    /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|EHOSTUNREACH)$/.test(code)
  )
    return true;
  return (
    err.name === 'MaxRetriesPerRequestError' ||
    /enableOfflineQueue|Connection is closed|Command timed out|max retries per request|Stream isn't writeable|LOADING|connect ECONNREFUSED/i.test(
      err.message,
    )
  );
}

/** The 503 a request gets while Redis is unreachable (clients retry after Retry-After). */
export function redisUnavailable(
  message = 'Redis is unreachable: the request was not served; retry shortly',
  details: Record<string, unknown> = {},
): AppError {
  return new AppError(503, 'redis_unavailable', message, { retry_after_s: RETRY_AFTER_S, ...details });
}
export const RETRY_AFTER_S = 5;

/**
 * Sends the 'error' events of a connection or BullMQ object to the logger: connection trouble once per
 * outage (repeated every 30 s while it lasts), anything else every time.
 */
export function logErrors(emitter: EventEmitter, log: Logger, source: string): void {
  let outageSince = 0;
  let lastLogged = 0;
  let suppressed = 0;
  emitter.on('error', (err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    if (!isRedisUnavailable(err)) {
      log.error({ source, err: message }, `${source} error`);
      return;
    }
    const now = Date.now();
    if (!outageSince) outageSince = now;
    if (now - lastLogged < REPEAT_MS) {
      suppressed++;
      return;
    }
    log.warn(
      { source, err: message, since: new Date(outageSince).toISOString(), repeats: suppressed },
      'redis unreachable',
    );
    lastLogged = now;
    suppressed = 0;
  });
  emitter.on('ready', () => {
    if (!outageSince) return;
    log.info({ source, outage_ms: Date.now() - outageSince }, 'redis reachable again');
    outageSince = 0;
    lastLogged = 0;
    suppressed = 0;
  });
}

export interface RedisFactory {
  /** Waits for Redis (jobs survive an outage). BullMQ workers need this kind. */
  patient(source: string): Redis;
  /** Fails at once while Redis is away (the HTTP API); `timeoutMs` bounds each command. */
  failFast(source: string, timeoutMs: number): Redis;
  /** A second connection like `client` (for subscriptions), with its own listener. */
  duplicate(client: Redis, source: string): Redis;
}

export function redisFactory(url: string, log: Logger): RedisFactory {
  const make = (source: string, options: RedisOptions) => {
    const client = new Redis(url, options);
    logErrors(client, log, source);
    return client;
  };
  return {
    patient: (source) => make(source, { maxRetriesPerRequest: null }),
    failFast: (source, timeoutMs) =>
      make(source, {
        maxRetriesPerRequest: 0,
        enableOfflineQueue: false,
        commandTimeout: timeoutMs,
        connectTimeout: Math.max(timeoutMs, 2_000),
      }),
    duplicate(client, source) {
      const copy = client.duplicate();
      logErrors(copy, log, source);
      return copy;
    },
  };
}

/** Closes a connection: politely when Redis is there, at once when it is not (QUIT would wait for it). */
export async function closeConnection(client: Redis): Promise<void> {
  if (client.status === 'ready') {
    const quit = await Promise.race([
      client.quit().then(
        () => true,
        () => false,
      ),
      new Promise<false>((r) => setTimeout(() => r(false), 1_000).unref()),
    ]);
    if (quit) return;
  }
  client.disconnect();
}
