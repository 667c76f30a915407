/**
 * The planning generators of the runner: each asks the model (or OpenCode) and falls back to the
 * rule-based engine of `@augment/shared`, which produces the same shape with no AI key.
 * - stories for an epic (epic description + PRD + RFC);
 * - team tasks with their test cases for one story: ONE call per story when the answer fits the model,
 *   else the tasks first and then their tests per group of tasks (decided before any call);
 * - a ticket description;
 * - test cases for a story and its tasks (one call per story, or per group of tasks on a small model).
 * Each story's call carries its labelled context (story-context.ts), built within the model's budget.
 */
import {
  COVERAGE_RANGES,
  type CoverageLevel,
  type CrossCuttingId,
  type Domain,
  detectDomains,
  detectTechnicalContexts,
  generateTeamTasks,
  generateTestCases,
  generateTicketDescription,
  type PlanSource,
  type ProductProfile,
  type ProposedDependency,
  readPlanSource,
  readTicketDescription,
  renderPlanSource,
  type Story,
  StoryType,
  storiesFromSource,
  type Team,
  type TeamTask,
  type TechnicalContext,
  type TestCase,
  TicketDescription,
  type TicketSections,
  writeTicketDescription,
} from '@augment/shared';
import type { ContextReport } from '../adapters/llm/index.js';
import { CONTEXT_GUIDANCE, COVERAGE_GUIDANCE, DOMAIN_GUIDANCE } from '../prompts/planning-guidance.js';
import { renderPrompt } from '../prompts/render-prompt.js';
import {
  ANSWER_TOKENS,
  linksAnswerTokens,
  maxTasksFor,
  storiesAnswerTokens,
  TASK_COUNT,
  taskPlanAnswerTokens,
  testsAnswerTokens,
} from './answer-size.js';
import { normaliseTitle } from './epic-context.js';
import {
  LlmCrossStoryLinks,
  LlmStoryList,
  type LlmStoryTask,
  LlmStoryTaskOutline,
  LlmStoryTaskPlan,
  type LlmTaskOutline,
  LlmTaskTests,
  LlmTestSuite,
} from './llm-schemas.js';
import { sourceStoryOf, storyContextBuilder } from './story-context.js';
import {
  type Generated,
  generateStructured,
  type LlmChoice,
  type PlanningCtx,
  sizeStructured,
} from './structured.js';

const SYSTEM = () => renderPrompt('plan-system');

/** Text of a source document for a prompt: a heading and the text, or nothing. */
function section(title: string, text: string | undefined | null): string {
  return text?.trim() ? `## ${title}\n${text.trim()}` : '';
}

function joinSections(...parts: string[]): string {
  return parts.filter(Boolean).join('\n\n');
}

// ---- stories ---------------------------------------------------------------------------------------

export interface EpicSource {
  epic_key?: string;
  summary: string;
  /** The epic's description (markdown). */
  description?: string;
  /** The PRD as written: Confluence storage format (for its story table), HTML or markdown. */
  prd_document?: string | undefined;
  rfc_text?: string | undefined;
  max_stories: number;
}

/**
 * Stories for an epic, each with a description and acceptance criteria (at most `max_stories`), read
 * once with readPlanSource. A PRD story table IS the list of stories: its rows are returned as written
 * (no model call). Otherwise the model writes them from the labelled source, and the rules read them
 * from the page when there is no model.
 */
export async function generateEpicStories(
  ctx: PlanningCtx,
  src: EpicSource,
  choice: LlmChoice,
): Promise<Generated<Story[]> & { source: PlanSource }> {
  const source = readPlanSource({
    summary: src.summary,
    description: src.description,
    prd: src.prd_document,
    max_stories: src.max_stories,
  });
  const fromRules = () => storiesFromSource(source, src.rfc_text);
  if (source.stories_from === 'prd_table') return { data: fromRules(), engine: 'rules', source };
  const out = await generateStructured(ctx, {
    schema: LlmStoryList,
    schemaName: 'epic_stories',
    system: SYSTEM(),
    prompt: renderPrompt('plan-stories', {
      epic_key: src.epic_key ?? '(new epic)',
      max_stories: src.max_stories,
      epic: `# ${src.summary}`,
    }),
    context: joinSections(renderPlanSource(source), section('RFC', src.rfc_text)),
    choice,
    expectedOutputTokens: storiesAnswerTokens(src.max_stories),
    fallback: (): LlmStoryList => ({
      stories: fromRules().map((s) => ({
        title: s.title,
        description: s.description,
        acceptance_criteria: s.acceptance_criteria.slice(0, 30),
        story_points: s.story_points ?? null,
      })),
    }),
  });
  if (out.engine === 'rules') return { ...out, data: fromRules(), source };
  const seen = new Set<string>();
  const stories: Story[] = [];
  for (const s of out.data.stories) {
    const norm = normaliseTitle(s.title);
    if (!norm || seen.has(norm)) continue;
    seen.add(norm);
    const story: Story = {
      title: s.title.trim(),
      description: s.description,
      acceptance_criteria: s.acceptance_criteria,
    };
    if (s.story_points !== null) story.story_points = s.story_points;
    stories.push(story);
    if (stories.length >= src.max_stories) break;
  }
  return { ...out, data: stories, source };
}

