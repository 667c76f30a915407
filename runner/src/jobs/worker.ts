/**
 * The worker side: runs processors with a cancellable, time-limited context, releases ticket registrations
 * when a job ends for good, and listens for cancellation broadcasts so any worker on any machine can abort
 * the job it holds.
 */
import { type ConnectionOptions, type Job, UnrecoverableError, WaitingError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { UsageRecord } from '../adapters/llm/index.js';
import { errorChainStack, isRetryable } from '../errors.js';
import { scrubSecrets } from '../logger.js';
import { closeConnection, logErrors } from '../redis.js';
import type { Services } from '../services.js';
import { jobDefinition, jobTimeoutMs } from './catalog.js';
import { jobLlm, type LlmTranscript, withUsage } from './job-llm.js';
import { jobKeys } from './keys.js';
import { isPreview, type PreviewRecord, PreviewStore, previewHash } from './previews.js';
import { CANCELLED_REASON, type JobData, JobQueue, tenantOf } from './queue.js';
import type { AnyProcessor, JobContext } from './types.js';

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
  /**
   * Stops taking jobs and waits up to `drainMs` for the active ones; those still running then are stopped
   * and handed back to the queue, for another worker to run from the start.
   */
  close(drainMs?: number): Promise<void>;
  /** Ends the drain now: active jobs are handed back at once (a second SIGTERM). */
  handBackNow(): void;
}

class TimeoutError extends Error {}

/** Why a worker gives a job back without finishing it. */
const STOPPING = 'runner stopping';
const LOCK_LOST = 'lock lost';
class HandedBack extends Error {}
/** How long handing the jobs back may take at the end of a drain. */
const HAND_BACK_MS = 15_000;

