/**
 * The runner-side planning service: what the planning jobs and routes share.
 *
 * Team-based tasks for stories (POST /plan/tasks/generate, /plan/tasks/team-based, /plan/tasks/create):
 * 1. read the stories (and their epic's PRD/RFC pages, once per epic);
 * 2. per story, ONE generation returns its tasks with their test cases (model, OpenCode or rules);
 *    a real run first looks for the plan an earlier run stored on the story (issue property
 *    `augment.task-plan`) so a re-run or a retried job creates exactly the same tasks;
 * 3. with a model and 2+ stories, ONE extra call proposes links between stories (kept with the blocked
 *    task's stored plan); then the epic-wide dependency pass (team rules, the model's links validated,
 *    long tasks split);
 * 4. with `dry_run: false`: the plan is stored on each story, tasks are created under their story
 *    (idempotently), and the "Blocks" links are created once each, blocker as `inwardIssue`.
 */
import {
  analyzeStory,
  type CoverageLevel,
  type CrossCuttingWork,
  crossCuttingTask,
  findCrossCutting,
  linkCrossCutting,
  longestPath,
  matchExistingStories,
  type PlanSource,
  type ProposedDependency,
  type Relationship,
  readPlanSource,
  readProductProfile,
  type Story,
  type StoryType,
  type Team,
  unplacedRequirements,
} from '@augment/shared';
import pLimit from 'p-limit';
import type { AtlassianClients } from '../adapters/http/index.js';
import type { JiraClient, JiraIssue } from '../adapters/jira/index.js';
import type { JobContext } from '../jobs/types.js';
import { descriptionMarkdown } from './adf-markdown.js';
import {
  type AssembledPlan,
  assembleTaskPlan,
  daysByTeam,
  type TaskDetail,
  taskDetails,
} from './assemble-plan.js';
import {
  childrenOf,
  loadEpicPages,
  type PageText,
  readIssue,
  type StoryRecord,
  storyFromIssue,
} from './epic-context.js';
import {
  CROSS_STORY_REASON,
  fitTestCases,
  generateCrossStoryLinks,
  generateStoryTasks,
  type StoryLlmReport,
  type StoryTaskResult,
  type TaskOptions,
  type TestsAddedByRules,
} from './generate.js';
import { type RelationshipCreated, type TaskWrite, writeBlocksLinks, writeTasks } from './jira-writer.js';
import {
  findStoredPlan,
  generatorOf,
  type PlanInputs,
  planInputs,
  type StoredPlanUse,
  storedPlanValue,
  TASK_PLAN_PROPERTY,
} from './stored-plan.js';
import type { LlmChoice } from './structured.js';

export { TASK_PLAN_PROPERTY };

/** The request default of `max_task_cycle_days`, for plans written by a job that has no such field. */
const DEFAULT_MAX_TASK_DAYS = 3;
const NOT_LOOKED_UP: StoredPlanUse = {
  used: false,
  reason: 'stored plans are not looked up for this request',
  changed: [],
  stored_at: null,
  stored_by_job: null,
};

export interface TaskPlanningInput extends LlmChoice {
  story_keys: string[];
  epic_key?: string | undefined;
  max_task_cycle_days: number;
  include_tests: boolean;
  coverage_level: CoverageLevel;
  dry_run: boolean;
  /** Create the "Blocks" links on a real run. Default true. */
  create_links?: boolean;
  /** Make a new plan even when the story has a stored plan made from the same inputs. */
  regenerate?: boolean;
  /** Summaries of epic-level tasks already planned once for every story (sent to each story's call). */
  cross_cutting?: string[] | undefined;
}

export interface StoryPlanSummary {
  story_key: string;
  title: string;
  story_types: StoryType[];
  engine: StoryTaskResult['engine'];
  fallback_reason: string | null;
  task_ids: string[];
  estimate_days: number;
  /** Whether the plan stored on the story answered, and why (or why a new plan was made). */
  stored_plan: StoredPlanUse;
  /** Model calls, tokens and context of the story (null when no model was asked). */
  llm: StoryLlmReport | null;
  /** Test cases the rules added where the model's fell short of the coverage range. */
  tests_added_by_rules: TestsAddedByRules[];
}