// ---- team tasks with tests (unified) ---------------------------------------------------------------

export interface TaskOptions {
  max_task_cycle_days: number;
  include_tests: boolean;
  coverage_level: CoverageLevel;
  /** The PRD as text, for the rule engine (and as the model's source when `plan_source` is absent). */
  prd_text?: string | undefined;
  rfc_text?: string | undefined;
  /** The epic and its PRD, read once (readPlanSource): every story's labelled context comes from it. */
  plan_source?: PlanSource | undefined;
  /** The epic's stories, so each story's call knows what its siblings will plan. */
  stories?: readonly Pick<Story, 'key' | 'title'>[] | undefined;
  /** Summaries of the epic-level tasks planned once for every story (audit trail, security review...). */
  cross_cutting?: readonly string[] | undefined;
  /** The kinds of that epic-wide work: the rules leave the criteria it covers to it. */
  cross_cutting_ids?: readonly CrossCuttingId[] | undefined;
  /** What the epic's pages say about the product (app, web, no UI), for the rules' teams. */
  product?: ProductProfile | undefined;
}

/** Test cases the rules wrote because the model's fell short of the coverage range. */
export interface TestsAddedByRules {
  /** Task id (or story/task key) the cases belong to. */
  item: string;
  title: string;
  /** Cases the model wrote (0 when its call fell back to the rules). */
  model_cases: number;
  range: { min: number; max: number };
  /** Titles of the cases the rules added. */
  added: string[];
}

/** One model call made for a story (a repair is an attempt of the same call). */
export interface StoryLlmCall {
  purpose: 'tasks_and_tests' | 'tasks' | 'tests' | 'story_and_task_tests';
  /** The tasks a tests call was about. */
  tasks?: string[];
  engine: Generated<unknown>['engine'];
  attempts: number;
  input_tokens: number;
  output_tokens: number;
  expected_output_tokens: number;
  output_cap: number | null;
  /** The largest answer the model could give this call (why a story was split, and into how many calls). */
  answer_room_tokens: number | null;
  fallback_reason?: string;
}

/** What planning one story cost, and why it took the calls it took. */
export interface StoryLlmReport {
  provider: string | null;
  model: string | null;
  /** Model calls (HTTP requests): one per answer, plus a repair when one was needed. */
  calls: number;
  input_tokens: number;
  output_tokens: number;
  /** Tasks and tests did not fit one answer of this model: tasks first, then tests per group of tasks. */
  split: boolean;
  requests: StoryLlmCall[];
  /** How the first call's context was built (what was left out, if anything). */
  context?: ContextReport | undefined;
  warnings: string[];
}

/** One story's tasks before the epic-wide dependency pass. */
export interface StoryTaskResult {
  story_key: string;
  story_types: StoryType[];
  /**
   * Tasks with ids `<story>-<team>-<n>`. From the rules they carry the team dependencies already; from a
   * model they carry none and the model's links are in `proposed`.
   */
  tasks: TeamTask[];
  proposed: ProposedDependency[];
  engine: Generated<unknown>['engine'] | 'stored';
  fallback_reason?: string;
  /** The model calls of this story (absent when no model was asked). */
  llm?: StoryLlmReport;
  /** Where the model's tests fell short of the coverage range and the rules filled in. */
  tests_added_by_rules?: TestsAddedByRules[];
}

const roundHalf = (d: number) => Math.max(0.5, Math.round(d * 2) / 2);

/** The rule-based plan of a story in the model's answer shape (so both paths map the same way). */
function rulesAnswer(story: Story, opts: TaskOptions): LlmStoryTaskPlan {
  const plan = generateTeamTasks(story, {
    // Splitting happens once, after the dependency pass, for both paths.
    max_task_cycle_days: 100,
    include_tests: opts.include_tests,
    coverage_level: opts.coverage_level,
    ...(opts.product ? { product: opts.product } : {}),
    ...(opts.plan_source ? { constraints: opts.plan_source.constraints } : {}),
    ...(opts.cross_cutting_ids ? { cross_cutting: opts.cross_cutting_ids } : {}),
    ...(opts.prd_text ? { prd_context: opts.prd_text } : {}),
    ...(opts.rfc_text ? { rfc_context: opts.rfc_text } : {}),
  });
  return {
    story_types: plan.story_types,
    tasks: plan.tasks.slice(0, 40).map((t) => ({
      ref: t.id,
      summary: t.summary,
      description: t.description.slice(0, 20_000),
      team: t.team,
      estimate_days: t.estimate_days,
      depends_on: t.depends_on_tasks,
      covers_criteria: (t.covers_criteria ?? []).slice(0, 50),
      test_cases: t.test_cases,
    })),
  };
}

