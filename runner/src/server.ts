/**
 * Process composition: Redis connections, logger, services, the API and/or the worker, graceful shutdown.
 * `role` all (default) runs both; `api` and `worker` run one each, which is how the runner scales out:
 * any number of either, on any machines, sharing one Redis.
 */
import { readFileSync } from 'node:fs';
import { type ServerType, serve } from '@hono/node-server';
import type { Redis } from 'ioredis';
import type { OpenCodeServiceHooks } from './adapters/opencode/service.js';
import { createApp } from './api/app.js';
import { type Env, secretValues } from './env.js';
import { JobQueue } from './jobs/queue.js';
import { type RunningWorker, startWorker } from './jobs/worker.js';
import { createLogger, type Logger } from './logger.js';
import { closeConnection, redisFactory } from './redis.js';
import { createServices } from './services.js';

export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

export interface Runner {
  port: number;
  url: string;
  log: Logger;
  /** How long stopping waits for active jobs before handing them back. */
  drainMs: number;
  /**
   * Stops gracefully: event streams end, the HTTP server closes, the worker drains its active jobs for
   * `drainMs` and hands back the ones still running, connections close.
   */
  stop(): Promise<void>;
  /** While stopping: hand the active jobs back now instead of waiting out the drain (a second signal). */
  handBackNow(): void;
}

export interface StartOptions {
  role?: 'all' | 'api' | 'worker';
  /** Test hook: processors by job type. */
  processorOverrides?: Parameters<typeof startWorker>[0]['processorOverrides'];
  /** Test hooks of the OpenCode service (local git origins, work directory, driver). */
  openCodeHooks?: OpenCodeServiceHooks;
  logDestination?: Parameters<typeof createLogger>[2];
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /** How long a stopping worker waits for its active jobs (default WORKER_DRAIN_SECONDS). */
  drainMs?: number;
}

/**
 * What start-up must say about authentication: with no API key and no FORGE_APP_ID nothing but a signed
 * webhook (if WEBHOOK_SECRET is set) can call the API, so every route but /health answers 401. Null when a
 * caller can authenticate.
 */
export function missingAuthWarning(
  env: Pick<Env, 'API_KEYS' | 'FORGE_APP_ID' | 'WEBHOOK_SECRET'>,
): { fields: Record<string, unknown>; message: string } | null {
  if (env.API_KEYS.length > 0 || env.FORGE_APP_ID) return null;
  const webhook = env.WEBHOOK_SECRET ? ' (requests signed with WEBHOOK_SECRET are still accepted)' : '';
  return {
    fields: {
      missing: ['API_KEYS', 'FORGE_APP_ID'],
      public_paths: ['/health'],
      fix: 'set API_KEYS=<key>[,<key>...] and send "Authorization: Bearer <key>", or set FORGE_APP_ID for the Forge app',
    },
    message:
      `no API key and no FORGE_APP_ID: every route but /health will answer 401${webhook}. ` +
      'Set API_KEYS to one or more comma-separated keys (e.g. API_KEYS=dev-key-change-me) and send ' +
      '"Authorization: Bearer <key>", or set FORGE_APP_ID to the Forge app id for calls from the app.',
  };
}

