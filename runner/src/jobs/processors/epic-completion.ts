/**
 * POST /plan/epic/complete: fills what an epic is missing, as one job with a stage per step.
 * 1. stories: an epic without stories gets generated ones (as POST /plan/stories/create does); stories
 *    without acceptance criteria get criteria (the ticket-description generator), added as a section;
 * 2. tasks: stories without tasks get team tasks with their tests and "Blocks" links (the planning
 *    service, as POST /plan/tasks/create does);
 * 3. tests: tasks without test cases get them, written into their "Test cases" section.
 * Dry run by default: each step previews what it would write, the later steps planning on top of the
 * earlier previews. A real run is safe to repeat: each step fills only what is still missing, and the
 * stories generated for an empty epic are kept on it (issue property) so a retry creates the same ones.
 */
import type { EpicCompletionRequest, Story, TeamTask, TestCase } from '@augment/shared';
import pLimit from 'p-limit';
import { z } from 'zod';
import { AtlassianError } from '../../adapters/http/index.js';
import type { JiraClient, JiraIssue } from '../../adapters/jira/index.js';
import { analyzeLoadedEpic, type EpicAnalysis } from '../../analysis/analyze-epic.js';
import { mergeDescription } from '../../jira-ops/description.js';
import { descriptionMarkdown } from '../../planning/adf-markdown.js';
import { assembleTaskPlan, type TaskDetail, taskDetails } from '../../planning/assemble-plan.js';
import { type EpicContext, loadEpicContext, type StoryRecord } from '../../planning/epic-context.js';
import {
  describeTicket,
  generateEpicStories,
  generateStorySuite,
  generateStoryTasks,
  type StoryTaskResult,
  type TaskOptions,
  type TestItem,
} from '../../planning/generate.js';
import { tasksFromIssues } from '../../planning/jira-plan.js';
import type { RelationshipCreated, TaskWrite } from '../../planning/jira-writer.js';
import {
  epicPlanSource,
  epicStories,
  planTasksForStories,
  storyRef,
  storyWarnings,
  writeTaskPlan,
} from '../../planning/planning-service.js';
import { assertProviderUsable, type LlmChoice } from '../../planning/structured.js';
import type { JobContext, Processor } from '../types.js';
import { runStoryPlanning, type StoryPlanningResult } from './story-generation.js';

/** Stories generated for an empty epic, kept on it until they exist, so a retry creates the same ones. */
export const COMPLETION_STORIES_PROPERTY = 'augment.epic-completion-stories';
const PROPERTY_LIMIT = 30_000;
const StoredStories = z.object({
  version: z.literal(1),
  stories: z.array(
    z.object({
      title: z.string(),
      description: z.string(),
      acceptance_criteria: z.array(z.string()),
      story_points: z.number().optional(),
    }),
  ),
});

type StepStatus = 'done' | 'previewed' | 'skipped' | 'nothing_missing';

export interface CriteriaFill {
  key: string;
  title: string;
  acceptance_criteria: string[];
  outcome: 'previewed' | 'updated' | 'error';
  error?: string;
}

export interface TestFill {
  key: string;
  title: string;
  story_key: string | null;
  test_cases: TestCase[];
  outcome: 'previewed' | 'updated' | 'error';
  error?: string;
}

export interface EpicCompletionResult {
  epic_key: string;
  dry_run: boolean;
  steps: EpicCompletionRequest['steps'];
  before: EpicAnalysis['counts'] & { readiness: number };
  stories: {
    status: StepStatus;
    reason: string | null;
    generated: StoryPlanningResult['stories'];
    engine: string | null;
    criteria_added: CriteriaFill[];
  };
  tasks: {
    status: StepStatus;
    reason: string | null;
    for_stories: string[];
    engine: string | null;
    task_details: TaskDetail[];
    created_tasks?: TaskWrite[];
    relationships_created?: RelationshipCreated[];
    relationships: number;
  };
  tests: { status: StepStatus; reason: string | null; items: TestFill[]; test_cases: number };
  /** Real run: the counts once everything is written. */
  after: (EpicAnalysis['counts'] & { readiness: number }) | null;
  /** Each story (new ones included) with its tasks and their test cases, as they stand (or would). */
  story_details: StoryDetail[];
  /** Real run: the issues this run created. */
  created_keys: string[];
  warnings: string[];
}

