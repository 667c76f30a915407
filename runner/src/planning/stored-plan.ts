/**
 * The task plan stored on a story (issue property `augment.task-plan`) and when it may be reused.
 *
 * A real run stores each story's generated plan, so a re-run or a retried job makes the same tasks and
 * finds them instead of duplicating them. A stored plan is reused only for a request with the same inputs
 * that shape a plan: the story's content, the additional context, tests on/off and the coverage level,
 * the maximum task length, the repositories and the generator (rules, a provider and model, or OpenCode).
 * Any difference makes a new plan, and so does `regenerate: true` (except in a retry of the job that
 * already regenerated it: a retry must create nothing twice). Every lookup says why the stored plan was,
 * or was not, used.
 */
import { createHash } from 'node:crypto';
import {
  CoverageLevel,
  canonicalJson,
  type RepoSpec,
  type Story,
  StoryType,
  TeamTask,
} from '@augment/shared';
import { z } from 'zod';
import { AtlassianError } from '../adapters/http/index.js';
import type { JiraClient } from '../adapters/jira/index.js';
import { codeAwareEnabled } from '../code-aware/code-aware.js';
import type { JobContext } from '../jobs/types.js';
import type { StoryTaskResult, TaskOptions } from './generate.js';
import type { LlmChoice } from './structured.js';

/** The issue property holding the task plan generated for a story. */
export const TASK_PLAN_PROPERTY = 'augment.task-plan';
/** Jira limits an issue property value to 32 KB. */
const PROPERTY_LIMIT = 30_000;

const sha = (text: string, chars = 32) => createHash('sha256').update(text).digest('hex').slice(0, chars);

/** What a story's task plan is made from, with long texts as hashes. */
export const PlanInputs = z.object({
  /** Title, description and acceptance criteria of the story. */
  story: z.string(),
  additional_context: z.string().nullable(),
  include_tests: z.boolean(),
  coverage_level: CoverageLevel,
  max_task_cycle_days: z.number(),
  /** `url` or `url#branch`, sorted. */
  repos: z.array(z.string()),
  /** `rules`, `<provider>:<model>`, or `opencode:<provider>:<model>` with repositories. */
  generator: z.string(),
});
export type PlanInputs = z.infer<typeof PlanInputs>;

const StoredPlan = z.object({
  version: z.literal(2),
  key: z.string(),
  inputs: PlanInputs,
  job_id: z.string(),
  stored_at: z.string(),
  engine: z.string(),
  story_types: z.array(StoryType),
  tasks: z.array(TeamTask),
  proposed: z.array(z.object({ from: z.string(), to: z.string(), reason: z.string().optional() })),
});
export type StoredPlan = z.infer<typeof StoredPlan>;

/** Whether the stored plan answered a request, and why (shown per story in the result). */
export interface StoredPlanUse {
  used: boolean;
  reason: string;
  /** The inputs that differ from the stored plan's, when that is why it was not used. */
  changed: (keyof PlanInputs)[];
  stored_at: string | null;
  stored_by_job: string | null;
}

const repoText = (r: RepoSpec) => (typeof r === 'string' ? r : r.branch ? `${r.url}#${r.branch}` : r.url);

/**
 * Which generator a request would use: OpenCode (its provider and model) when it names repositories and
 * OpenCode is on, else the requested or default LLM provider and model, else the rules.
 */
export function generatorOf(ctx: JobContext, choice: LlmChoice): string {
  if (codeAwareEnabled(ctx, choice.repos)) {
    try {
      const { provider, model } = ctx.services.openCode.config().llm;
      return `opencode:${provider}:${model}`;
    } catch {
      // An incomplete OpenCode configuration fails the run itself, with the variables it misses.
      return 'opencode:unconfigured';
    }
  }
  const requested = choice.llm_provider?.trim().toLowerCase();
  if (requested === 'none' || requested === 'rules') return 'rules';
  const listing = ctx.services.llm.listModels();
  const name = requested || listing.default_provider;
  const info = listing.providers.find((p) => p.provider === name);
  if (!info?.configured) return 'rules';
  return `${info.provider}:${choice.llm_model?.trim() || info.model}`;
}

/** The inputs of one story's plan for a request. */
export function planInputs(
  story: Story,
  opts: Pick<TaskOptions, 'include_tests' | 'coverage_level' | 'max_task_cycle_days'>,
  choice: LlmChoice,
  generator: string,
): PlanInputs {
  const context = choice.additional_context?.trim();
  return {
    story: sha(canonicalJson([story.title, story.description, story.acceptance_criteria])),
    additional_context: context ? sha(context) : null,
    include_tests: opts.include_tests,
    coverage_level: opts.coverage_level,
    max_task_cycle_days: opts.max_task_cycle_days,
    repos: (choice.repos ?? []).map(repoText).sort(),
    generator,
  };
}