export async function startRunner(env: Env, opts: StartOptions = {}): Promise<Runner> {
  const role = opts.role ?? env.RUNNER_ROLE;
  const drainMs = opts.drainMs ?? env.WORKER_DRAIN_SECONDS * 1000;
  /** Aborted when the runner stops: open event streams end instead of holding the HTTP server open. */
  const shutdown = new AbortController();
  const secrets = secretValues(env);
  const log = createLogger(env.LOG_LEVEL, secrets, opts.logDestination);
  const connect = redisFactory(env.REDIS_URL, log);
  // Workers wait for Redis through an outage; the HTTP API fails fast (503) instead of holding requests.
  const redis = connect.patient('redis');
  // The API's queue connection, without auto-pipelining: ioredis builds a Pipeline per batch that copies every
  // script BullMQ defines onto it, which costs more than the write it saves (bench/enqueue.bench.ts).
  const connection = connect.failFast('api redis', env.REDIS_COMMAND_TIMEOUT_MS);
  const services = createServices(env, log, secrets, {
    redis,
    ...(opts.openCodeHooks ? { openCodeHooks: opts.openCodeHooks } : {}),
  });
  const queue = new JobQueue(connection, env.QUEUE_PREFIX, connection, env.OPENCODE_TIMEOUT, log);

  let worker: RunningWorker | undefined;
  if (role === 'all' || role === 'worker') {
    const subscriber = connect.duplicate(redis, 'cancel subscriber');
    worker = await startWorker({
      connection: connect.duplicate(redis, 'worker connection'),
      subscriber,
      redis,
      prefix: env.QUEUE_PREFIX,
      concurrency: env.WORKER_CONCURRENCY,
      services,
      processorOverrides: opts.processorOverrides,
      lockDurationMs: opts.lockDurationMs,
      stalledIntervalMs: opts.stalledIntervalMs,
    });
    log.info({ concurrency: env.WORKER_CONCURRENCY }, 'worker started');
    // Docker sandbox: network, leftover clean-up and image pull run in the background, not blocking start.
    if (env.OPENCODE_ENABLED) services.openCode.warmUp();
  }

  let server: ServerType | undefined;
  let port = 0;
  if (role === 'all' || role === 'api') {
    const authWarning = missingAuthWarning(env);
    if (authWarning) log.warn(authWarning.fields, authWarning.message);
    // Requests right after start-up should not meet a connection still being made.
    await untilReady(connection, 5_000);
    const app = createApp({
      services,
      queue,
      redis: connection,
      version: VERSION,
      role,
      shutdown: shutdown.signal,
      maxBodyBytes: env.MAX_BODY_BYTES,
      auth: {
        apiKeys: env.API_KEYS,
        webhookSecret: env.WEBHOOK_SECRET,
        forgeAppId: env.FORGE_APP_ID,
        jwksUrl: env.FORGE_JWKS_URL,
        issuer: env.FORGE_ISSUER,
      },
    });
    await new Promise<void>((resolve) => {
      server = serve({ fetch: app.fetch, port: env.PORT, hostname: env.HOST }, (info) => {
        port = info.port;
        resolve();
      });
    });
    log.info({ port, role }, 'runner listening');
  }

  let stopping: Promise<void> | undefined;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    log,
    drainMs,
    handBackNow: () => worker?.handBackNow(),
    stop() {
      stopping ??= (async () => {
        // Stop taking requests first, then let the worker finish what it holds.
        shutdown.abort();
        if (server) await closeServer(server);
        if (worker) await worker.close(drainMs);
        await Promise.race([queue.close().catch(() => undefined), sleep(2_000)]);
        await closeConnection(connection);
        await closeConnection(redis);
        services.close();
        log.info('runner stopped');
      })();
      return stopping;
    },
  };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

/** Waits (at most `ms`) for a connection to be ready; an API starting while Redis is away still starts. */
function untilReady(client: Redis, ms: number): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      client.off('ready', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    client.once('ready', done);
  });
}

/**
 * Closes the HTTP server: no new connections, idle ones closed now; requests under way get a few seconds
 * (event streams end at once through the shutdown signal), then their connections are closed too.
 */
async function closeServer(server: ServerType): Promise<void> {
  const http = server as ServerType & { closeIdleConnections?(): void; closeAllConnections?(): void };
  const closed = new Promise<void>((r) => server.close(() => r()));
  http.closeIdleConnections?.();
  const timer = setTimeout(() => http.closeAllConnections?.(), 5_000);
  await closed;
  clearTimeout(timer);
}

/** Starts the runner and stops it gracefully on SIGTERM/SIGINT (the worker drains its active jobs). */
export async function runUntilSignal(env: Env, role?: StartOptions['role']): Promise<void> {
  stopOnSignals(await startRunner(env, { role }));
}

/**
 * Stops the runner on SIGTERM/SIGINT and exits. A second signal hands the active jobs back at once (never a
 * hard kill, which would leave them to stalled-job detection); a forced exit if stopping still hangs.
 */
export function stopOnSignals(runner: Runner): void {
  let received = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    received += 1;
    if (received > 1) {
      runner.log.warn({ signal }, 'signal received again: handing the active jobs back now');
      runner.handBackNow();
      return;
    }
    runner.log.info({ signal, drain_ms: runner.drainMs }, 'shutting down');
    const force = setTimeout(() => {
      runner.log.error('stopping took too long: exiting now');
      process.exit(1);
    }, runner.drainMs + 30_000);
    force.unref();
    runner.stop().then(
      () => process.exit(0),
      (err: Error) => {
        runner.log.error({ err: err.message }, 'stopping failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