export interface StoryDetail {
  key: string;
  title: string;
  task_ids: string[];
  /** Titles of the test cases of its tasks. */
  test_cases: string[];
}

/**
 * The stories of `epic` with their tasks and tests; in a dry run, with the previewed stories (`NEW-n`),
 * tasks and tests added.
 */
function storyDetails(
  epic: EpicContext,
  preview: { stories: Story[]; tasks: TaskDetail[]; tests: TestFill[] } | null,
): StoryDetail[] {
  const tasks = tasksFromIssues(epic.tasks);
  const added = new Map((preview?.tests ?? []).map((t) => [t.key, t.test_cases] as const));
  const rows: StoryDetail[] = epic.stories.map((s) => {
    const mine = tasks.filter((t) => t.story_key === s.issue.key);
    return {
      key: s.issue.key,
      title: s.story.title,
      task_ids: mine.map((t) => t.id),
      test_cases: mine.flatMap((t) => [...t.test_cases, ...(added.get(t.id) ?? [])].map((tc) => tc.title)),
    };
  });
  preview?.stories.forEach((s, i) => {
    rows.push({ key: `NEW-${i + 1}`, title: s.title, task_ids: [], test_cases: [] });
  });
  for (const t of preview?.tasks ?? []) {
    const row = rows.find((r) => r.key === t.story_key);
    if (!row) continue;
    row.task_ids.push(t.id);
    row.test_cases.push(...t.test_cases.map((tc) => tc.title));
  }
  return rows;
}

/** A context whose progress reports sit inside [from, to] of the whole job, under the step's name. */
function scoped(ctx: JobContext, step: string, from: number, to: number): JobContext {
  return {
    ...ctx,
    progress: (stage, percent, detail) =>
      ctx.progress(
        stage === step ? step : `${step}: ${stage}`,
        Math.round(from + ((to - from) * Math.max(0, Math.min(100, percent))) / 100),
        detail,
      ),
  };
}

const counts = (a: EpicAnalysis) => ({ ...a.counts, readiness: a.readiness.score });
const subtasksOf = (epic: EpicContext, key: string) => epic.tasks.filter((t) => t.parentKey === key);

async function readStoredStories(jira: JiraClient, epicKey: string): Promise<Story[] | null> {
  try {
    const parsed = StoredStories.safeParse(await jira.getIssueProperty(epicKey, COMPLETION_STORIES_PROPERTY));
    return parsed.success ? parsed.data.stories : null;
  } catch (err) {
    if (err instanceof AtlassianError && (err.code === 'not_found' || err.code === 'bad_request'))
      return null;
    throw err;
  }
}

