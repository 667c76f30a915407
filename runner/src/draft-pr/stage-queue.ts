/**
 * How the Draft PR pipeline meets the job queue: each runnable stage is one `draft_pr_stage` job, locked on
 * the ticket `draft-pr:<id>` so one stage of a job runs at a time.
 */
import { type RunnableStage, runnableStage } from '@augment/shared';
import { AppError } from '../errors.js';
import type { DraftPrJob } from '../store/draft-pr-store.js';

export const DRAFT_PR_STAGE_JOB = 'draft_pr_stage';

/** The queue ticket of a Draft PR job. */
export const draftPrTicket = (jobId: string) => `draft-pr:${jobId}`;

export type EnqueueFn = (type: string, input: Record<string, unknown>) => Promise<{ job_id: string }>;

export interface StageQueued {
  stage: RunnableStage;
  /** The queue job that runs the stage (the one already queued, when it was). */
  queue_job_id: string | null;
  already_queued: boolean;
}

/**
 * Queues the stage the job is ready to run, if any. A 409 from the queue means a stage job of this Draft
 * PR is already queued or running: it runs whatever stage is runnable when it finishes.
 */
export async function enqueueRunnableStage(enqueue: EnqueueFn, job: DraftPrJob): Promise<StageQueued | null> {
  const stage = runnableStage(job);
  if (!stage) return null;
  try {
    const view = await enqueue(DRAFT_PR_STAGE_JOB, { draft_pr_job_id: job.id, stage });
    return { stage, queue_job_id: view.job_id, already_queued: false };
  } catch (err) {
    if (err instanceof AppError && err.status === 409 && err.code === 'duplicate_job') {
      const existing = err.details?.existing_job_id;
      return { stage, queue_job_id: typeof existing === 'string' ? existing : null, already_queued: true };
    }
    throw err;
  }
}