export interface TaskPlanningResult {
  dry_run: boolean;
  epic_key: string | null;
  /** 'llm' | 'rules' | 'opencode' | 'stored', or 'mixed' when the stories differ. */
  engine: string;
  stories: StoryPlanSummary[];
  task_details: TaskDetail[];
  tasks_by_team: Partial<Record<Team, string[]>>;
  days_by_team: Partial<Record<Team, number>>;
  estimate_total_days: number;
  /** Longest chain of blocking tasks, in days. */
  cycle_time_days: number;
  test_case_count: number;
  /** Task ids; `from` blocks `to`. */
  relationships: Relationship[];
  dropped_dependencies: AssembledPlan['dropped'];
  added_dependencies: AssembledPlan['added'];
  /** Real run: each link with Jira keys (`from` = blocker = inwardIssue). */
  relationships_created?: RelationshipCreated[];
  /** Real run: what happened to each task. */
  created_tasks?: TaskWrite[];
  counts?: Record<string, number>;
  sources: {
    prd: { title: string; url: string | null } | null;
    rfc: { title: string; url: string | null } | null;
  };
  warnings: string[];
}

/** A story to write tasks under: its Jira key and project, and the story the plan was made from. */
export interface StoryRef {
  key: string;
  projectKey: string;
  story: Story;
}

export const storyRef = (r: StoryRecord): StoryRef => ({
  key: r.issue.key,
  projectKey: r.issue.projectKey,
  story: r.story,
});

/** Reads the stories, 404 naming `story_keys` for an unknown key. */
export async function loadStories(jira: JiraClient, keys: readonly string[]): Promise<StoryRecord[]> {
  const limit = pLimit(4);
  return Promise.all(
    [...new Set(keys)].map((key) =>
      limit(async () => {
        const issue = await readIssue(jira, key, 'story_keys');
        return { issue, story: storyFromIssue(issue) };
      }),
    ),
  );
}

/** Which epic the stories belong to: the request's, else the parent the stories share. */
export function epicKeyOf(records: readonly StoryRecord[], requested?: string): string | null {
  if (requested) return requested;
  const parents = new Set(records.map((r) => r.issue.parentKey).filter((p): p is string => !!p));
  return parents.size === 1 ? [...parents][0]! : null;
}

export interface PlannedTasks {
  results: StoryTaskResult[];
  /** Per story: the inputs its plan was made from (stored with it), and whether a stored plan answered. */
  inputs: Map<string, PlanInputs>;
  storedPlans: Map<string, StoredPlanUse>;
  plan: AssembledPlan;
  pages: { prd: PageText | null; rfc: PageText | null };
  epic: JiraIssue | null;
  warnings: string[];
}

/**
 * The epic and its PRD as every story's call reads them (read once per job): the storage format keeps the
 * PRD's story table, so each story finds its own row.
 */
export function epicPlanSource(epic: JiraIssue, pages: { prd: PageText | null }): PlanSource {
  return readPlanSource({
    summary: epic.summary,
    description: descriptionMarkdown(epic),
    prd: pages.prd?.storage || pages.prd?.text,
    max_stories: 100,
  });
}

/** The epic's stories for each call's list of siblings: the ones planned, then PRD rows not yet in Jira. */
export function epicStories(
  planned: readonly Story[],
  source: PlanSource | undefined,
): Pick<Story, 'key' | 'title'>[] {
  const out: Pick<Story, 'key' | 'title'>[] = planned.map((s) => ({ key: s.key, title: s.title }));
  if (!source) return out;
  const rows = source.stories.filter((s) => s.origin !== 'summary');
  const matched = matchExistingStories(
    rows.map((r) => ({ key: r.jira_key, title: r.title, description: r.description })),
    planned.map((p) => ({ key: p.key ?? null, title: p.title, description: p.description })),
  );
  rows.forEach((r, i) => {
    if (!matched[i]) out.push({ ...(r.jira_key ? { key: r.jira_key } : {}), title: r.title });
  });
  return out;
}

/** What the result says about a story's model calls: what an unknown model assumed, tests the rules added. */
export function storyWarnings(
  key: string,
  r: Pick<StoryTaskResult, 'llm' | 'tests_added_by_rules'>,
): string[] {
  const out = (r.llm?.warnings ?? []).map((w) => `${key}: ${w}`);
  for (const a of r.tests_added_by_rules ?? []) {
    out.push(
      `${key}: the model wrote ${a.model_cases} test case${a.model_cases === 1 ? '' : 's'} for "${a.title}" ` +
        `(${a.range.min} to ${a.range.max} wanted); the rules added ${a.added.length}: ${a.added.map((t) => `"${t}"`).join(', ')}.`,
    );
  }
  return out;
}

/**
 * Generates (or, with `reuseStored`, takes from the stories) the team tasks with tests of each story and
 * runs the epic-wide dependency pass. Writes nothing.
 */
