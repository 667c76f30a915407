/**
 * `draft_pr_stage`: runs one stage of a Draft PR job through the engine, then queues the next runnable
 * stage (handing this job's ticket over to it). A delivery for a stage the job is not at (a duplicate, or
 * one overtaken by a cancel or a revision) is discarded.
 */
import { type DraftPrStageInput, runnableStage } from '@augment/shared';
import { enqueueRunnableStage } from '../../draft-pr/stage-queue.js';
import { AppError } from '../../errors.js';
import type { Processor } from '../types.js';

export const draftPrStageProcessor: Processor<DraftPrStageInput> = async (input, ctx) => {
  const engine = ctx.services.draftPrFor(ctx.credentials);
  const jobId = input.draft_pr_job_id;
  await ctx.progress(input.stage, 0, { draft_pr_job_id: jobId });
  let discarded: string | null = null;
  try {
    await engine.runStage(jobId, input.stage, { signal: ctx.signal });
  } catch (err) {
    // The job is elsewhere in the pipeline (409) or gone (404): nothing for this delivery to do.
    if (!(err instanceof AppError && (err.status === 409 || err.status === 404))) throw err;
    if (err.status === 404) return { draft_pr_job_id: jobId, stage: input.stage, discarded: err.message };
    discarded = err.message;
  }
  // Read again: a retry or an approval may have happened while the stage ran.
  const job = engine.store.requireJob(jobId);
  const next = runnableStage(job) ? await enqueueRunnableStage(ctx.enqueue, job) : null;
  await ctx.progress(input.stage, 100, { draft_pr_job_id: jobId });
  return {
    draft_pr_job_id: jobId,
    stage: input.stage,
    ...(discarded ? { discarded } : {}),
    status: job.status,
    at_stage: job.stage,
    error: job.error,
    next_stage: next?.stage ?? null,
  };
};