/** Step 1: stories for an empty epic, criteria for stories without. Returns the stories to plan on. */
async function fillStories(
  ctx: JobContext,
  input: EpicCompletionRequest,
  epic: EpicContext,
  choice: LlmChoice,
  out: EpicCompletionResult,
): Promise<{ previewStories: Story[]; criteriaOf: Map<string, string[]> }> {
  const { jira } = ctx.services.atlassian(ctx.credentials);
  const criteriaOf = new Map<string, string[]>();
  let previewStories: Story[] = [];
  const stored = input.dry_run ? null : await readStoredStories(jira, epic.epic.key);
  if (epic.stories.length === 0 || stored) {
    const sctx = scoped(ctx, 'stories', 10, 25);
    let given = stored ?? undefined;
    if (!input.dry_run && !given) {
      await sctx.progress('generating stories', 10);
      const gen = await generateEpicStories(
        sctx,
        {
          epic_key: epic.epic.key,
          summary: epic.epic.summary,
          description: epic.description,
          prd_document: epic.prd?.storage,
          rfc_text: epic.rfc?.text,
          max_stories: input.max_stories,
        },
        choice,
      );
      given = gen.data;
      out.stories.engine = gen.engine;
      const value = { version: 1, stories: given };
      if (JSON.stringify(value).length <= PROPERTY_LIMIT) {
        await jira.setIssueProperty(epic.epic.key, COMPLETION_STORIES_PROPERTY, value);
      } else
        out.warnings.push(
          'The generated stories are too large to keep on the epic: a retry may generate others.',
        );
    }
    const planned = await runStoryPlanning(
      sctx,
      { epic_key: epic.epic.key, dry_run: input.dry_run, max_stories: input.max_stories, ...choice },
      given,
    );
    out.stories.generated = planned.stories;
    out.stories.engine ??= stored ? 'stored' : planned.engine;
    out.warnings.push(...planned.warnings.filter((w) => !out.warnings.includes(w)));
    if (input.dry_run) {
      previewStories = planned.stories
        .filter((s) => s.jira.action === 'create')
        .map((s) => ({
          title: s.title,
          description: s.description,
          acceptance_criteria: s.acceptance_criteria,
          ...(s.story_points !== null ? { story_points: s.story_points } : {}),
        }));
    } else if (planned.stories.every((s) => s.jira.key)) {
      // Every story exists now: the kept list has done its job.
      await jira.setIssueProperty(epic.epic.key, COMPLETION_STORIES_PROPERTY, null).catch(() => undefined);
    }
  }

  const withoutCriteria = epic.stories.filter((s) => s.story.acceptance_criteria.length === 0);
  const limit = pLimit(2);
  let done = 0;
  const cctx = scoped(ctx, 'stories', 25, 35);
  out.stories.criteria_added = await Promise.all(
    withoutCriteria.map((s) =>
      limit(async (): Promise<CriteriaFill> => {
        ctx.signal.throwIfAborted();
        const gen = await describeTicket(
          cctx,
          {
            key: s.issue.key,
            summary: s.issue.summary,
            description: descriptionMarkdown(s.issue),
            epic_summary: epic.epic.summary,
          },
          choice,
        );
        const criteria = gen.data.acceptance_criteria;
        criteriaOf.set(s.issue.key, criteria);
        const fill: CriteriaFill = {
          key: s.issue.key,
          title: s.issue.summary,
          acceptance_criteria: criteria,
          outcome: 'previewed',
        };
        if (!input.dry_run && criteria.length > 0) {
          try {
            const merged = mergeDescription(
              s.issue.description,
              { acceptance_criteria: criteria },
              'replace',
            );
            await jira.updateIssue(s.issue.key, { descriptionAdf: merged });
            fill.outcome = 'updated';
          } catch (err) {
            if (!(err instanceof AtlassianError) || err.retryable) throw err;
            fill.outcome = 'error';
            fill.error = err.message;
          }
        }
        done++;
        await cctx.progress('adding acceptance criteria', Math.round((100 * done) / withoutCriteria.length), {
          done,
          total: withoutCriteria.length,
        });
        return fill;
      }),
    ),
  );
  const generatedSome = out.stories.generated.length > 0;
  const filled = generatedSome || out.stories.criteria_added.length > 0;
  out.stories.status = filled ? (input.dry_run ? 'previewed' : 'done') : 'nothing_missing';
  out.stories.reason = filled
    ? null
    : `${epic.epic.key} has ${epic.stories.length} stories, each with acceptance criteria`;
  return { previewStories, criteriaOf };
}

/** Step 2, dry run: the tasks the stories without tasks (new ones included) would get. */
async function previewTasks(
  ctx: JobContext,
  input: EpicCompletionRequest,
  epic: EpicContext,
  stories: Story[],
  choice: LlmChoice,
): Promise<{ results: StoryTaskResult[]; tasks: TeamTask[]; relationships: number }> {
  const source = epicPlanSource(epic.epic, { prd: epic.prd });
  const opts: TaskOptions = {
    max_task_cycle_days: input.max_task_cycle_days,
    include_tests: input.steps.includes('tests'),
    coverage_level: input.coverage_level,
    prd_text: epic.prd?.text,
    rfc_text: epic.rfc?.text,
    plan_source: source,
    stories: epicStories(stories, source),
  };
  const limit = pLimit(2);
  let done = 0;
  const results = await Promise.all(
    stories.map((story) =>
      limit(async () => {
        ctx.signal.throwIfAborted();
        const r = await generateStoryTasks(ctx, story, opts, choice);
        done++;
        await ctx.progress('generating tasks', Math.round((90 * done) / stories.length), {
          story: story.key,
          done,
        });
        return r;
      }),
    ),
  );
  const plan = assembleTaskPlan(results, input.max_task_cycle_days);
  return { results, tasks: plan.tasks, relationships: plan.relationships.length };
}