export async function planTasksForStories(
  ctx: JobContext,
  clients: AtlassianClients,
  records: readonly StoryRecord[],
  input: Omit<TaskPlanningInput, 'story_keys' | 'dry_run'> & { reuseStored?: boolean; crossStory?: boolean },
): Promise<PlannedTasks> {
  const warnings: string[] = [];
  const epicKey = epicKeyOf(records, input.epic_key);
  let epic: JiraIssue | null = null;
  let pages: PlannedTasks['pages'] = { prd: null, rfc: null };
  if (epicKey) {
    epic = await readIssue(clients.jira, epicKey, input.epic_key ? 'epic_key' : 'story_keys');
    pages = await loadEpicPages(clients, epic, warnings);
  }
  const source = epic ? epicPlanSource(epic, pages) : undefined;
  const storiesPlanned = records.map((r) => r.story);
  // The rules' view of the product and the epic-wide work, read once for every story of the job.
  const product = readProductProfile({
    title: source?.summary ?? '',
    text: [
      ...(source?.context ?? []),
      ...(source?.constraints ?? []),
      ...storiesPlanned.map((s) => `${s.title}\n${s.description}\n${s.acceptance_criteria.join('\n')}`),
    ].join('\n'),
    exclusions: source?.exclusions ?? [],
  });
  const epicWork = input.cross_cutting ? [] : findCrossCutting(source?.constraints ?? [], storiesPlanned);
  const opts: TaskOptions = {
    max_task_cycle_days: input.max_task_cycle_days,
    include_tests: input.include_tests,
    coverage_level: input.coverage_level,
    prd_text: pages.prd?.text,
    rfc_text: pages.rfc?.text,
    plan_source: source,
    stories: epicStories(
      records.map((r) => r.story),
      source,
    ),
    cross_cutting: input.cross_cutting ?? epicWork.map((w) => crossCuttingTask(w).summary),
    cross_cutting_ids: epicWork.map((w) => w.kind.id),
    product,
  };
  const choice: LlmChoice = {
    llm_provider: input.llm_provider,
    llm_model: input.llm_model,
    llm_temperature: input.llm_temperature,
    additional_context: input.additional_context,
    repos: input.repos,
  };
  const generator = generatorOf(ctx, choice);
  const inputs = new Map<string, PlanInputs>();
  const storedPlans = new Map<string, StoredPlanUse>();
  let done = 0;
  const limit = pLimit(2);
  const results = await Promise.all(
    records.map((r) =>
      limit(async (): Promise<StoryTaskResult> => {
        ctx.signal.throwIfAborted();
        const wanted = planInputs(r.story, opts, choice, generator);
        inputs.set(r.issue.key, wanted);
        const found = input.reuseStored
          ? await findStoredPlan(clients.jira, r.issue.key, wanted, {
              regenerate: input.regenerate ?? false,
              jobId: ctx.jobId,
            })
          : null;
        if (found) {
          storedPlans.set(r.issue.key, found.use);
          // A plan replaced on a real run leaves the earlier plan's tasks in Jira: say so where it shows.
          if (!found.use.used && found.use.stored_at !== null) {
            warnings.push(`${r.issue.key}: ${found.use.reason}.`);
          }
        }
        const stored = found?.plan ?? null;
        const result: StoryTaskResult = stored
          ? {
              story_key: r.issue.key,
              story_types: stored.story_types,
              tasks: stored.tasks.map((t) =>
                opts.include_tests && t.test_cases.length === 0
                  ? {
                      ...t,
                      test_cases: fitTestCases(
                        [],
                        {
                          title: t.summary,
                          description: t.description,
                          acceptance_criteria: t.covers_criteria ?? [],
                          team: t.team,
                        },
                        opts.coverage_level,
                        opts,
                      ),
                    }
                  : t,
              ),
              proposed: stored.proposed as ProposedDependency[],
              engine: 'stored',
            }
          : await generateStoryTasks(ctx, r.story, opts, choice);
        if (result.fallback_reason && result.engine === 'rules' && ctx.llm.isConfigured(input.llm_provider)) {
          warnings.push(`${r.issue.key}: the rule-based engine answered (${result.fallback_reason}).`);
        }
        warnings.push(...storyWarnings(r.issue.key, result).filter((w) => !warnings.includes(w)));
        done++;
        await ctx.progress('generating tasks', 10 + Math.round((50 * done) / records.length), {
          story: r.issue.key,
          done,
          total: records.length,
        });
        return result;
      }),
    ),
  );
  // A requirement that neither epic-wide work nor any story's task carries is planned on its own; a model
  // was given every requirement and words them its own way, so this is the rules' check on the rules' plans.
  const unplaced =
    input.cross_cutting || results.some((r) => r.engine !== 'rules')
      ? []
      : unplacedRequirements(
          source?.constraints ?? [],
          epicWork,
          results.flatMap((r) => r.tasks),
          storiesPlanned,
          product,
        );
  addEpicWork(results, [...epicWork, ...unplaced], records, opts);
  // Stored plans already carry the cross-story links accepted the first time, so a re-run or a retry
  // asks nothing and links the same tasks.
  const cross =
    input.crossStory &&
    results.length >= 2 &&
    results.some((r) => r.engine !== 'stored') &&
    ctx.llm.isConfigured(input.llm_provider)
      ? await generateCrossStoryLinks(ctx, results, choice)
      : [];
  const plan = assembleTaskPlan(results, input.max_task_cycle_days, cross);
  if (cross.length > 0) {
    const resultOf = new Map(results.flatMap((r) => r.tasks.map((t) => [t.id, r] as const)));
    for (const a of plan.added) {
      if (!a.reason?.startsWith(CROSS_STORY_REASON)) continue;
      const r = resultOf.get(a.to);
      if (r && !r.proposed.some((p) => p.from === a.from && p.to === a.to)) r.proposed.push(a);
    }
  }
  for (const d of plan.dropped) {
    warnings.push(`Dependency ${d.from} -> ${d.to} dropped (${d.reason}): ${d.detail}.`);
  }
  return { results, inputs, storedPlans, plan, pages, epic, warnings };
}

