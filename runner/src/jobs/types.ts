import type { Llm, UsageRecord } from '../adapters/llm/index.js';
import type { Logger } from '../logger.js';
import type { Services } from '../services.js';

/** What a processor gets besides its validated input. */
export interface JobContext {
  jobId: string;
  /** 1-based attempt number (BullMQ attemptsMade + 1). */
  attempt: number;
  /** Aborted when the job is cancelled (DELETE /jobs/{id}) or times out, on whichever worker holds it. */
  signal: AbortSignal;
  /** Reports a stage and a percentage (0-100); shown by GET /jobs/{id} and the SSE stream. */
  progress(stage: string, percent: number, detail?: Record<string, unknown>): Promise<void>;
  log: Logger;
  services: Services;
  /** The LLM facade for this job: every call's provider, model, tokens and duration land in `usage`. */
  llm: Pick<Llm, 'generate' | 'isConfigured'> & Partial<Pick<Llm, 'size'>>;
  usage: UsageRecord[];
  /** The caller's tenant (one per Atlassian site): team members, timelines and follow-up jobs are its own. */
  tenant: string;
  /** Atlassian credentials handed over by the caller (e.g. the Forge system token), if any. */
  credentials?: Record<string, unknown>;
  /**
   * Queues a follow-up job with this job's requester and credentials. A follow-up of the same type on the
   * same tickets takes this job's registration over; a 409 AppError means such a job is already queued.
   */
  enqueue(type: string, input: Record<string, unknown>): Promise<{ job_id: string }>;
}

export type Processor<I = unknown, O = unknown> = (input: I, ctx: JobContext) => Promise<O>;

/** A processor of some job type; its input is the job type's validated request body. */
// biome-ignore lint/suspicious/noExplicitAny: each entry narrows its own input; the catalog validates first
export type AnyProcessor = Processor<any, unknown>;