function storyText(story: Story): string {
  return joinSections(
    `# ${story.key ?? ''} ${story.title}`.trim(),
    story.description,
    story.acceptance_criteria.length > 0
      ? `## Acceptance criteria\n${story.acceptance_criteria.map((c) => `- ${c}`).join('\n')}`
      : '## Acceptance criteria\n(none written yet)',
  );
}

/** The coverage level's and the detected domains' rules for a prompt (content from planning-guidance.ts). */
function guidanceFor(text: string, level: CoverageLevel) {
  const domains = detectDomains(text).domains;
  const contexts = detectTechnicalContexts(text).contexts;
  const range = COVERAGE_RANGES[level];
  const domainRules = domains.flatMap((d) => DOMAIN_GUIDANCE[d]);
  return {
    domains,
    contexts,
    range,
    vars: {
      coverage_level: level,
      test_range: `${range.min} to ${range.max}`,
      level_focus: COVERAGE_GUIDANCE[level].focus,
      coverage_rules: COVERAGE_GUIDANCE[level].rules.map((r) => `- ${r}`).join('\n'),
      domains: domains.join(', ') || 'none detected',
      domain_rules:
        domainRules.length > 0
          ? domainRules.map((r) => `- ${r}`).join('\n')
          : '- None beyond the constraints the context lists.',
      contexts: contexts.map((c) => CONTEXT_GUIDANCE[c]).join(' ') || 'general',
    },
  };
}

function testsRule(opts: TaskOptions, g: ReturnType<typeof guidanceFor>): string {
  if (!opts.include_tests) return '- test_cases: an empty list (tests are not wanted for this plan);';
  return (
    `- test_cases: ${g.range.min} to ${g.range.max} cases per task ("${opts.coverage_level}" coverage: ${g.vars.level_focus}), ` +
    'of the types unit, integration, acceptance, e2e, performance, security or ui; each with at most 6 steps, an ' +
    'expected result, a priority, and covers_criterion: the acceptance criterion it verifies (verbatim) or null ' +
    `for a technical case. Coverage rules:\n${g.vars.coverage_rules.replace(/^- /gm, '  - ')}`
  );
}

/** The plan source a story's context comes from: the epic's, or one read from the PRD text alone. */
function sourceOf(opts: Pick<TaskOptions, 'plan_source' | 'prd_text'>): PlanSource | undefined {
  if (opts.plan_source) return opts.plan_source;
  return opts.prd_text?.trim() ? readPlanSource({ summary: '', prd: opts.prd_text }) : undefined;
}

/**
 * Brings a task's tests within the coverage level's range: extra ones dropped, missing ones from the
 * rules, and says which were added.
 */
export function fitTestCasesReported(
  cases: readonly TestCase[],
  subject: { title: string; description?: string; acceptance_criteria?: readonly string[]; team?: Team },
  level: CoverageLevel,
  extra: { prd_text?: string | undefined; rfc_text?: string | undefined } = {},
): { cases: TestCase[]; added: TestCase[] } {
  const range = COVERAGE_RANGES[level];
  const out = cases.slice(0, range.max);
  if (out.length >= range.min) return { cases: out, added: [] };
  const titles = new Set(out.map((c) => c.title.toLowerCase()));
  const more = generateTestCases(subject, {
    coverage_level: level,
    ...(extra.prd_text ? { prd_context: extra.prd_text } : {}),
    ...(extra.rfc_text ? { rfc_context: extra.rfc_text } : {}),
  });
  const added: TestCase[] = [];
  for (const tc of more) {
    if (out.length >= range.min) break;
    if (titles.has(tc.title.toLowerCase())) continue;
    titles.add(tc.title.toLowerCase());
    out.push(tc);
    added.push(tc);
  }
  return { cases: out, added };
}

/** Brings a task's tests within the coverage level's range: extra ones dropped, missing ones from the rules. */
export function fitTestCases(
  cases: readonly TestCase[],
  subject: { title: string; description?: string; acceptance_criteria?: readonly string[]; team?: Team },
  level: CoverageLevel,
  extra: { prd_text?: string | undefined; rfc_text?: string | undefined } = {},
): TestCase[] {
  return fitTestCasesReported(cases, subject, level, extra).cases;
}