/**
 * Epic-wide work (an audit trail, a security review) as one task under the first story that needs it,
 * blocking the QA of every story it serves; not added again when a stored plan already holds it.
 */
function addEpicWork(
  results: readonly StoryTaskResult[],
  work: readonly CrossCuttingWork[],
  records: readonly StoryRecord[],
  opts: TaskOptions,
): void {
  for (const w of work) {
    const task = crossCuttingTask(w, {
      team_factor: analyzeStory(records.find((r) => r.issue.key === w.stories[0])!.story).complexity
        .team_factor,
      ...(opts.include_tests ? { coverage_level: opts.coverage_level } : {}),
    });
    const home = results.find((r) => r.story_key === task.story_key);
    if (!home || results.some((r) => r.tasks.some((t) => t.id === task.id))) continue;
    home.tasks.push(task);
    linkCrossCutting(
      w,
      task,
      results.flatMap((r) => r.tasks),
    );
  }
}

/**
 * A real run's writes: the plan stored on each story, tasks under their stories, "Blocks" links.
 * Safe to repeat: nothing is created twice.
 */
export async function writeTaskPlan(
  ctx: JobContext,
  jira: JiraClient,
  stories: readonly StoryRef[],
  planned: Pick<PlannedTasks, 'results' | 'plan'> & Partial<Pick<PlannedTasks, 'inputs'>>,
  opts: {
    createLinks: boolean;
    include_tests: boolean;
    coverage_level: CoverageLevel;
    /** The inputs the plans were made with, when `planned` does not carry them. */
    max_task_cycle_days?: number;
    choice?: LlmChoice;
  },
): Promise<{ tasks: TaskWrite[]; relationships_created: RelationshipCreated[]; keyOf: Map<string, string> }> {
  await ctx.progress('storing plans', 62);
  const choice = opts.choice ?? {};
  for (const r of planned.results) {
    if (r.engine === 'stored') continue;
    const ref = stories.find((x) => x.key === r.story_key);
    if (!ref) continue;
    const inputs =
      planned.inputs?.get(r.story_key) ??
      planInputs(
        ref.story,
        { ...opts, max_task_cycle_days: opts.max_task_cycle_days ?? DEFAULT_MAX_TASK_DAYS },
        choice,
        generatorOf(ctx, choice),
      );
    await jira.setIssueProperty(r.story_key, TASK_PLAN_PROPERTY, storedPlanValue(r, inputs, ctx.jobId));
  }
  await ctx.progress('creating tasks', 65);
  const existingAll = await childrenOf(
    jira,
    stories.map((r) => r.key),
  );
  const existing = new Map<string, JiraIssue[]>();
  for (const c of existingAll) {
    if (!c.parentKey) continue;
    const list = existing.get(c.parentKey) ?? [];
    list.push(c);
    existing.set(c.parentKey, list);
  }
  const tasks = await writeTasks(jira, {
    tasks: planned.plan.tasks,
    projectOf: new Map(stories.map((r) => [r.key, r.projectKey])),
    existing,
    onProgress: (done, total) =>
      ctx.progress('creating tasks', 65 + Math.round((20 * done) / Math.max(1, total)), { done, total }),
  });
  const keyOf = new Map<string, string>();
  for (const t of tasks) if (t.key) keyOf.set(t.id, t.key);
  let relationships_created: RelationshipCreated[] = [];
  if (opts.createLinks && planned.plan.relationships.length > 0) {
    await ctx.progress('linking tasks', 88, { links: planned.plan.relationships.length });
    relationships_created = await writeBlocksLinks(jira, planned.plan.relationships, keyOf);
  }
  return { tasks, relationships_created, keyOf };
}