/** Step 3: test cases for tasks that have none, one generation per story. */
async function fillTests(
  ctx: JobContext,
  input: EpicCompletionRequest,
  epic: EpicContext,
  choice: LlmChoice,
  warnings: string[],
): Promise<TestFill[]> {
  const source = epicPlanSource(epic.epic, { prd: epic.prd });
  const { jira } = ctx.services.atlassian(ctx.credentials);
  const tasks = tasksFromIssues(epic.tasks);
  const issueOf = new Map(epic.tasks.map((t) => [t.key, t] as const));
  const missing = tasks.filter((t) => t.test_cases.length === 0);
  if (missing.length === 0) return [];
  // Tasks under a story are tested against it; tasks directly under the epic against the epic.
  const groups = new Map<string, TeamTask[]>();
  for (const t of missing)
    groups.set(t.story_key ?? epic.epic.key, [...(groups.get(t.story_key ?? epic.epic.key) ?? []), t]);
  const storyOf = new Map(epic.stories.map((s) => [s.issue.key, s] as const));
  const fills: TestFill[] = [];
  let done = 0;
  const limit = pLimit(2);
  await Promise.all(
    [...groups].map(([owner, list]) =>
      limit(async () => {
        ctx.signal.throwIfAborted();
        const rec: StoryRecord | undefined = storyOf.get(owner);
        const subject: TestItem = rec
          ? {
              key: rec.issue.key,
              title: rec.story.title,
              description: rec.story.description,
              acceptance_criteria: rec.story.acceptance_criteria,
            }
          : {
              key: epic.epic.key,
              title: epic.epic.summary,
              description: epic.description,
              acceptance_criteria: [],
            };
        const suite = await generateStorySuite(
          ctx,
          subject,
          list.map((t) => ({
            key: t.id,
            title: t.summary,
            description: t.description,
            acceptance_criteria: t.covers_criteria ?? [],
            team: t.team,
          })),
          {
            coverage_level: input.coverage_level,
            prd_text: epic.prd?.text,
            rfc_text: epic.rfc?.text,
            plan_source: source,
            stories: epic.stories.map((s) => s.story),
          },
          choice,
        );
        warnings.push(...storyWarnings(owner, suite));
        for (const t of list) {
          const cases = suite.task_test_cases.get(t.id) ?? [];
          const fill: TestFill = {
            key: t.id,
            title: t.summary,
            story_key: rec ? rec.issue.key : null,
            test_cases: cases,
            outcome: 'previewed',
          };
          const issue: JiraIssue | undefined = issueOf.get(t.id);
          if (!input.dry_run && issue && cases.length > 0) {
            try {
              await jira.updateIssue(issue.key, {
                descriptionAdf: mergeDescription(issue.description, { test_cases: cases }, 'replace'),
              });
              fill.outcome = 'updated';
            } catch (err) {
              if (!(err instanceof AtlassianError) || err.retryable) throw err;
              fill.outcome = 'error';
              fill.error = err.message;
            }
          }
          fills.push(fill);
        }
        done++;
        await ctx.progress('generating tests', Math.round((100 * done) / groups.size), {
          done,
          total: groups.size,
        });
      }),
    ),
  );
  return fills.sort((a, b) => a.key.localeCompare(b.key, undefined, { numeric: true }));
}