/** Maps the model's (or the rules') answer onto TeamTasks of the story. */
export function toStoryTasks(
  story: Story,
  answer: LlmStoryTaskPlan,
  opts: TaskOptions,
  fromRules: boolean,
  /** Refs whose tests the rules wrote because the model's tests call fell back. */
  rulesTests: ReadonlySet<string> = new Set(),
): {
  tasks: TeamTask[];
  proposed: ProposedDependency[];
  story_types: StoryType[];
  tests_added_by_rules: TestsAddedByRules[];
} {
  const storyKey = story.key ?? 'story';
  const counters = new Map<Team, number>();
  const idOf = new Map<string, string>();
  const bySummary = new Map<string, string>();
  const ids = answer.tasks.map((t) => {
    const n = (counters.get(t.team) ?? 0) + 1;
    counters.set(t.team, n);
    const id = `${storyKey}-${t.team}-${n}`;
    idOf.set(t.ref, id);
    bySummary.set(t.summary.trim().toLowerCase(), id);
    return id;
  });
  const resolve = (ref: string) => idOf.get(ref) ?? bySummary.get(ref.trim().toLowerCase()) ?? ref;
  const proposed: ProposedDependency[] = [];
  const added: TestsAddedByRules[] = [];
  const range = COVERAGE_RANGES[opts.coverage_level];
  const tasks = answer.tasks.map((t: LlmStoryTask, i): TeamTask => {
    const id = ids[i]!;
    const deps = t.depends_on.map(resolve);
    if (!fromRules) for (const d of deps) proposed.push({ from: d, to: id, reason: 'proposed by the model' });
    let tests: TestCase[] = [];
    if (opts.include_tests) {
      const fitted = fitTestCasesReported(
        t.test_cases,
        {
          title: t.summary,
          description: t.description,
          acceptance_criteria: t.covers_criteria,
          team: t.team,
        },
        opts.coverage_level,
        opts,
      );
      tests = fitted.cases;
      const byRules = rulesTests.has(t.ref);
      if (!fromRules && (fitted.added.length > 0 || byRules)) {
        added.push({
          item: id,
          title: t.summary.trim(),
          model_cases: byRules ? 0 : t.test_cases.length,
          range,
          added: (byRules ? tests : fitted.added).map((c) => c.title),
        });
      }
    }
    const task: TeamTask = {
      id,
      summary: t.summary.trim().slice(0, 255),
      description: t.description,
      team: t.team,
      estimate_days: Math.min(100, roundHalf(t.estimate_days)),
      depends_on_tasks: fromRules ? deps : [],
      blocked_by_teams: [],
      test_cases: tests,
      covers_criteria: t.covers_criteria,
      story_key: storyKey,
    };
    return task;
  });
  const types = [...new Set(answer.story_types)].filter((t) => StoryType.safeParse(t).success);
  return { tasks, proposed, story_types: types, tests_added_by_rules: added };
}

/** A call's line in the story's report. */
function callOf(
  purpose: StoryLlmCall['purpose'],
  out: Generated<unknown>,
  expected: number,
  tasks?: string[],
): StoryLlmCall {
  return {
    purpose,
    ...(tasks ? { tasks } : {}),
    engine: out.engine,
    attempts: out.attempts ?? 0,
    input_tokens: out.usage?.input_tokens ?? 0,
    output_tokens: out.usage?.output_tokens ?? 0,
    expected_output_tokens: expected,
    output_cap: out.sizing?.output_cap ?? null,
    answer_room_tokens: out.sizing?.answer_room_tokens ?? null,
    ...(out.fallback_reason ? { fallback_reason: out.fallback_reason } : {}),
  };
}

/** Sums a story's calls and counts it in /metrics when a model answered any of them. */
function storyReport(
  ctx: PlanningCtx,
  kind: 'tasks' | 'tests',
  requests: StoryLlmCall[],
  first: Generated<unknown>,
  split: boolean,
): StoryLlmReport | undefined {
  if (first.engine !== 'llm' && requests.every((r) => r.attempts === 0)) return undefined;
  const report: StoryLlmReport = {
    provider: first.provider ?? null,
    model: first.model ?? null,
    calls: requests.reduce((n, r) => n + r.attempts, 0),
    input_tokens: requests.reduce((n, r) => n + r.input_tokens, 0),
    output_tokens: requests.reduce((n, r) => n + r.output_tokens, 0),
    split,
    requests,
    ...(first.context ? { context: first.context } : {}),
    warnings: first.warnings ?? [],
  };
  if (report.provider && report.model && report.calls > 0) {
    ctx.services?.llm.metrics.recordStory({
      kind,
      provider: report.provider,
      model: report.model,
      calls: report.calls,
      input_tokens: report.input_tokens,
      output_tokens: report.output_tokens,
    });
  }
  return report;
}