export async function startWorker(opts: WorkerOptions): Promise<RunningWorker> {
  const keys = jobKeys(opts.prefix);
  const log = opts.services.log.child({ component: 'worker' });
  const registry = new JobQueue(
    opts.redis,
    opts.prefix,
    opts.connection,
    opts.services.env.OPENCODE_TIMEOUT,
    log,
  );
  const previews = new PreviewStore(opts.redis, opts.prefix, opts.services.env.PREVIEW_TTL_SECONDS);

  /** Per active job: aborted to hand it back (worker stopping, or its lock lost while Redis was away). */
  const running = new Map<string, AbortController>();
  const lockKey = (job: Job<JobData>) => `${opts.prefix}:${keys.queueName}:${job.id}:lock`;
  /** Whether this worker still holds the job (another worker takes over a job whose lock lapsed). */
  const holdsLock = async (job: Job<JobData>, token?: string) =>
    !token || (await opts.redis.get(lockKey(job))) === token;

  const processJob = async (job: Job<JobData>, token?: string, signal?: AbortSignal) => {
    const id = String(job.id);
    const handBack = new AbortController();
    // This worker runs the job again (its lock had lapsed): an earlier run still going here stops.
    running.get(id)?.abort(LOCK_LOST);
    running.set(id, handBack);
    try {
      return await untilHandedBack(runJob(job, token, signal, handBack), handBack.signal);
    } catch (err) {
      if (!handBack.signal.aborted) throw err;
      await handOver(job, token, String(handBack.signal.reason));
      // Tells BullMQ the job left this worker without finishing: no attempt counted, nothing recorded.
      throw new WaitingError();
    } finally {
      if (running.get(id) === handBack) running.delete(id);
    }
  };

  /** Puts a job this worker stops running back in the queue, or leaves it to the worker that holds it now. */
  async function handOver(job: Job<JobData>, token: string | undefined, reason: string) {
    const jobLog = log.child({ job_id: job.id, job_type: job.name });
    if (reason !== STOPPING) {
      jobLog.warn(
        { reason },
        'job lock lost (Redis was away longer than the lock): its work stopped here, another worker runs it',
      );
      return;
    }
    try {
      if (!token || !(await holdsLock(job, token)))
        throw new Error('the job is no longer held by this worker');
      await job.moveToWait(token);
      jobLog.info({ reason }, 'job handed back to the queue');
    } catch (err) {
      jobLog.warn(
        { reason, err: (err as Error).message },
        'job not handed back: the stalled-job check gives it to another worker',
      );
    }
  }

  const runJob = async (
    job: Job<JobData>,
    token: string | undefined,
    signal: AbortSignal | undefined,
    handBack: AbortController,
  ) => {
    const def = jobDefinition(job.name);
    if (!def) throw new UnrecoverableError(`unknown job type ${job.name}`);
    const attempt = job.attemptsMade + 1;
    const jobLog = log.child({ job_id: job.id, job_type: job.name, attempt });
    if (await opts.redis.exists(keys.cancelled(String(job.id)))) {
      throw new UnrecoverableError(CANCELLED_REASON);
    }
    const parsed = def.schema.safeParse(job.data.input);
    if (!parsed.success) {
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
    const combined = AbortSignal.any([...(signal ? [signal] : []), timeout.signal, handBack.signal]);
    const checkLock = async () => {
      if (!(await holdsLock(job, token))) handBack.abort(LOCK_LOST);
      combined.throwIfAborted();
    };
    const credsRaw = job.data.has_credentials ? await opts.redis.get(keys.credentials(String(job.id))) : null;
    // The runner's configured secrets and this job's own (the Forge system token it calls Jira with).
    const secrets = [...opts.services.secrets, ...credentialSecrets(credsRaw)];
    const processor = opts.processorOverrides?.[job.name] ?? def.processor;
    const usage: UsageRecord[] = [];
    const transcript: LlmTranscript = {};
    try {
      jobLog.info('job started');
      const applying = job.data.apply_preview ? await previewToApply(job) : null;
      if (applying) transcript.replay = applying.llm;
      else if (isPreview(parsed.data)) transcript.record = [];
      const ctx: JobContext = {
        jobId: String(job.id),
        attempt,
        signal: combined,
        log: jobLog,
        services: opts.services,
        llm: jobLlm(opts.services.llm, usage, transcript),
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
          await checkLock();
          await job.updateProgress({
            stage,
            percent: Math.max(0, Math.min(100, Math.round(percent))),
            ...(detail ? { detail } : {}),
          });
        },
      };
      if (applying) await checkPreviewStillHolds(applying, job, ctx, processor, secrets);
      const result = scrubResult(withUsage(await processor(parsed.data, ctx), usage), secrets);
      const out = applying
        ? withFields(result, {
            applied_preview: { preview_id: applying.preview_id, preview_hash: applying.preview_hash },
          })
        : transcript.record && isRecord(result)
          ? withFields(result, { preview: await savePreview(job, parsed.data, result, transcript.record) })
          : result;
      // A result is recorded only by the worker that still holds the job.
      await checkLock();
      return out;
    } catch (err) {
      if (handBack.signal.aborted) throw err;
      if (signal?.aborted && signal.reason === CANCELLED_REASON) {
        jobLog.info('job cancelled');
        throw new UnrecoverableError(CANCELLED_REASON);
      }
      const unrecoverable = err instanceof UnrecoverableError || !isRetryable(err);
      const final = unrecoverable || attempt >= def.attempts;
      // The tickets are freed when BullMQ records the end (see the queue's end listener), not here.
      const failure = jobFailure(err, unrecoverable, (text) => scrubSecrets(text, secrets));
      jobLog.warn(
        {
          err: failure.message,
          ...(typeof (err as { code?: unknown })?.code === 'string'
            ? { code: (err as { code: string }).code }
            : {}),
          final,
          stack: failure.stack,
        },
        'job failed',
      );
      throw failure;
    } finally {
      clearTimeout(timer);
    }
  };

  /** The preview an apply job writes; gone (expired) or another tenant's, the job cannot do anything. */
  async function previewToApply(job: Job<JobData>): Promise<PreviewRecord> {
    const record = await previews.find(String(job.data.apply_preview));
    if (!record || record.tenant !== tenantOf(job.data) || record.job_type !== job.name) {
      throw new UnrecoverableError(
        'preview_expired: the preview expired before it was applied; preview again',
      );
    }
    return record;
  }

  /**
   * Rebuilds the preview with the model's recorded answers: a different result means the issues, pages or
   * team it was built from changed since it was reviewed, so applying it would write something not shown.
   */
  async function checkPreviewStillHolds(
    preview: PreviewRecord,
    job: Job<JobData>,
    ctx: JobContext,
    processor: AnyProcessor,
    secrets: readonly string[],
  ): Promise<void> {
    await ctx.progress('checking the preview', 1);
    const def = jobDefinition(job.name)!;
    const again = def.schema.parse({ ...job.data.input, dry_run: true });
    const rebuilt = scrubResult(await processor(again, ctx), secrets);
    if (previewHash(job.name, rebuilt) !== preview.preview_hash) {
      throw new UnrecoverableError(
        'preview_stale: what the preview showed has changed since it was reviewed (the issues, pages or team it was built from were edited); nothing was written, preview again',
      );
    }
  }

  async function savePreview(
    job: Job<JobData>,
    input: Record<string, unknown>,
    result: unknown,
    llm: LlmTranscript['record'],
  ) {
    return previews.save(
      {
        tenant: tenantOf(job.data),
        job_type: job.name,
        input,
        ticket_keys: job.data.ticket_keys,
        preview_job_id: String(job.id),
        requested_by: job.data.requested_by,
        llm: llm ?? [],
      },
      result,
    );
  }

  /**
   * Frees the job's tickets and drops its credentials once BullMQ has recorded its end (never before: until
   * then another worker may still be handed the job). Runs for every path to the end, including a job
   * BullMQ fails for stalling without calling the processor; a worker that dies before this runs leaves a
   * registration that the acquire script recognises as ended.
   */
  async function release(job: Job<JobData>) {
    try {
      await registry.release(tenantOf(job.data), job.name, job.data.ticket_keys, String(job.id));
      await opts.redis.del(keys.credentials(String(job.id)));
    } catch (err) {
      log.warn({ job_id: job.id, err: (err as Error).message }, 'could not free the tickets of an ended job');
    }
  }

  const worker = new Worker<JobData>(keys.queueName, processJob, {
    connection: opts.connection,
    prefix: opts.prefix,
    concurrency: opts.concurrency,
    lockDuration: opts.lockDurationMs ?? 30_000,
    stalledInterval: opts.stalledIntervalMs ?? 30_000,
    maxStalledCount: 2,
  });
  logErrors(worker, log, 'worker');
  // BullMQ could not extend a lock (it lapsed while Redis was away): another worker may run the job now.
  worker.on('lockRenewalFailed', (ids: string[]) => {
    for (const id of ids) running.get(id)?.abort(LOCK_LOST);
  });
  worker.on('completed', (job) => {
    // Logged once BullMQ has recorded the end: exactly one such line per completed job.
    log.info({ job_id: job.id, job_type: job.name, attempt: job.attemptsMade }, 'job completed');
    void release(job);
  });
  worker.on('failed', (job) => {
    // Also emitted for an attempt that will be retried: only a job that ended has finishedOn.
    if (job?.finishedOn) void release(job);
  });

  await opts.subscriber.subscribe(keys.cancelChannel);
  opts.subscriber.on('message', (channel, jobId) => {
    if (channel === keys.cancelChannel && worker.cancelJob(jobId, CANCELLED_REASON)) {
      log.info({ job_id: jobId }, 'cancelling job');
    }
  });
  await worker.waitUntilReady();

  let hurry: () => void = () => undefined;
  const hurried = new Promise<false>((resolve) => {
    hurry = () => resolve(false);
  });
  let closing: Promise<void> | undefined;
  return {
    worker,
    handBackNow: () => hurry(),
    close(drainMs = 30_000) {
      closing ??= (async () => {
        await closeConnection(opts.subscriber);
        // Drain: let active jobs finish; past the grace period (or on a second signal) stop their work and
        // put them back in the queue, where another worker starts them again at once.
        const closed = worker.close();
        let timer: NodeJS.Timeout | undefined;
        const drained = await Promise.race([
          closed.then(() => true),
          hurried,
          new Promise<false>((r) => {
            timer = setTimeout(() => r(false), drainMs);
          }),
        ]);
        clearTimeout(timer);
        if (!drained) {
          log.warn(
            { drain_ms: drainMs, job_ids: [...running.keys()] },
            'active jobs did not finish in time; handing them back to the queue',
          );
          for (const controller of running.values()) controller.abort(STOPPING);
          await Promise.race([closed, sleep(HAND_BACK_MS)]);
        }
        await Promise.race([registry.close(), sleep(2_000)]);
      })();
      return closing;
    },
  };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

/** The job's work, or a HandedBack rejection as soon as the job is handed back (the work is left behind). */
function untilHandedBack<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  work.catch(() => undefined);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new HandedBack(String(signal.reason)));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const withFields = (result: unknown, fields: Record<string, unknown>): unknown =>
  isRecord(result) ? { ...result, ...fields } : result;

