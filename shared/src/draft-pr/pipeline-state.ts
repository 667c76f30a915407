/**
 * The Draft PR pipeline as a pure state machine:
 * PLAN -> APPROVAL -> APPLY -> VERIFY -> PACKAGE -> DRAFT_PR -> done, plus failed, cancelled, and retry
 * from the failed stage (or from APPLY, to re-apply the approved plan on a base branch that moved). The runner persists the state after every transition; a transition that is not
 * listed here is refused, so a duplicate or late delivery can never move a job backwards or skip a gate.
 */
import { z } from 'zod';

export const PIPELINE_STAGES = ['PLAN', 'APPROVAL', 'APPLY', 'VERIFY', 'PACKAGE', 'DRAFT_PR'] as const;
export const PipelineStage = z.enum(PIPELINE_STAGES);
export type PipelineStage = z.infer<typeof PipelineStage>;

/** Stages that run work (APPROVAL only waits for a person or the YOLO policy). */
export type RunnableStage = Exclude<PipelineStage, 'APPROVAL'>;

export const PipelineStatus = z.enum([
  'pending',
  'running',
  'awaiting_approval',
  'done',
  'failed',
  'cancelled',
]);
export type PipelineStatus = z.infer<typeof PipelineStatus>;

export const PipelineError = z.object({
  code: z.string(),
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type PipelineError = z.infer<typeof PipelineError>;

/**
 * `stage` is the stage the job is at: the one pending or running, APPROVAL while waiting, the failed
 * stage when failed, DRAFT_PR when done.
 */
export const PipelineState = z.object({
  stage: PipelineStage,
  status: PipelineStatus,
  error: PipelineError.nullable(),
});
export type PipelineState = z.infer<typeof PipelineState>;

export type PipelineEvent =
  | { type: 'start'; stage: PipelineStage }
  | { type: 'stage_succeeded'; stage: PipelineStage }
  | { type: 'stage_failed'; stage: PipelineStage; error: PipelineError }
  | { type: 'approve' }
  | { type: 'revise' }
  /**
   * Back to pending at the failed stage, or at `from`: an earlier stage from APPLY on (a retry that
   * re-applies the approved plan because the base branch moved). The approval is not touched.
   */
  | { type: 'retry'; from?: RunnableStage }
  | { type: 'cancel' };

export class IllegalTransitionError extends Error {
  constructor(
    readonly state: PipelineState,
    readonly event: PipelineEvent,
  ) {
    super(
      `cannot ${event.type}${'stage' in event ? ` ${event.stage}` : ''} while the job is ${state.status} at ${state.stage}`,
    );
    this.name = 'IllegalTransitionError';
  }
}

/** The state of a new job: PLAN, pending. */
export const INITIAL_PIPELINE_STATE: PipelineState = { stage: 'PLAN', status: 'pending', error: null };

const NEXT: Record<PipelineStage, PipelineStage | null> = {
  PLAN: 'APPROVAL',
  APPROVAL: 'APPLY',
  APPLY: 'VERIFY',
  VERIFY: 'PACKAGE',
  PACKAGE: 'DRAFT_PR',
  DRAFT_PR: null,
};

/** Stages after which a plan revision is still possible (the PR is not open yet). */
const REVISABLE_FAILED: ReadonlySet<PipelineStage> = new Set(['APPLY', 'VERIFY', 'PACKAGE', 'DRAFT_PR']);

/** The state after `event`, or null when the event is not allowed in `state`. */
export function nextPipelineState(state: PipelineState, event: PipelineEvent): PipelineState | null {
  const { stage, status } = state;
  switch (event.type) {
    case 'start':
      // `running` again is a resume after a crash or a redelivered job.
      if (event.stage === stage && stage !== 'APPROVAL' && (status === 'pending' || status === 'running')) {
        return { stage, status: 'running', error: null };
      }
      return null;
    case 'stage_succeeded': {
      if (event.stage !== stage || status !== 'running') return null;
      if (stage === 'PLAN') return { stage: 'APPROVAL', status: 'awaiting_approval', error: null };
      const next = NEXT[stage];
      return next ? { stage: next, status: 'pending', error: null } : { stage, status: 'done', error: null };
    }
    case 'stage_failed':
      if (event.stage !== stage || status !== 'running') return null;
      return { stage, status: 'failed', error: event.error };
    case 'approve':
      return stage === 'APPROVAL' && status === 'awaiting_approval'
        ? { stage: 'APPLY', status: 'pending', error: null }
        : null;
    case 'revise':
      if (
        status === 'awaiting_approval' ||
        (status === 'pending' && stage === 'APPLY') ||
        (status === 'failed' && REVISABLE_FAILED.has(stage))
      ) {
        return { stage: 'APPROVAL', status: 'awaiting_approval', error: null };
      }
      return null;
    case 'retry': {
      if (status !== 'failed') return null;
      const from = event.from ?? stage;
      if (from !== stage && (stageBefore(stage, from) || stageBefore(from, 'APPLY'))) return null;
      return { stage: from, status: 'pending', error: null };
    }
    case 'cancel':
      return status === 'done' || status === 'cancelled'
        ? null
        : { stage, status: 'cancelled', error: state.error };
  }
}

/** The state after `event`; throws {@link IllegalTransitionError} when the event is not allowed. */
export function transition(state: PipelineState, event: PipelineEvent): PipelineState {
  const next = nextPipelineState(state, event);
  if (!next) throw new IllegalTransitionError(state, event);
  return next;
}

/** True when `event` is allowed in `state`. */
export function canTransition(state: PipelineState, event: PipelineEvent): boolean {
  return nextPipelineState(state, event) !== null;
}

/** The stage a worker should run now (pending, or running after a crash), or null. */
export function runnableStage(state: PipelineState): RunnableStage | null {
  if ((state.status === 'pending' || state.status === 'running') && state.stage !== 'APPROVAL') {
    return state.stage;
  }
  return null;
}

/** True for done and cancelled: nothing can happen to the job any more. */
export function isTerminal(state: PipelineState): boolean {
  return state.status === 'done' || state.status === 'cancelled';
}

/** True when `stage` comes strictly before `other` in the pipeline. */
export function stageBefore(stage: PipelineStage, other: PipelineStage): boolean {
  return PIPELINE_STAGES.indexOf(stage) < PIPELINE_STAGES.indexOf(other);
}

/** Progress in percent: finished stages out of six; 100 when done. */
export function pipelineProgress(state: PipelineState): number {
  if (state.status === 'done') return 100;
  return Math.round((PIPELINE_STAGES.indexOf(state.stage) / PIPELINE_STAGES.length) * 100);
}