export const epicCompletionProcessor: Processor<EpicCompletionRequest, EpicCompletionResult> = async (
  input,
  ctx,
) => {
  assertProviderUsable(ctx, input);
  const clients = ctx.services.atlassian(ctx.credentials);
  const choice: LlmChoice = {
    llm_provider: input.llm_provider,
    llm_model: input.llm_model,
    llm_temperature: input.llm_temperature,
    additional_context: input.additional_context,
  };
  await ctx.progress('reading epic', 2, { epic: input.epic_key });
  let epic = await loadEpicContext(clients, input.epic_key, { includeTasks: true });
  const before = analyzeLoadedEpic(epic);
  const skipped = (step: string) => ({ status: 'skipped' as const, reason: `${step} not in steps` });
  const out: EpicCompletionResult = {
    epic_key: epic.epic.key,
    dry_run: input.dry_run,
    steps: input.steps,
    before: counts(before),
    stories: { ...skipped('stories'), generated: [], engine: null, criteria_added: [] },
    tasks: { ...skipped('tasks'), for_stories: [], engine: null, task_details: [], relationships: 0 },
    tests: { ...skipped('tests'), items: [], test_cases: 0 },
    after: null,
    story_details: [],
    created_keys: [],
    warnings: [...epic.warnings],
  };

  // 1. stories
  let previewStories: Story[] = [];
  let criteriaOf = new Map<string, string[]>();
  if (input.steps.includes('stories')) {
    await ctx.progress('stories', 5);
    ({ previewStories, criteriaOf } = await fillStories(ctx, input, epic, choice, out));
    if (!input.dry_run) epic = await loadEpicContext(clients, input.epic_key, { includeTasks: true });
  }

  // 2. tasks
  if (input.steps.includes('tasks')) {
    const tctx = scoped(ctx, 'tasks', 40, 70);
    await ctx.progress('tasks', 40);
    const records = epic.stories.filter((s) => subtasksOf(epic, s.issue.key).length === 0);
    const forStories = [
      ...records.map((r) => r.issue.key),
      ...previewStories.map((s, i) => `new story ${i + 1}: ${s.title}`),
    ];
    out.tasks.for_stories = forStories;
    if (forStories.length === 0) {
      out.tasks.status = 'nothing_missing';
      out.tasks.reason = 'every story has tasks';
    } else if (input.dry_run) {
      // Plan on top of step 1's preview: existing stories with their new criteria, and the new stories.
      const stories: Story[] = [
        ...records.map((r) => ({
          ...r.story,
          acceptance_criteria: criteriaOf.get(r.issue.key) ?? r.story.acceptance_criteria,
        })),
        ...previewStories.map((s, i) => ({ ...s, key: `NEW-${i + 1}` })),
      ];
      const preview = await previewTasks(tctx, input, epic, stories, choice);
      for (const r of preview.results) out.warnings.push(...storyWarnings(r.story_key, r));
      out.tasks.task_details = taskDetails(preview.tasks);
      out.tasks.relationships = preview.relationships;
      out.tasks.engine = engineOf(preview.results);
      out.tasks.status = 'previewed';
      out.tasks.reason = null;
    } else {
      const planned = await planTasksForStories(tctx, clients, records, {
        epic_key: epic.epic.key,
        max_task_cycle_days: input.max_task_cycle_days,
        include_tests: input.steps.includes('tests'),
        coverage_level: input.coverage_level,
        ...choice,
        reuseStored: true,
      });
      out.warnings.push(...planned.warnings);
      const written = await writeTaskPlan(tctx, clients.jira, records.map(storyRef), planned, {
        createLinks: true,
        include_tests: input.steps.includes('tests'),
        coverage_level: input.coverage_level,
      });
      out.tasks.task_details = taskDetails(planned.plan.tasks, written.keyOf);
      out.tasks.created_tasks = written.tasks;
      out.tasks.relationships_created = written.relationships_created;
      out.tasks.relationships = planned.plan.relationships.length;
      out.tasks.engine = engineOf(planned.results);
      out.tasks.status = 'done';
      out.tasks.reason = null;
      epic = await loadEpicContext(clients, input.epic_key, { includeTasks: true });
    }
  }

  // 3. tests (tasks planned in step 2 come with their tests; this fills the tasks that have none)
  if (input.steps.includes('tests')) {
    await ctx.progress('tests', 72);
    const items = await fillTests(scoped(ctx, 'tests', 72, 95), input, epic, choice, out.warnings);
    out.tests.items = items;
    out.tests.test_cases = items.reduce((n, i) => n + i.test_cases.length, 0);
    out.tests.status = items.length === 0 ? 'nothing_missing' : input.dry_run ? 'previewed' : 'done';
    out.tests.reason = items.length === 0 ? 'every task has test cases' : null;
  }

  if (input.dry_run) {
    out.story_details = storyDetails(epic, {
      stories: previewStories,
      tasks: out.tasks.task_details,
      tests: out.tests.items,
    });
  } else {
    await ctx.progress('checking the result', 96);
    const final = await loadEpicContext(clients, input.epic_key, { includeTasks: true, includePages: false });
    out.after = counts(analyzeLoadedEpic(final));
    out.story_details = storyDetails(final, null);
    out.created_keys = [
      ...out.stories.generated.flatMap((s) =>
        s.jira.outcome === 'created' && s.jira.key ? [s.jira.key] : [],
      ),
      ...(out.tasks.created_tasks ?? []).flatMap((t) => (t.outcome === 'created' && t.key ? [t.key] : [])),
    ];
  }
  await ctx.progress('done', 100);
  return out;
};

function engineOf(results: readonly { engine: string }[]): string {
  const engines = new Set(results.map((r) => r.engine));
  return engines.size === 1 ? [...engines][0]! : engines.size === 0 ? 'rules' : 'mixed';
}
