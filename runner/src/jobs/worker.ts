/**
 * The worker side: runs processors with a cancellable, time-limited context, releases ticket registrations
 * when a job ends for good, and listens for cancellation broadcasts so any worker on any machine can abort
 * the job it holds.
 */
import { type ConnectionOptions, type Job, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { UsageRecord } from '../adapters/llm/index.js';
import { scrubSecrets } from '../logger.js';
import type { Services } from '../services.js';
import { jobDefinition, jobTimeoutMs } from './catalog.js';
import { jobLlm, withUsage } from './job-llm.js';
import { jobKeys } from './keys.js';
import { CANCELLED_REASON, type JobData, JobQueue, tenantOf } from './queue.js';
import type { AnyProcessor } from './types.js';

export interface WorkerOptions {
  connection: ConnectionOptions;
  /** A connection for the cancellation subscription (it is put in subscriber mode). */
  subscriber: Redis;
  /** A normal connection for registrations and credentials. */
  redis: Redis;
  prefix: string;
  concurrency: number;
  services: Services;
  /** Replaces processors by job type (tests). */
  processorOverrides?: Partial<Record<string, AnyProcessor>>;
  lockDurationMs?: number;
  stalledIntervalMs?: number;
}

export interface RunningWorker {
  worker: Worker<JobData>;
  /** Stops taking jobs and waits up to `drainMs` for the active ones. */
  close(drainMs?: number): Promise<void>;
}

class TimeoutError extends Error {}

export async function startWorker(opts: WorkerOptions): Promise<RunningWorker> {
  const keys = jobKeys(opts.prefix);
  const log = opts.services.log.child({ component: 'worker' });
  const registry = new JobQueue(opts.redis, opts.prefix, opts.connection, opts.services.env.OPENCODE_TIMEOUT);

  const processJob = async (job: Job<JobData>, _token?: string, signal?: AbortSignal) => {
    const def = jobDefinition(job.name);
    if (!def) throw new UnrecoverableError(`unknown job type ${job.name}`);
    const attempt = job.attemptsMade + 1;
    const jobLog = log.child({ job_id: job.id, job_type: job.name, attempt });
    const finalise = () => release(job);
    if (await opts.redis.exists(keys.cancelled(String(job.id)))) {
      await finalise();
      throw new UnrecoverableError(CANCELLED_REASON);
    }
    const parsed = def.schema.safeParse(job.data.input);
    if (!parsed.success) {
      await finalise();
      throw new UnrecoverableError(
        `invalid job input: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      );
    }
    const timeoutMs = jobTimeoutMs(def, parsed.data, opts.services.env.OPENCODE_TIMEOUT);
    const timeout = new AbortController();
    const timer = setTimeout(
      () => timeout.abort(new TimeoutError(`timed out after ${timeoutMs} ms`)),
      timeoutMs,
    );
    const combined = signal ? AbortSignal.any([signal, timeout.signal]) : timeout.signal;
    const credsRaw = job.data.has_credentials ? await opts.redis.get(keys.credentials(String(job.id))) : null;
    const processor = opts.processorOverrides?.[job.name] ?? def.processor;
    const usage: UsageRecord[] = [];
    try {
      jobLog.info('job started');
      const result = await processor(parsed.data, {
        jobId: String(job.id),
        attempt,
        signal: combined,
        log: jobLog,
        services: opts.services,
        llm: jobLlm(opts.services.llm, usage),
        usage,
        tenant: tenantOf(job.data),
        credentials: credsRaw ? (JSON.parse(credsRaw) as Record<string, unknown>) : undefined,
        enqueue: async (type, input) => {
          // Hand over the tickets this job shares with its follow-up, or the follow-up would be a duplicate.
          const shared = (jobDefinition(type)?.ticketKeys(input) ?? []).filter((t) =>
            job.data.ticket_keys.includes(t),
          );
          if (type === job.name && shared.length)
            await registry.release(tenantOf(job.data), type, shared, String(job.id));
          return registry.enqueue(type, input, {
            requestedBy: job.data.requested_by,
            tenant: tenantOf(job.data),
            credentials: credsRaw ? (JSON.parse(credsRaw) as Record<string, unknown>) : undefined,
          });
        },
        progress: async (stage, percent, detail) => {
          combined.throwIfAborted();
          await job.updateProgress({
            stage,
            percent: Math.max(0, Math.min(100, Math.round(percent))),
            ...(detail ? { detail } : {}),
          });
        },
      });
      await finalise();
      jobLog.info('job completed');
      return scrubResult(withUsage(result, usage), opts.services.secrets);
    } catch (err) {
      if (signal?.aborted && signal.reason === CANCELLED_REASON) {
        await finalise();
        jobLog.info('job cancelled');
        throw new UnrecoverableError(CANCELLED_REASON);
      }
      const message = scrubSecrets(err instanceof Error ? err.message : String(err), opts.services.secrets);
      const unrecoverable = err instanceof UnrecoverableError || !isRetryable(err);
      if (unrecoverable || attempt >= def.attempts) await finalise();
      jobLog.warn({ err: message, final: unrecoverable || attempt >= def.attempts }, 'job failed');
      throw unrecoverable ? new UnrecoverableError(message) : new Error(message);
    } finally {
      clearTimeout(timer);
    }
  };

  async function release(job: Job<JobData>) {
    await registry.release(tenantOf(job.data), job.name, job.data.ticket_keys, String(job.id));
    await opts.redis.del(keys.credentials(String(job.id)));
  }

  const worker = new Worker<JobData>(keys.queueName, processJob, {
    connection: opts.connection,
    prefix: opts.prefix,
    concurrency: opts.concurrency,
    lockDuration: opts.lockDurationMs ?? 30_000,
    stalledInterval: opts.stalledIntervalMs ?? 30_000,
    maxStalledCount: 2,
  });
  worker.on('error', (err) => log.error({ err: err.message }, 'worker error'));

  await opts.subscriber.subscribe(keys.cancelChannel);
  opts.subscriber.on('message', (channel, jobId) => {
    if (channel === keys.cancelChannel && worker.cancelJob(jobId, CANCELLED_REASON)) {
      log.info({ job_id: jobId }, 'cancelling job');
    }
  });
  await worker.waitUntilReady();

  return {
    worker,
    async close(drainMs = 30_000) {
      await opts.subscriber.quit().catch(() => undefined);
      // Drain: let active jobs finish; past the grace period leave them to the stalled-job check, which
      // hands them to another worker (the same path as a crashed worker).
      let timer: NodeJS.Timeout | undefined;
      const drained = await Promise.race([
        worker.close().then(() => true),
        new Promise<false>((r) => {
          timer = setTimeout(() => r(false), drainMs);
        }),
      ]);
      clearTimeout(timer);
      if (!drained) {
        log.warn({ drain_ms: drainMs }, 'active jobs did not finish in time; leaving them to another worker');
        await worker.close(true);
      }
      await registry.close();
    },
  };
}

/** Job results are stored in Redis and shown to users: no configured secret may survive in them. */
function scrubResult(result: unknown, secrets: readonly string[]): unknown {
  if (result === undefined || secrets.length === 0) return result ?? null;
  const json = JSON.stringify(result);
  const clean = scrubSecrets(json, secrets);
  return clean === json ? result : JSON.parse(clean);
}

/**
 * A retry cannot fix bad input, a missing issue or a refused permission (4xx other than 429); it can fix
 * rate limits, outages and lost connections.
 */
export function isRetryable(err: unknown): boolean {
  const e = err as { retryable?: unknown; httpStatus?: unknown; status?: unknown };
  if (typeof e?.retryable === 'boolean') return e.retryable;
  const status = typeof e?.httpStatus === 'number' ? e.httpStatus : e?.status;
  return !(typeof status === 'number' && status >= 400 && status < 500 && status !== 429);
}
