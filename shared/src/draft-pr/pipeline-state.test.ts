import { describe, expect, it } from 'vitest';
import {
  canTransition,
  IllegalTransitionError,
  INITIAL_PIPELINE_STATE,
  type PipelineEvent,
  type PipelineState,
  pipelineProgress,
  runnableStage,
  transition,
} from './pipeline-state.js';

const run = (state: PipelineState, ...events: PipelineEvent[]) => events.reduce(transition, state);
const error = { code: 'verify_failed', message: 'tests failed' };

describe('transition', () => {
  it('walks the whole pipeline from PLAN to done', () => {
    let s = run(
      INITIAL_PIPELINE_STATE,
      { type: 'start', stage: 'PLAN' },
      { type: 'stage_succeeded', stage: 'PLAN' },
    );
    expect(s).toEqual({ stage: 'APPROVAL', status: 'awaiting_approval', error: null });
    s = transition(s, { type: 'approve' });
    expect(s).toEqual({ stage: 'APPLY', status: 'pending', error: null });
    for (const stage of ['APPLY', 'VERIFY', 'PACKAGE', 'DRAFT_PR'] as const) {
      expect(runnableStage(s)).toBe(stage);
      s = run(s, { type: 'start', stage }, { type: 'stage_succeeded', stage });
    }
    expect(s).toEqual({ stage: 'DRAFT_PR', status: 'done', error: null });
    expect(pipelineProgress(s)).toBe(100);
  });

  it('refuses to skip the approval gate or run a stage out of order', () => {
    const waiting: PipelineState = { stage: 'APPROVAL', status: 'awaiting_approval', error: null };
    expect(() => transition(waiting, { type: 'start', stage: 'APPLY' })).toThrow(IllegalTransitionError);
    expect(() => transition(INITIAL_PIPELINE_STATE, { type: 'start', stage: 'VERIFY' })).toThrow(
      'cannot start VERIFY while the job is pending at PLAN',
    );
    expect(canTransition(INITIAL_PIPELINE_STATE, { type: 'approve' })).toBe(false);
    expect(canTransition({ stage: 'APPLY', status: 'pending', error: null }, { type: 'approve' })).toBe(
      false,
    );
  });

  it('lets a crashed stage be started again (resume) but not a finished one', () => {
    const running: PipelineState = { stage: 'APPLY', status: 'running', error: null };
    expect(transition(running, { type: 'start', stage: 'APPLY' })).toEqual(running);
    const after = transition(running, { type: 'stage_succeeded', stage: 'APPLY' });
    expect(canTransition(after, { type: 'start', stage: 'APPLY' })).toBe(false);
  });

  it('fails at a stage and retries from that same stage', () => {
    const failed = run(
      { stage: 'VERIFY', status: 'pending', error: null },
      { type: 'start', stage: 'VERIFY' },
      { type: 'stage_failed', stage: 'VERIFY', error },
    );
    expect(failed).toEqual({ stage: 'VERIFY', status: 'failed', error });
    expect(runnableStage(failed)).toBeNull();
    expect(transition(failed, { type: 'retry' })).toEqual({
      stage: 'VERIFY',
      status: 'pending',
      error: null,
    });
    expect(canTransition({ stage: 'VERIFY', status: 'running', error: null }, { type: 'retry' })).toBe(false);
  });

  it('retries a failed later stage from APPLY, but never before the approval nor past the failed stage', () => {
    const failed = {
      stage: 'VERIFY' as const,
      status: 'failed' as const,
      error: { code: 'x', message: 'y' },
    };
    expect(transition(failed, { type: 'retry', from: 'APPLY' })).toEqual({
      stage: 'APPLY',
      status: 'pending',
      error: null,
    });
    expect(canTransition(failed, { type: 'retry', from: 'PLAN' })).toBe(false);
    expect(canTransition(failed, { type: 'retry', from: 'DRAFT_PR' })).toBe(false);
    expect(canTransition({ ...failed, stage: 'PLAN' }, { type: 'retry', from: 'PLAN' })).toBe(true);
  });

  it('sends a revision back to approval from the gate, before APPLY, or after a later failure', () => {
    const back = { stage: 'APPROVAL', status: 'awaiting_approval', error: null };
    expect(
      transition({ stage: 'APPROVAL', status: 'awaiting_approval', error: null }, { type: 'revise' }),
    ).toEqual(back);
    expect(transition({ stage: 'APPLY', status: 'pending', error: null }, { type: 'revise' })).toEqual(back);
    expect(transition({ stage: 'VERIFY', status: 'failed', error }, { type: 'revise' })).toEqual(back);
    expect(canTransition({ stage: 'APPLY', status: 'running', error: null }, { type: 'revise' })).toBe(false);
    expect(canTransition({ stage: 'DRAFT_PR', status: 'done', error: null }, { type: 'revise' })).toBe(false);
    expect(canTransition({ stage: 'PLAN', status: 'failed', error }, { type: 'revise' })).toBe(false);
  });

  it('cancels any job that is not finished, and nothing moves a cancelled job', () => {
    const cancelled = transition({ stage: 'APPLY', status: 'running', error: null }, { type: 'cancel' });
    expect(cancelled.status).toBe('cancelled');
    for (const e of [
      { type: 'cancel' },
      { type: 'retry' },
      { type: 'approve' },
      { type: 'revise' },
      { type: 'start', stage: 'APPLY' },
      { type: 'stage_succeeded', stage: 'APPLY' },
    ] as PipelineEvent[]) {
      expect(canTransition(cancelled, e)).toBe(false);
    }
    expect(canTransition({ stage: 'DRAFT_PR', status: 'done', error: null }, { type: 'cancel' })).toBe(false);
  });

  it('ignores a success report for a stage the job is not running', () => {
    expect(
      canTransition(
        { stage: 'VERIFY', status: 'running', error: null },
        { type: 'stage_succeeded', stage: 'APPLY' },
      ),
    ).toBe(false);
    expect(
      canTransition(
        { stage: 'VERIFY', status: 'pending', error: null },
        { type: 'stage_succeeded', stage: 'VERIFY' },
      ),
    ).toBe(false);
  });
});