/** Job results are stored in Redis and shown to users: no configured secret may survive in them. */
function scrubResult(result: unknown, secrets: readonly string[]): unknown {
  if (result === undefined || secrets.length === 0) return result ?? null;
  const json = JSON.stringify(result);
  const clean = scrubSecrets(json, secrets);
  return clean === json ? result : JSON.parse(clean);
}

/**
 * What BullMQ records for a failed attempt: the original error's message, and its stack followed by its
 * causes' stacks, secrets removed (BullMQ keeps them in Redis, where Bull Board shows them); the original
 * error stays as `cause` for in-process listeners. An UnrecoverableError when a retry cannot help (the
 * error says `retryable: false`), so BullMQ fails the job at once instead of spending its attempts.
 */
export function jobFailure(err: unknown, unrecoverable: boolean, scrub: (text: string) => string): Error {
  const message = scrub(err instanceof Error ? err.message : String(err));
  const failure = unrecoverable ? new UnrecoverableError(message) : new Error(message);
  failure.cause = err;
  failure.stack = errorChainStack(err, scrub);
  return failure;
}

/** The secret values of a job's credentials (the Forge system token), to scrub from its errors and result. */
export function credentialSecrets(raw: string | null): string[] {
  if (!raw) return [];
  try {
    const creds = JSON.parse(raw) as Record<string, unknown>;
    return Object.entries(creds)
      .filter(
        ([key, value]) =>
          /token|secret|password/i.test(key) && typeof value === 'string' && value.length >= 8,
      )
      .map(([, value]) => value as string);
  } catch {
    return [];
  }
}
