/**
 * Runs a job type's processor in the calling process (for `async_mode: false`), with the same validation,
 * time limit and result scrubbing as a queued job.
 */
import { randomUUID } from 'node:crypto';
import type { UsageRecord } from '../adapters/llm/index.js';
import { AppError } from '../errors.js';
import { scrubSecrets } from '../logger.js';
import type { Services } from '../services.js';
import { jobDefinition, jobTimeoutMs } from './catalog.js';
import { jobLlm, withUsage } from './job-llm.js';
import type { JobQueue } from './queue.js';

export async function runInline(
  type: string,
  input: Record<string, unknown>,
  opts: {
    services: Services;
    /** The caller's tenant and who asked, for the stores the processor reads and its follow-up jobs. */
    tenant: string;
    requestedBy: string;
    credentials?: Record<string, unknown>;
    signal?: AbortSignal;
    /** For processors that queue follow-up jobs; without it they are refused with a 400. */
    queue?: Pick<JobQueue, 'enqueue'>;
  },
): Promise<{ job_type: string; execution_time_ms: number; result: unknown }> {
  const def = jobDefinition(type);
  if (!def) throw new Error(`unknown job type ${type}`);
  const parsed = def.schema.parse(input);
  const timeout = AbortSignal.timeout(jobTimeoutMs(def, parsed, opts.services.env.OPENCODE_TIMEOUT));
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  const jobId = `inline-${randomUUID()}`;
  const started = performance.now();
  const usage: UsageRecord[] = [];
  const result = await def.processor(parsed, {
    jobId,
    attempt: 1,
    signal,
    log: opts.services.log.child({ job_id: jobId, job_type: type, inline: true }),
    services: opts.services,
    llm: jobLlm(opts.services.llm, usage),
    usage,
    tenant: opts.tenant,
    credentials: opts.credentials,
    enqueue: async (followUp, followUpInput) => {
      if (!opts.queue) {
        throw new AppError(400, 'async_required', `${type} queues follow-up jobs: use async_mode`, {
          field: 'async_mode',
        });
      }
      return opts.queue.enqueue(followUp, followUpInput, {
        requestedBy: opts.requestedBy,
        tenant: opts.tenant,
        credentials: opts.credentials,
      });
    },
    progress: async () => signal.throwIfAborted(),
  });
  const json = JSON.stringify(withUsage(result, usage) ?? null);
  const clean = scrubSecrets(json, opts.services.secrets);
  return {
    job_type: type,
    execution_time_ms: Math.round(performance.now() - started),
    result: JSON.parse(clean),
  };
}
