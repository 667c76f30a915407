/**
 * Process composition: Redis connections, logger, services, the API and/or the worker, graceful shutdown.
 * `role` all (default) runs both; `api` and `worker` run one each, which is how the runner scales out:
 * any number of either, on any machines, sharing one Redis.
 */
import { readFileSync } from 'node:fs';
import { type ServerType, serve } from '@hono/node-server';
import { Redis } from 'ioredis';
import type { OpenCodeServiceHooks } from './adapters/opencode/service.js';
import { createApp } from './api/app.js';
import { type Env, secretValues } from './env.js';
import { JobQueue } from './jobs/queue.js';
import { type RunningWorker, startWorker } from './jobs/worker.js';
import { createLogger, type Logger } from './logger.js';
import { createServices } from './services.js';

export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

export interface Runner {
  port: number;
  url: string;
  log: Logger;
  stop(): Promise<void>;
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
  /** How long a stopping worker waits for its active jobs. */
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
  const secrets = secretValues(env);
  const log = createLogger(env.LOG_LEVEL, secrets, opts.logDestination);
  const redisOpts = { maxRetriesPerRequest: null, lazyConnect: false } as const;
  const redis = new Redis(env.REDIS_URL, redisOpts);
  redis.on('error', (err) => log.warn({ err: err.message }, 'redis error'));
  // The queue's own connection, without auto-pipelining: ioredis builds a Pipeline per batch that copies every
  // script BullMQ defines onto it, which costs more than the write it saves (bench/enqueue.bench.ts).
  const connection = new Redis(env.REDIS_URL, redisOpts);
  connection.on('error', (err) => log.warn({ err: err.message }, 'redis error'));
  const services = createServices(env, log, secrets, {
    redis,
    ...(opts.openCodeHooks ? { openCodeHooks: opts.openCodeHooks } : {}),
  });
  const queue = new JobQueue(connection, env.QUEUE_PREFIX, connection, env.OPENCODE_TIMEOUT);

  let worker: RunningWorker | undefined;
  if (role === 'all' || role === 'worker') {
    const subscriber = redis.duplicate();
    worker = await startWorker({
      connection: redis.duplicate(),
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
    const app = createApp({
      services,
      queue,
      redis,
      version: VERSION,
      role,
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
    stop() {
      stopping ??= (async () => {
        // Stop taking requests first, then let the worker finish what it holds.
        if (server) await new Promise<void>((r) => server!.close(() => r()));
        if (worker) await worker.close(opts.drainMs);
        await queue.close();
        await connection.quit().catch(() => undefined);
        await redis.quit().catch(() => undefined);
        services.close();
        log.info('runner stopped');
      })();
      return stopping;
    },
  };
}

/** Starts the runner and stops it gracefully on SIGTERM/SIGINT (the worker drains its active jobs). */
export async function runUntilSignal(env: Env, role?: StartOptions['role']): Promise<void> {
  const runner = await startRunner(env, { role });
  const shutdown = (signal: string) => {
    runner.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 60_000);
    force.unref();
    runner.stop().then(() => process.exit(0));
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}
