/**
 * The API side of the job system: enqueue with duplicate prevention, read status, list, cancel.
 * Duplicate prevention is one Lua script, so N simultaneous identical requests across any number of runner
 * processes register exactly one job.
 */
import { randomUUID } from 'node:crypto';
import { type Job, Queue, type QueueOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { AppError, notFound } from '../errors.js';
import type { Logger } from '../logger.js';
import { isRedisUnavailable, logErrors, redisUnavailable } from '../redis.js';
import { jobDefinition, jobTimeoutMs } from './catalog.js';
import { type JobKeys, jobKeys, LOCAL_TENANT } from './keys.js';

export const CANCELLED_REASON = 'cancelled by request';
const HISTORY_LIMIT = 50;
/** Job hashes read per pipeline when listing. */
const LIST_READ_BATCH = 500;
const RETENTION_SECONDS = 7 * 24 * 3600;

/** Data stored with each BullMQ job. Credentials are never in here: they sit under a separate expiring key. */
export interface JobData {
  input: Record<string, unknown>;
  ticket_keys: string[];
  has_credentials: boolean;
  /** Who asked: a Forge user (`forge:<account id>`) or the API key's id. */
  requested_by: string;
  /** The caller's tenant (one per Atlassian site): only it may read, cancel or collide with the job. */
  tenant?: string;
  /** The preview this job applies (see previews.ts): it writes exactly what the preview showed, or fails. */
  apply_preview?: string;
}

/** The tenant of a job; jobs queued before tenants existed belong to the environment's own site. */
export const tenantOf = (data: Pick<JobData, 'tenant'>): string => data.tenant ?? LOCAL_TENANT;

/** The tenant of a job from its stored (JSON) data; unreadable data belongs to no tenant. */
function tenantOfData(json: string): string | null {
  try {
    const data = JSON.parse(json) as Partial<JobData> | null;
    return data && typeof data === 'object' ? tenantOf(data) : null;
  } catch {
    return null;
  }
}

/** The BullMQ states a listing reads. */
type ListedState =
  | 'active'
  | 'waiting'
  | 'prioritized'
  | 'waiting-children'
  | 'delayed'
  | 'completed'
  | 'failed';

export type JobStatus = 'waiting' | 'active' | 'completed' | 'failed' | 'cancelled' | 'delayed';

export interface JobView {
  job_id: string;
  job_type: string;
  status: JobStatus;
  progress: { stage: string; percent: number; detail?: Record<string, unknown> };
  result: unknown;
  error: string | null;
  ticket_keys: string[];
  requested_by: string | null;
  attempts_made: number;
  max_attempts: number;
  dry_run: boolean | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

/**
 * How long a registration whose job is not in the queue still counts: the API registers first and queues
 * right after, so a missing job within this window may be on its way in; past it, the API died in between.
 */
const REGISTRATION_GRACE_MS = 60_000;
// KEYS: registration keys..., history keys...; ARGV: jobId, ttlMs, nowMs, n, job key prefix, graceMs,
// adoptAfterMs.
// A registration counts while its job has not ended: a job BullMQ recorded as completed or failed (whatever
// path got it there: a worker that died before releasing, a job failed for stalling) or one that never
// reached the queue no longer holds its tickets. Returns nil when registered, else {holder, adoptable}:
// adoptable (1) when every ticket is registered to one job that is not in the queue some seconds after it
// was registered, i.e. a request that registered but could not queue it (Redis went away, the request gave
// up): a new request queues that job.
const ACQUIRE = `
local n = tonumber(ARGV[4])
local now = tonumber(ARGV[3])
local unqueued = nil
local count = 0
for i = 1, n do
  local existing = redis.call('GET', KEYS[i])
  if existing then
    local ended
    local queued = redis.call('EXISTS', ARGV[5] .. existing) == 1
    if queued then
      ended = redis.call('ZSCORE', ARGV[5] .. 'completed', existing) or redis.call('ZSCORE', ARGV[5] .. 'failed', existing)
    else
      local at = redis.call('ZSCORE', KEYS[n + i], existing)
      ended = (not at) or (tonumber(at) + tonumber(ARGV[6]) < now)
      -- Registered moments ago: its request may still be queuing it.
      if not ended and tonumber(at) + tonumber(ARGV[7]) > now then return {existing, 0} end
    end
    if not ended then
      if queued or (unqueued and unqueued ~= existing) then return {existing, 0} end
      unqueued = existing
      count = count + 1
    end
  end
end
if unqueued then
  if count == n then return {unqueued, 1} end
  return {unqueued, 0}
end
for i = 1, n do
  redis.call('SET', KEYS[i], ARGV[1], 'PX', ARGV[2])
  redis.call('ZADD', KEYS[n + i], ARGV[3], ARGV[1])
  redis.call('ZREMRANGEBYRANK', KEYS[n + i], 0, -${HISTORY_LIMIT + 1})
  redis.call('PEXPIRE', KEYS[n + i], ${RETENTION_SECONDS * 1000})
end
return false
`;
// Deletes registration keys only if they still point at this job (a later job may own them).
const RELEASE = `
local released = 0
for i = 1, #KEYS do
  if redis.call('GET', KEYS[i]) == ARGV[1] then redis.call('DEL', KEYS[i]); released = released + 1 end
end
return released
`;

interface Scripts {
  augmentAcquire(numKeys: number, ...args: string[]): Promise<[string, number] | null>;
  augmentRelease(numKeys: number, ...args: string[]): Promise<number>;
}

/** Registers the scripts once per connection (EVALSHA afterwards, so each call sends only its arguments). */
function defineScripts(redis: Redis): Scripts {
  const r = redis as Redis & Partial<Scripts>;
  if (!r.augmentAcquire) redis.defineCommand('augmentAcquire', { lua: ACQUIRE });
  if (!r.augmentRelease) redis.defineCommand('augmentRelease', { lua: RELEASE });
  return {
    augmentAcquire: (n, ...a) => (redis as unknown as Scripts).augmentAcquire(n, ...a),
    augmentRelease: (n, ...a) => (redis as unknown as Scripts).augmentRelease(n, ...a),
  };
}

export interface EnqueueOptions {
  requestedBy: string;
  /** The caller's tenant: scopes the duplicate check, the ticket history and every later read. */
  tenant: string;
  /** Id of the preview the job applies. */
  applyPreview?: string;
  /** Atlassian credentials for this job (e.g. the Forge system token); kept out of job data and results. */
  credentials?: Record<string, unknown>;
}

export class JobQueue {
  readonly queue: Queue<JobData>;
  readonly keys: JobKeys;
  private readonly scripts: Scripts;

  constructor(
    private readonly redis: Redis,
    readonly prefix: string,
    connection: QueueOptions['connection'],
    /** OPENCODE_TIMEOUT: code-aware jobs may run this long, so their registrations must outlive it. */
    private readonly openCodeTimeoutMinutes = 20,
    /** Where the queue's connection errors go (JSON logs); without it BullMQ prints them to stderr. */
    log?: Logger,
  ) {
    this.keys = jobKeys(prefix);
    this.scripts = defineScripts(redis);
    this.queue = new Queue<JobData>(this.keys.queueName, { connection, prefix });
    if (log) logErrors(this.queue, log, 'queue');
  }

  /**
   * Registers the job's tickets and adds it to the queue; throws a 409 AppError carrying the existing job id
   * when any ticket already has an active job of this type. While Redis is unreachable it throws a 503
   * `redis_unavailable` at once (on the API's fail-fast connection); one that lost Redis after registering
   * names the job it meant (`details.job_id`), and the same request sent again queues that very job.
   */
  async enqueue(type: string, input: Record<string, unknown>, opts: EnqueueOptions): Promise<JobView> {
    const def = jobDefinition(type);
    if (!def) throw new AppError(400, 'unknown_job_type', `unknown job type ${type}`, { field: 'job_type' });
    this.assertReachable();
    const tickets = [...new Set(def.ticketKeys(input))];
    let jobId: string = randomUUID();
    // Registrations outlive the longest possible run (code-aware runs included) so they never lapse early.
    const ttlMs = jobTimeoutMs(def, input, this.openCodeTimeoutMinutes) * def.attempts + 10 * 60_000;
    const regKeys = tickets.map((t) => this.keys.active(opts.tenant, type, t));
    const histKeys = tickets.map((t) => this.keys.ticketHistory(opts.tenant, t));
    const held = await unavailableAs503(() =>
      this.scripts.augmentAcquire(
        regKeys.length * 2,
        ...regKeys,
        ...histKeys,
        jobId,
        String(ttlMs),
        String(Date.now()),
        String(regKeys.length),
        `${this.prefix}:${this.keys.queueName}:`,
        String(REGISTRATION_GRACE_MS),
        // Longer than a request that registered can still be queuing (its commands time out before).
        String(Math.max(5_000, 2 * (this.redis.options.commandTimeout ?? 0))),
      ),
    );
    if (held) {
      const [existing, adoptable] = held;
      if (Number(adoptable) !== 1) {
        throw new AppError(
          409,
          'duplicate_job',
          `a ${type} job is already running for ${tickets.join(', ')}`,
          {
            existing_job_id: existing,
            job_type: type,
            ticket_keys: tickets,
          },
        );
      }
      // An earlier request registered this job but lost Redis before it could confirm queuing it: queue it
      // now under that id (if the earlier add did land after all, BullMQ keeps that one: still one job).
      jobId = existing;
    }
    try {
      if (opts.credentials) {
        await this.redis.set(this.keys.credentials(jobId), JSON.stringify(opts.credentials), 'PX', ttlMs);
      }
      const job = await this.queue.add(
        type,
        {
          input,
          ticket_keys: tickets,
          has_credentials: Boolean(opts.credentials),
          requested_by: opts.requestedBy,
          tenant: opts.tenant,
          ...(opts.applyPreview ? { apply_preview: opts.applyPreview } : {}),
        },
        {
          jobId,
          attempts: def.attempts,
          backoff: def.backoff,
          removeOnComplete: { age: RETENTION_SECONDS, count: 10_000 },
          removeOnFail: { age: RETENTION_SECONDS, count: 10_000 },
        },
      );
      return toView(job, 'waiting', false);
    } catch (err) {
      if (isRedisUnavailable(err)) {
        // Whether the job reached the queue is unknown: keep the registration (it ends once the job ends,
        // or after the grace period if the job never arrived) and name the job.
        throw redisUnavailable(
          `Redis became unreachable while queuing job ${jobId}: it may not be queued. GET /jobs/${jobId} tells once Redis is back; sending the same request again queues this job (once)`,
          { job_id: jobId },
        );
      }
      await this.release(opts.tenant, type, tickets, jobId);
      await this.redis.del(this.keys.credentials(jobId));
      throw err;
    }
  }

  /**
   * On a fail-fast connection (the API's), a request meeting Redis away fails at once with a 503 instead of
   * waiting for the reconnection (BullMQ waits for a connection that is not ready).
   */
  private assertReachable(): void {
    if (this.redis.options.enableOfflineQueue === false && this.redis.status !== 'ready') {
      throw redisUnavailable();
    }
  }

  async release(tenant: string, type: string, tickets: string[], jobId: string): Promise<void> {
    if (tickets.length === 0) return;
    await this.scripts.augmentRelease(
      tickets.length,
      ...tickets.map((t) => this.keys.active(tenant, type, t)),
      jobId,
    );
  }

  /** The job as `tenant` may see it: a job of another tenant is as unknown as one that never existed. */
  async get(jobId: string, tenant: string): Promise<JobView> {
    this.assertReachable();
    const job = await this.queue.getJob(jobId);
    if (!job) {
      const removed = await this.redis.get(this.keys.cancelled(jobId));
      if (removed && removed !== '1') {
        const record = JSON.parse(removed) as { tenant?: string; view?: JobView } & Partial<JobView>;
        // Older records hold the bare view of a job of the environment's own site.
        const owner = record.view ? (record.tenant ?? LOCAL_TENANT) : LOCAL_TENANT;
        if (owner === tenant) return record.view ?? (record as JobView);
      }
      throw notFound(`job ${jobId}`);
    }
    if (tenantOf(job.data) !== tenant) throw notFound(`job ${jobId}`);
    return this.view(job);
  }

  async view(current: Job<JobData>): Promise<JobView> {
    let job = current;
    const state = await job.getState();
    // The job may have finished between reading its hash and its state: re-read it to get the result.
    if ((state === 'completed' || state === 'failed') && !job.finishedOn) {
      job = (await this.queue.getJob(String(job.id))) ?? job;
    }
    const cancelled = state === 'failed' && job.failedReason === CANCELLED_REASON;
    return toView(job, state, cancelled);
  }

  /**
   * A page of the tenant's jobs matching the filter, newest first, and `total`: how many match in all.
   * Every job in the states the filter names is counted from a pipelined read of the few fields the
   * filter needs (type, tenant, time, failure reason: never results), so the total is exact however many
   * jobs Redis holds; full views are read for the page only.
   */
  async list(filter: { tenant: string; status?: JobStatus; type?: string; offset: number; limit: number }) {
    this.assertReachable();
    const states: readonly ListedState[] =
      filter.status === 'cancelled' || filter.status === 'failed'
        ? ['failed']
        : filter.status === 'waiting'
          ? ['waiting', 'prioritized', 'waiting-children']
          : filter.status
            ? [filter.status]
            : ['active', 'waiting', 'prioritized', 'delayed', 'completed', 'failed'];
    const seen = new Set<string>();
    const ids: string[] = [];
    for (const state of states) {
      for (const id of await this.queue.getRanges([state], 0, -1)) {
        if (seen.has(id)) continue;
        seen.add(id);
        ids.push(id);
      }
    }
    const matching: { id: string; timestamp: number }[] = [];
    for (let i = 0; i < ids.length; i += LIST_READ_BATCH) {
      const batch = ids.slice(i, i + LIST_READ_BATCH);
      const pipeline = this.redis.pipeline();
      for (const id of batch)
        pipeline.hmget(this.queue.toKey(id), 'name', 'timestamp', 'failedReason', 'data');
      const replies = (await pipeline.exec()) ?? [];
      batch.forEach((id, k) => {
        const [err, fields] = replies[k] ?? [];
        if (err || !Array.isArray(fields)) return;
        const [name, timestamp, failedReason, data] = fields as (string | null)[];
        if (!name || !data) return; // removed since its id was read
        if (filter.type && name !== filter.type) return;
        if (tenantOfData(data) !== filter.tenant) return;
        if (filter.status === 'cancelled' && failedReason !== CANCELLED_REASON) return;
        if (filter.status === 'failed' && failedReason === CANCELLED_REASON) return;
        matching.push({ id, timestamp: Number(timestamp) || 0 });
      });
    }
    matching.sort((a, b) => b.timestamp - a.timestamp || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const jobs: JobView[] = [];
    for (const { id } of matching.slice(filter.offset, filter.offset + filter.limit)) {
      const job = await this.queue.getJob(id);
      if (job) jobs.push(await this.view(job));
    }
    return { jobs, total: matching.length };
  }

  /** The latest jobs that touched a ticket, newest first, with the active ones flagged. */
  async forTicket(tenant: string, ticket: string): Promise<JobView[]> {
    this.assertReachable();
    const ids = await this.redis.zrevrange(this.keys.ticketHistory(tenant, ticket), 0, HISTORY_LIMIT - 1);
    const views: JobView[] = [];
    for (const id of ids) {
      try {
        views.push(await this.get(id, tenant));
      } catch (err) {
        if (!(err instanceof AppError && err.status === 404)) throw err;
      }
    }
    return views;
  }

  /**
   * Cancels a job. A waiting job is removed at once; an active one is aborted through its AbortSignal by
   * whichever worker holds it (the request is broadcast to every worker).
   */
  async cancel(jobId: string, tenant: string): Promise<JobView> {
    this.assertReachable();
    const job = await this.queue.getJob(jobId);
    if (!job || tenantOf(job.data) !== tenant) throw notFound(`job ${jobId}`);
    const state = await job.getState();
    if (state === 'completed' || state === 'failed') {
      throw new AppError(409, 'job_finished', `job ${jobId} has already finished (${state})`, {
        status: state,
      });
    }
    if (state !== 'active') {
      try {
        const view = {
          ...toView(job, state, true),
          status: 'cancelled' as const,
          finished_at: new Date().toISOString(),
        };
        await job.remove();
        await this.redis.set(
          this.keys.cancelled(jobId),
          JSON.stringify({ tenant, view }),
          'EX',
          RETENTION_SECONDS,
        );
        await this.release(tenant, job.name, job.data.ticket_keys, jobId);
        await this.redis.del(this.keys.credentials(jobId));
        return view;
      } catch {
        // It became active between the state read and the removal: cancel it as an active job.
      }
    }
    await this.redis.set(this.keys.cancelled(jobId), '1', 'EX', RETENTION_SECONDS);
    await this.redis.publish(this.keys.cancelChannel, jobId);
    return { ...(await this.view(job)), status: 'active' };
  }

  async counts() {
    this.assertReachable();
    return this.queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed');
  }

  async close() {
    await this.queue.close();
  }
}

/** Runs a Redis call, turning "Redis unreachable" into the API's 503. */
async function unavailableAs503<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw isRedisUnavailable(err) ? redisUnavailable() : err;
  }
}

function iso(ms: number | undefined): string | null {
  return ms ? new Date(ms).toISOString() : null;
}

export function toView(job: Job<JobData>, state: string, cancelled: boolean): JobView {
  const p = job.progress;
  const progress =
    p && typeof p === 'object' && 'stage' in p
      ? (p as JobView['progress'])
      : { stage: typeof p === 'number' ? 'running' : 'queued', percent: typeof p === 'number' ? p : 0 };
  const status: JobStatus = cancelled
    ? 'cancelled'
    : state === 'prioritized' || state === 'waiting-children' || state === 'unknown'
      ? 'waiting'
      : (state as JobStatus);
  const dry = job.data.input?.dry_run;
  return {
    job_id: String(job.id),
    job_type: job.name,
    status,
    progress,
    result: job.returnvalue ?? null,
    error:
      status === 'failed' ? (job.failedReason ?? 'failed') : status === 'cancelled' ? CANCELLED_REASON : null,
    ticket_keys: job.data.ticket_keys ?? [],
    requested_by: job.data.requested_by ?? null,
    attempts_made: job.attemptsMade,
    max_attempts: job.opts.attempts ?? 1,
    dry_run: typeof dry === 'boolean' ? dry : null,
    created_at: new Date(job.timestamp).toISOString(),
    started_at: iso(job.processedOn),
    finished_at: iso(job.finishedOn),
  };
}