function engineOf(results: readonly StoryTaskResult[]): string {
  const engines = new Set(results.map((r) => r.engine));
  return engines.size === 1 ? [...engines][0]! : engines.size === 0 ? 'rules' : 'mixed';
}

/**
 * The whole team-based task planning of POST /plan/tasks/generate (and /team-based, /tasks/create):
 * generate, validate the dependencies, and with `dry_run: false` create tasks and links.
 */
export async function runTaskPlanning(
  ctx: JobContext,
  input: TaskPlanningInput,
): Promise<TaskPlanningResult> {
  const clients = ctx.services.atlassian(ctx.credentials);
  await ctx.progress('reading stories', 5, { stories: input.story_keys.length });
  const records = await loadStories(clients.jira, input.story_keys);
  const planned = await planTasksForStories(ctx, clients, records, {
    ...input,
    reuseStored: true,
    crossStory: true,
  });
  const { plan } = planned;

  let keyOf: Map<string, string> | undefined;
  const extra: Partial<TaskPlanningResult> = {};
  if (!input.dry_run) {
    const written = await writeTaskPlan(ctx, clients.jira, records.map(storyRef), planned, {
      createLinks: input.create_links ?? true,
      include_tests: input.include_tests,
      coverage_level: input.coverage_level,
    });
    keyOf = written.keyOf;
    extra.created_tasks = written.tasks;
    extra.relationships_created = written.relationships_created;
    const counts: Record<string, number> = {};
    for (const t of written.tasks) counts[t.outcome] = (counts[t.outcome] ?? 0) + 1;
    for (const l of written.relationships_created)
      counts[`links_${l.status}`] = (counts[`links_${l.status}`] ?? 0) + 1;
    extra.counts = counts;
  }

  const byTeam: Partial<Record<Team, string[]>> = {};
  for (const t of plan.tasks) byTeam[t.team] = [...(byTeam[t.team] ?? []), t.id];
  const stories: StoryPlanSummary[] = planned.results.map((r) => {
    const rec = records.find((x) => x.issue.key === r.story_key);
    const mine = plan.tasks.filter((t) => t.story_key === r.story_key);
    return {
      story_key: r.story_key,
      title: rec?.story.title ?? r.story_key,
      story_types: r.story_types,
      engine: r.engine,
      fallback_reason: r.fallback_reason ?? null,
      task_ids: mine.map((t) => t.id),
      estimate_days: Math.round(mine.reduce((n, t) => n + t.estimate_days, 0) * 100) / 100,
      stored_plan: planned.storedPlans.get(r.story_key) ?? NOT_LOOKED_UP,
      llm: r.llm ?? null,
      tests_added_by_rules: r.tests_added_by_rules ?? [],
    };
  });
  await ctx.progress('done', 100);
  return {
    dry_run: input.dry_run,
    epic_key: planned.epic?.key ?? null,
    engine: engineOf(planned.results),
    stories,
    task_details: taskDetails(plan.tasks, keyOf),
    tasks_by_team: byTeam,
    days_by_team: daysByTeam(plan.tasks),
    estimate_total_days: Math.round(plan.tasks.reduce((n, t) => n + t.estimate_days, 0) * 100) / 100,
    cycle_time_days: longestPath(plan.tasks),
    test_case_count: plan.tasks.reduce((n, t) => n + t.test_cases.length, 0),
    relationships: plan.relationships,
    dropped_dependencies: plan.dropped,
    added_dependencies: plan.added,
    ...extra,
    sources: {
      prd: planned.pages.prd
        ? { title: planned.pages.prd.title, url: planned.pages.prd.url ?? planned.pages.prd.ref }
        : null,
      rfc: planned.pages.rfc
        ? { title: planned.pages.rfc.title, url: planned.pages.rfc.url ?? planned.pages.rfc.ref }
        : null,
    },
    warnings: planned.warnings,
  };
}