/** Splits `items` into the fewest groups of at most `size`, as even as possible. */
function evenGroups<T>(items: readonly T[], size: number): T[][] {
  const count = Math.max(1, Math.ceil(items.length / Math.max(1, size)));
  const per = Math.ceil(items.length / count);
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += per) out.push(items.slice(i, i + per));
  return out;
}

/**
 * Team tasks with their test cases for one story. One model call when the answer fits the model's output
 * (the spec's unified generation); otherwise, decided before any call from the model's limits: the tasks
 * first, then the tests of as many tasks per call as one answer holds. Each call carries the story's
 * labelled context (see story-context.ts). Code-aware (OpenCode) when the request names repositories and
 * OpenCode is enabled.
 */
export async function generateStoryTasks(
  ctx: PlanningCtx,
  story: Story,
  opts: TaskOptions,
  choice: LlmChoice,
): Promise<StoryTaskResult> {
  const storyKey = story.key ?? 'story';
  const source = sourceOf(opts);
  const row = source ? sourceStoryOf(source, story) : undefined;
  const g = guidanceFor(
    [storyText(story), row?.description ?? '', ...(source?.constraints ?? [])].join('\n'),
    opts.coverage_level,
  );
  const maxTasks = maxTasksFor(story, opts.coverage_level);
  const context = storyContextBuilder({
    source,
    story,
    stories: opts.stories,
    cross_cutting: opts.cross_cutting,
    rfc_text: opts.rfc_text,
    additional_context: choice.additional_context,
  });
  const promptVars = (withTests: boolean) => ({
    story_key: story.key ?? story.title,
    answer_scope: withTests
      ? ', each with its test cases, in one answer'
      : ' (their test cases are asked for in a later call: leave them out)',
    min_tasks: Math.min(TASK_COUNT.min, maxTasks),
    max_tasks: maxTasks,
    max_task_cycle_days: opts.max_task_cycle_days,
    tests_rule: withTests ? testsRule(opts, g) : '',
    domains: g.vars.domains,
    domain_rules: g.vars.domain_rules,
    story: storyText(story),
  });
  const testsPerTask = opts.include_tests ? g.range.max : 0;
  const combinedExpected = taskPlanAnswerTokens(maxTasks, testsPerTask);
  const combined = {
    schema: LlmStoryTaskPlan,
    schemaName: 'story_task_plan',
    system: SYSTEM(),
    prompt: renderPrompt('plan-story-tasks', promptVars(true)),
    context,
    choice,
    codeAware: true,
    expectedOutputTokens: combinedExpected,
    subject: storyKey,
    fallback: () => rulesAnswer(story, opts),
  };
  // Split only when tests are wanted and a model (not OpenCode, not the rules) cannot hold them all.
  const sizing = opts.include_tests ? sizeStructured(ctx, combined) : null;
  const split = sizing !== null && sizing.answer_room_tokens < combinedExpected;

  const result = (
    answer: LlmStoryTaskPlan,
    first: Generated<unknown>,
    requests: StoryLlmCall[],
    rulesTests?: ReadonlySet<string>,
  ): StoryTaskResult => {
    const fromRules = first.engine === 'rules';
    const mapped = toStoryTasks(story, answer, opts, fromRules, rulesTests);
    const out: StoryTaskResult = {
      story_key: storyKey,
      story_types: mapped.story_types,
      tasks: mapped.tasks,
      proposed: mapped.proposed,
      engine: first.engine,
    };
    if (first.fallback_reason) out.fallback_reason = first.fallback_reason;
    const report = storyReport(ctx, 'tasks', requests, first, split);
    if (report) out.llm = report;
    if (mapped.tests_added_by_rules.length > 0) out.tests_added_by_rules = mapped.tests_added_by_rules;
    return out;
  };

  if (!split) {
    const out = await generateStructured(ctx, combined);
    return result(out.data, out, [callOf('tasks_and_tests', out, combinedExpected)]);
  }

  // Split: the tasks first...
  const outlineExpected = taskPlanAnswerTokens(maxTasks, 0);
  const outline = await generateStructured(ctx, {
    ...combined,
    schema: LlmStoryTaskOutline,
    schemaName: 'story_task_outline',
    prompt: renderPrompt('plan-story-tasks', promptVars(false)),
    expectedOutputTokens: outlineExpected,
    fallback: (): LlmStoryTaskOutline => {
      const rules = rulesAnswer(story, opts);
      return { story_types: rules.story_types, tasks: rules.tasks.map(({ test_cases: _, ...t }) => t) };
    },
  });
  const requests = [callOf('tasks', outline, outlineExpected)];
  // The rules plan tasks and tests together: no call is left to make.
  if (outline.engine !== 'llm') return result(rulesAnswer(story, opts), outline, requests);

  // ...then the tests of as many tasks per call as one answer holds.
  const tasks = outline.data.tasks;
  const testsRequest = (group: readonly LlmTaskOutline[]) => {
    const expected = testsAnswerTokens(group.length, g.range.max);
    return {
      schema: LlmTaskTests,
      schemaName: 'story_task_tests',
      system: SYSTEM(),
      prompt: renderPrompt('plan-task-tests', {
        ...g.vars,
        story_key: story.key ?? story.title,
        story: storyText(story),
        tasks: group
          .map((t) =>
            joinSections(
              `### ${t.ref} [${t.team}] ${t.summary}`,
              t.description,
              t.covers_criteria.length > 0
                ? `Covers:\n${t.covers_criteria.map((c) => `- ${c}`).join('\n')}`
                : 'Covers no criterion directly (technical task).',
            ),
          )
          .join('\n\n'),
      }),
      context,
      choice: { ...choice, repos: undefined },
      expectedOutputTokens: expected,
      subject: storyKey,
      fallback: (): LlmTaskTests => ({
        tasks: group.map((t) => ({
          ref: t.ref,
          test_cases: generateTestCases(
            {
              title: t.summary,
              description: t.description,
              acceptance_criteria: t.covers_criteria,
              team: t.team,
            },
            { coverage_level: opts.coverage_level, ...(opts.prd_text ? { prd_context: opts.prd_text } : {}) },
          ),
        })),
      }),
    };
  };
  const perTask = testsAnswerTokens(1, g.range.max) - ANSWER_TOKENS.envelope;
  const room = sizeStructured(ctx, testsRequest(tasks.slice(0, 1)))?.answer_room_tokens ?? perTask;
  const groups = evenGroups(tasks, Math.floor((room - ANSWER_TOKENS.envelope) / perTask));
  const answers = await Promise.all(
    groups.map(async (group) => {
      const req = testsRequest(group);
      const out = await generateStructured(ctx, req);
      return {
        group,
        out,
        call: callOf(
          'tests',
          out,
          req.expectedOutputTokens,
          group.map((t) => t.ref),
        ),
      };
    }),
  );
  const testsOf = new Map<string, TestCase[]>();
  const rulesTests = new Set<string>();
  for (const { group, out } of answers) {
    const refs = new Set(group.map((t) => t.ref));
    for (const entry of out.data.tasks) if (refs.has(entry.ref)) testsOf.set(entry.ref, entry.test_cases);
    if (out.engine !== 'llm') for (const t of group) rulesTests.add(t.ref);
  }
  const answer: LlmStoryTaskPlan = {
    story_types: outline.data.story_types,
    tasks: tasks.map((t) => ({ ...t, test_cases: testsOf.get(t.ref) ?? [] })),
  };
  return result(answer, outline, [...requests, ...answers.map((a) => a.call)], rulesTests);
}