export const planKey = (inputs: PlanInputs): string => sha(canonicalJson(inputs));

/** How an input reads in a reason. */
function describeInput(field: keyof PlanInputs, inputs: PlanInputs): string {
  switch (field) {
    case 'story':
      return 'the story content';
    case 'additional_context':
      return inputs.additional_context ? 'additional_context' : 'no additional_context';
    case 'include_tests':
      return inputs.include_tests ? 'with tests' : 'without tests';
    case 'coverage_level':
      return `coverage_level ${inputs.coverage_level}`;
    case 'max_task_cycle_days':
      return `max_task_cycle_days ${inputs.max_task_cycle_days}`;
    case 'repos':
      return inputs.repos.length > 0 ? `repos ${inputs.repos.join(', ')}` : 'no repos';
    case 'generator':
      return `generator ${inputs.generator}`;
  }
}

const FIELDS = Object.keys(PlanInputs.shape) as (keyof PlanInputs)[];

/** "max_task_cycle_days 3 -> 2", or "the story content changed" for the one input kept as a hash. */
function describeChange(field: keyof PlanInputs, from: PlanInputs, to: PlanInputs): string {
  if (field === 'story') return 'the story content changed';
  if (field === 'additional_context' && from.additional_context && to.additional_context)
    return 'additional_context changed';
  return `${describeInput(field, from)} -> ${describeInput(field, to)}`;
}

const notUsed = (reason: string, extra: Partial<StoredPlanUse> = {}): StoredPlanUse => ({
  used: false,
  reason,
  changed: [],
  stored_at: null,
  stored_by_job: null,
  ...extra,
});

/**
 * The story's stored plan when the request may reuse it, and why it was or was not used. With
 * `regenerate`, a plan stored by this same job (an earlier attempt) is still reused.
 */
export async function findStoredPlan(
  jira: JiraClient,
  storyKey: string,
  wanted: PlanInputs,
  opts: { regenerate: boolean; jobId: string },
): Promise<{ plan: StoredPlan | null; use: StoredPlanUse }> {
  let raw: unknown;
  try {
    raw = await jira.getIssueProperty(storyKey, TASK_PLAN_PROPERTY);
  } catch (err) {
    if (err instanceof AtlassianError && (err.code === 'not_found' || err.code === 'bad_request')) raw = null;
    else throw err;
  }
  if (raw === null || raw === undefined)
    return { plan: null, use: notUsed('no plan is stored on the story') };
  const parsed = StoredPlan.safeParse(raw);
  if (!parsed.success) {
    return {
      plan: null,
      use: notUsed('the stored plan does not record the inputs it was made from (an older format)'),
    };
  }
  const plan = parsed.data;
  const meta = { stored_at: plan.stored_at, stored_by_job: plan.job_id };
  if (opts.regenerate) {
    if (plan.job_id === opts.jobId && plan.key === planKey(wanted)) {
      return {
        plan,
        use: {
          used: true,
          reason:
            'regenerate was asked for, and an earlier attempt of this job already made and stored this plan: ' +
            'reused so that the retry creates nothing twice',
          changed: [],
          ...meta,
        },
      };
    }
    return { plan: null, use: notUsed('regenerate: true asks for a new plan', meta) };
  }
  if (plan.key !== planKey(wanted)) {
    const changed = FIELDS.filter((f) => canonicalJson(plan.inputs[f]) !== canonicalJson(wanted[f]));
    const what = changed.map((f) => describeChange(f, plan.inputs, wanted));
    return {
      plan: null,
      use: notUsed(`a new plan was made: the stored one was made from other inputs (${what.join('; ')})`, {
        changed,
        ...meta,
      }),
    };
  }
  return {
    plan,
    use: {
      used: true,
      reason:
        `the plan stored on ${plan.stored_at} was made from the same inputs (the story content, ` +
        `${FIELDS.filter((f) => f !== 'story')
          .map((f) => describeInput(f, wanted))
          .join(', ')}); pass "regenerate": true for a new plan`,
      changed: [],
      ...meta,
    },
  };
}

/** The value to store: whole, or without test cases when that is too large for an issue property. */
export function storedPlanValue(
  r: StoryTaskResult,
  inputs: PlanInputs,
  jobId: string,
  now = new Date(),
): StoredPlan {
  const full: StoredPlan = {
    version: 2,
    key: planKey(inputs),
    inputs,
    job_id: jobId,
    stored_at: now.toISOString(),
    engine: r.engine,
    story_types: r.story_types,
    tasks: r.tasks,
    proposed: r.proposed,
  };
  if (JSON.stringify(full).length <= PROPERTY_LIMIT) return full;
  // Tests are also in each task's description; a re-run without them tops them up from the rules.
  return { ...full, tasks: r.tasks.map((t) => ({ ...t, test_cases: [] })) };
}
