/**
 * The two model-facing seams of the pipeline. A `Planner` writes and revises plans; a `ChangeProducer`
 * turns an approved plan into concrete edits at APPLY. The rule-based implementations here work offline;
 * LLM- and OpenCode-backed ones implement the same interfaces later.
 *
 * Where the edits come from: a plan may carry them (`plan.changes`, covered by the plan hash, so the
 * approver saw the exact content); otherwise the producer makes them at APPLY, either by returning
 * changes or by editing the workspace directly (a code agent). Either way the plan-apply guard holds the
 * real diff to the approved scope before anything is committed.
 */
import {
  buildRuleBasedPlan,
  type DraftPrPlan,
  type DraftPrStory,
  type FileChange,
  type PlanFeedback,
  type RepoSnapshot,
  reviseRuleBasedPlan,
} from '@augment/shared';
import type { GitWorkspace } from '../adapters/git/index.js';
import { AppError } from '../errors.js';

export interface PlanRequest {
  story: DraftPrStory;
  snapshot: RepoSnapshot;
  /** URLs of the job's other repositories (context for cross-repo impacts). */
  otherRepos: string[];
  /** The story branch the PR will come from. */
  branch: string;
  signal?: AbortSignal;
}

export interface RevisionRequest {
  plan: DraftPrPlan;
  feedback: PlanFeedback;
  story: DraftPrStory;
  signal?: AbortSignal;
}

export interface Planner {
  createPlan(request: PlanRequest): Promise<DraftPrPlan>;
  revisePlan(request: RevisionRequest): Promise<DraftPrPlan>;
}

export interface ProduceRequest {
  plan: DraftPrPlan;
  story: DraftPrStory;
  /** The checked-out story branch; a producer may read it or edit `workspace.dir` directly. */
  workspace: GitWorkspace;
  signal?: AbortSignal;
}

export interface ChangeProducer {
  /** The edits to write; an empty list when the producer edited the workspace itself. */
  produce(request: ProduceRequest): Promise<FileChange[]>;
}

export class RuleBasedPlanner implements Planner {
  constructor(
    private readonly verification: {
      test_command?: string;
      lint_command?: string;
      build_command?: string;
    } = {},
  ) {}

  async createPlan(request: PlanRequest): Promise<DraftPrPlan> {
    return buildRuleBasedPlan(request.story, request.snapshot, {
      verification: this.verification,
      otherRepos: request.otherRepos,
      branch: request.branch,
    });
  }

  async revisePlan(request: RevisionRequest): Promise<DraftPrPlan> {
    return reviseRuleBasedPlan(request.plan, request.feedback, request.story);
  }
}

export class MissingChangesError extends AppError {
  declare readonly code: 'no_changes';
  constructor() {
    super(
      422,
      'no_changes',
      'the plan carries no file changes and no code-aware change producer is configured',
    );
    this.name = 'MissingChangesError';
  }
}

/** Uses the edits the plan carries; refuses a plan with scope but no edits (nothing could apply it). */
export class PlanChangesProducer implements ChangeProducer {
  async produce(request: ProduceRequest): Promise<FileChange[]> {
    if (!request.plan.changes.length) throw new MissingChangesError();
    return request.plan.changes;
  }
}