/** Marks the reason of a link proposed by the cross-story pass, so accepted ones can be told apart. */
export const CROSS_STORY_REASON = 'cross-story';

/**
 * The optional cross-story AI pass: ONE call over a compact list of every story's tasks, asking which
 * task of one story blocks a task of another. The fallback proposes nothing (the team rules stand);
 * links within one story are left to each story's own generation.
 */
export async function generateCrossStoryLinks(
  ctx: PlanningCtx,
  results: readonly StoryTaskResult[],
  choice: LlmChoice,
): Promise<ProposedDependency[]> {
  const storyOf = new Map(results.flatMap((r) => r.tasks.map((t) => [t.id, r.story_key] as const)));
  const out = await generateStructured(ctx, {
    schema: LlmCrossStoryLinks,
    schemaName: 'cross_story_dependencies',
    system: SYSTEM(),
    prompt: renderPrompt('plan-cross-story-links', {
      story_count: results.length,
      tasks: results
        .flatMap((r) => r.tasks.map((t) => `${t.id} | ${r.story_key} | ${t.team} | ${t.summary}`))
        .join('\n'),
    }),
    choice: { ...choice, repos: undefined },
    expectedOutputTokens: linksAnswerTokens(results.reduce((n, r) => n + r.tasks.length, 0)),
    fallback: () => ({ dependencies: [] }),
  });
  // Unknown ids go on to the merge, which reports them; same-story links are not this pass's to make.
  return out.data.dependencies
    .filter((d) => {
      const a = storyOf.get(d.from);
      const b = storyOf.get(d.to);
      return a === undefined || b === undefined || a !== b;
    })
    .map((d) => ({
      from: d.from,
      to: d.to,
      reason: d.reason ? `${CROSS_STORY_REASON}: ${d.reason}` : CROSS_STORY_REASON,
    }));
}

// ---- ticket description ----------------------------------------------------------------------------

export interface TicketSource {
  key: string;
  summary: string;
  description: string;
  /** The parent epic's summary, for context. */
  epic_summary?: string | undefined;
}

/**
 * A generated description in the one ticket description format: the model's markdown read into its
 * parts, its criteria and notes as listed (the structured fields win over the prose), and what the
 * ticket holds that the model did not rewrite (test cases, footers such as "Synced from the PRD") kept.
 */
function inTicketFormat(d: TicketDescription, currentMarkdown: string): TicketDescription {
  const current = readTicketDescription(currentMarkdown);
  const read = readTicketDescription(d.description_markdown);
  const parts: TicketSections = {
    ...read,
    acceptance_criteria: d.acceptance_criteria.length > 0 ? d.acceptance_criteria : read.acceptance_criteria,
    technical_notes: d.technical_notes.length > 0 ? d.technical_notes : read.technical_notes,
    test_cases: read.test_cases.length > 0 ? read.test_cases : current.test_cases,
    footer: read.footer.length > 0 ? read.footer : current.footer,
  };
  return {
    ...d,
    description_markdown: writeTicketDescription(parts),
    acceptance_criteria: parts.acceptance_criteria,
    technical_notes: parts.technical_notes,
  };
}

/**
 * A structured description for one ticket, written in the one ticket description format (so a second
 * run reads back what the first wrote, and the rule engine's output is a fixed point).
 */
export async function describeTicket(
  ctx: PlanningCtx,
  ticket: TicketSource,
  choice: LlmChoice,
): Promise<Generated<TicketDescription>> {
  const out = await generateStructured(ctx, {
    schema: TicketDescription,
    schemaName: 'ticket_description',
    system: SYSTEM(),
    prompt: renderPrompt('describe-ticket', {
      ticket_key: ticket.key,
      ticket: joinSections(`# ${ticket.summary}`, ticket.description || '(no description yet)'),
    }),
    context: ticket.epic_summary ? `The ticket belongs to the epic "${ticket.epic_summary}".` : '',
    choice,
    codeAware: true,
    fallback: () =>
      generateTicketDescription({
        key: ticket.key,
        summary: ticket.summary,
        description: ticket.description,
        ...(choice.additional_context ? { additional_context: choice.additional_context } : {}),
      }),
  });
  return { ...out, data: inTicketFormat(out.data, ticket.description) };
}

// ---- test cases ------------------------------------------------------------------------------------

export interface TestItem {
  key: string;
  title: string;
  description: string;
  acceptance_criteria: string[];
  team?: Team;
}

export interface SuiteOptions {
  coverage_level: CoverageLevel;
  prd_text?: string | undefined;
  rfc_text?: string | undefined;
  /** The epic and its PRD read once: the story's labelled context. */
  plan_source?: PlanSource | undefined;
  /** The epic's stories (the story's siblings). */
  stories?: readonly Pick<Story, 'key' | 'title'>[] | undefined;
}

export interface StorySuite {
  story: TestItem;
  tasks: TestItem[];
  story_test_cases: TestCase[];
  task_test_cases: Map<string, TestCase[]>;
  domains: Domain[];
  contexts: TechnicalContext[];
  engine: Generated<unknown>['engine'];
  fallback_reason?: string;
  /** The model calls of this story (absent when no model was asked). */
  llm?: StoryLlmReport;
  /** Where the model's tests fell short of the coverage range and the rules filled in. */
  tests_added_by_rules?: TestsAddedByRules[];
}

const itemText = (i: TestItem) =>
  joinSections(
    `### ${i.key} [${i.team ?? 'task'}] ${i.title}`,
    i.description,
    i.acceptance_criteria.length > 0
      ? `Covers:\n${i.acceptance_criteria.map((c) => `- ${c}`).join('\n')}`
      : 'Covers no criterion directly (technical task).',
  );

/**
 * Test cases for a story and each of its tasks, each within the level's range: one generation per story
 * when the answer fits the model, else one per group of tasks (the story's own cases with the first).
 * Tasks go to the prompt with their descriptions and the criteria they cover.
 */
export async function generateStorySuite(
  ctx: PlanningCtx,
  story: TestItem,
  tasks: readonly TestItem[],
  opts: SuiteOptions,
  choice: LlmChoice,
): Promise<StorySuite> {
  const allText = [story, ...tasks]
    .map((i) => [i.title, i.description, ...i.acceptance_criteria].join('\n'))
    .join('\n');
  const g = guidanceFor(allText, opts.coverage_level);
  const extra = {
    ...(opts.prd_text ? { prd_context: opts.prd_text } : {}),
    ...(opts.rfc_text ? { rfc_context: opts.rfc_text } : {}),
  };
  const subject = (i: TestItem) => ({
    title: i.title,
    description: i.description,
    acceptance_criteria: i.acceptance_criteria,
    ...(i.team ? { team: i.team } : {}),
  });
  const asStory: Story = {
    key: story.key,
    title: story.title,
    description: story.description,
    acceptance_criteria: story.acceptance_criteria,
  };
  const context = storyContextBuilder({
    source: sourceOf(opts),
    story: asStory,
    stories: opts.stories,
    rfc_text: opts.rfc_text,
    additional_context: choice.additional_context,
  });
  const request = (group: readonly TestItem[], withStory: boolean) => {
    const expected = testsAnswerTokens(group.length + (withStory ? 1 : 0), g.range.max);
    return {
      schema: LlmTestSuite,
      schemaName: 'test_suite',
      system: SYSTEM(),
      prompt: renderPrompt('plan-tests', {
        ...g.vars,
        story_key: story.key,
        story_rule: withStory
          ? "acceptance and end-to-end cases for the story's acceptance criteria;"
          : "an empty list (the story's own cases are asked for in another call);",
        story: joinSections(
          `# ${story.key} ${story.title}`,
          story.description,
          `## Acceptance criteria\n${story.acceptance_criteria.map((c) => `- ${c}`).join('\n') || '(none)'}`,
        ),
        tasks: group.length > 0 ? group.map(itemText).join('\n\n') : '(no tasks yet: leave `tasks` empty)',
      }),
      context,
      choice,
      expectedOutputTokens: expected,
      subject: story.key,
      fallback: (): LlmTestSuite => ({
        story_test_cases: withStory
          ? generateTestCases(subject(story), { coverage_level: opts.coverage_level, ...extra })
          : [],
        tasks: group.map((t) => ({
          key: t.key,
          test_cases: generateTestCases(subject(t), { coverage_level: opts.coverage_level, ...extra }),
        })),
      }),
    };
  };
  const whole = request(tasks, true);
  const sizing = tasks.length > 1 ? sizeStructured(ctx, whole) : null;
  const split = sizing !== null && sizing.answer_room_tokens < whole.expectedOutputTokens;
  let groups: TestItem[][] = [[...tasks]];
  if (split) {
    const perItem = testsAnswerTokens(1, g.range.max) - ANSWER_TOKENS.envelope;
    const room = sizeStructured(ctx, request(tasks.slice(0, 1), true))?.answer_room_tokens ?? perItem;
    // The first group also holds the story's cases: one item less.
    groups = evenGroups(tasks, Math.max(1, Math.floor((room - ANSWER_TOKENS.envelope) / perItem) - 1));
  }
  const answers = await Promise.all(
    groups.map(async (group, i) => {
      const req = i === 0 && !split ? whole : request(group, i === 0);
      const out = await generateStructured(ctx, req);
      return {
        group,
        out,
        call: callOf(
          'story_and_task_tests',
          out,
          req.expectedOutputTokens,
          group.map((t) => t.key),
        ),
      };
    }),
  );
  const first = answers[0]!.out;
  const byKey = new Map<string, { cases: TestCase[]; byRules: boolean }>();
  for (const { group, out } of answers) {
    const keys = new Set(group.map((t) => t.key.toUpperCase()));
    for (const t of out.data.tasks)
      if (keys.has(t.key.toUpperCase()))
        byKey.set(t.key.toUpperCase(), { cases: t.test_cases, byRules: out.engine !== 'llm' });
  }
  const added: TestsAddedByRules[] = [];
  const fit = (item: TestItem, cases: readonly TestCase[], byRules: boolean): TestCase[] => {
    const fitted = fitTestCasesReported(cases, subject(item), opts.coverage_level, opts);
    if (!byRules && fitted.added.length > 0) {
      added.push({
        item: item.key,
        title: item.title,
        model_cases: cases.length,
        range: g.range,
        added: fitted.added.map((c) => c.title),
      });
    }
    return fitted.cases;
  };
  const taskCases = new Map<string, TestCase[]>();
  for (const t of tasks) {
    const got = byKey.get(t.key.toUpperCase());
    taskCases.set(t.key, fit(t, got?.cases ?? [], got?.byRules ?? first.engine !== 'llm'));
  }
  const suite: StorySuite = {
    story,
    tasks: [...tasks],
    story_test_cases: fit(story, first.data.story_test_cases, first.engine !== 'llm'),
    task_test_cases: taskCases,
    domains: g.domains,
    contexts: g.contexts,
    engine: first.engine,
  };
  if (first.fallback_reason) suite.fallback_reason = first.fallback_reason;
  const report = storyReport(
    ctx,
    'tests',
    answers.map((a) => a.call),
    first,
    split,
  );
  if (report) suite.llm = report;
  if (added.length > 0) suite.tests_added_by_rules = added;
  return suite;
}
