/**
 * The planning generators of the runner: each asks the model (or OpenCode) once and falls back to the
 * rule-based engine of `@augment/shared`, which produces the same shape with no AI key.
 * - stories for an epic (epic description + PRD + RFC);
 * - team tasks with their test cases for one story: ONE call per story (the unified generation);
 * - a ticket description;
 * - test cases for a story and its tasks (one call per story).
 * PRD/RFC excerpts travel as additional context, so the facade cuts them to the model's budget.
 */
import {
  COVERAGE_RANGES,
  type CoverageLevel,
  type Domain,
  detectDomains,
  detectTechnicalContexts,
  generateTeamTasks,
  generateTestCases,
  generateTicketDescription,
  type PlanSource,
  type ProposedDependency,
  ProposedDependencyList,
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
import { renderPrompt } from '../prompts/render-prompt.js';
import { normaliseTitle } from './epic-context.js';
import { LlmStoryList, type LlmStoryTask, LlmStoryTaskPlan, LlmTestSuite } from './llm-schemas.js';
import { type Generated, generateStructured, type LlmChoice, type PlanningCtx } from './structured.js';

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
  prd_text?: string | undefined;
  rfc_text?: string | undefined;
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
}

const roundHalf = (d: number) => Math.max(0.5, Math.round(d * 2) / 2);

/** The rule-based plan of a story in the model's answer shape (so both paths map the same way). */
function rulesAnswer(story: Story, opts: TaskOptions): LlmStoryTaskPlan {
  const plan = generateTeamTasks(story, {
    // Splitting happens once, after the dependency pass, for both paths.
    max_task_cycle_days: 100,
    include_tests: opts.include_tests,
    coverage_level: opts.coverage_level,
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

function testsRule(opts: TaskOptions): string {
  if (!opts.include_tests) return 'an empty list (tests are not wanted for this plan).';
  const r = COVERAGE_RANGES[opts.coverage_level];
  return (
    `${r.min} to ${r.max} cases per task ("${opts.coverage_level}" coverage), of the types unit, ` +
    'integration, acceptance, e2e, performance, security or ui; each with steps, an expected result, ' +
    'a priority, and covers_criterion: the acceptance criterion it verifies (verbatim) or null for a technical case.'
  );
}

/** Brings a task's tests within the coverage level's range: extra ones dropped, missing ones from the rules. */
export function fitTestCases(
  cases: readonly TestCase[],
  subject: { title: string; description?: string; acceptance_criteria?: readonly string[]; team?: Team },
  level: CoverageLevel,
  extra: { prd_text?: string | undefined; rfc_text?: string | undefined } = {},
): TestCase[] {
  const range = COVERAGE_RANGES[level];
  const out = cases.slice(0, range.max);
  if (out.length >= range.min) return out;
  const titles = new Set(out.map((c) => c.title.toLowerCase()));
  const more = generateTestCases(subject, {
    coverage_level: level,
    ...(extra.prd_text ? { prd_context: extra.prd_text } : {}),
    ...(extra.rfc_text ? { rfc_context: extra.rfc_text } : {}),
  });
  for (const tc of more) {
    if (out.length >= range.min) break;
    if (titles.has(tc.title.toLowerCase())) continue;
    titles.add(tc.title.toLowerCase());
    out.push(tc);
  }
  return out;
}

/** Maps the model's (or the rules') answer onto TeamTasks of the story. */
export function toStoryTasks(
  story: Story,
  answer: LlmStoryTaskPlan,
  opts: TaskOptions,
  fromRules: boolean,
): { tasks: TeamTask[]; proposed: ProposedDependency[]; story_types: StoryType[] } {
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
  const tasks = answer.tasks.map((t: LlmStoryTask, i): TeamTask => {
    const id = ids[i]!;
    const deps = t.depends_on.map(resolve);
    if (!fromRules) for (const d of deps) proposed.push({ from: d, to: id, reason: 'proposed by the model' });
    const tests = opts.include_tests
      ? fitTestCases(
          t.test_cases,
          {
            title: t.summary,
            description: t.description,
            acceptance_criteria: t.covers_criteria,
            team: t.team,
          },
          opts.coverage_level,
          opts,
        )
      : [];
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
  return { tasks, proposed, story_types: types };
}

/**
 * Team tasks with their test cases for one story, in ONE generation call (the spec's unified task and
 * test generation). Code-aware (OpenCode) when the request names repositories and OpenCode is enabled.
 */
export async function generateStoryTasks(
  ctx: PlanningCtx,
  story: Story,
  opts: TaskOptions,
  choice: LlmChoice,
): Promise<StoryTaskResult> {
  const out = await generateStructured(ctx, {
    schema: LlmStoryTaskPlan,
    schemaName: 'story_task_plan',
    system: SYSTEM(),
    prompt: renderPrompt('plan-story-tasks', {
      story_key: story.key ?? story.title,
      max_task_cycle_days: opts.max_task_cycle_days,
      tests_rule: testsRule(opts),
      story: storyText(story),
    }),
    context: joinSections(section('PRD (excerpt)', opts.prd_text), section('RFC (excerpt)', opts.rfc_text)),
    choice,
    codeAware: true,
    fallback: () => rulesAnswer(story, opts),
  });
  const mapped = toStoryTasks(story, out.data, opts, out.engine === 'rules');
  const result: StoryTaskResult = {
    story_key: story.key ?? 'story',
    story_types: mapped.story_types,
    tasks: mapped.tasks,
    proposed: mapped.proposed,
    engine: out.engine,
  };
  if (out.fallback_reason) result.fallback_reason = out.fallback_reason;
  return result;
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
    schema: ProposedDependencyList,
    schemaName: 'cross_story_dependencies',
    system: SYSTEM(),
    prompt: renderPrompt('plan-cross-story-links', {
      story_count: results.length,
      tasks: results
        .flatMap((r) => r.tasks.map((t) => `${t.id} | ${r.story_key} | ${t.team} | ${t.summary}`))
        .join('\n'),
    }),
    choice: { ...choice, repos: undefined },
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
}

const LEVEL_RULE: Record<CoverageLevel, string> = {
  minimal: 'happy paths only',
  basic: 'happy paths and the main error cases',
  standard: 'happy paths, error cases and edge cases',
  comprehensive: 'everything, including performance and security',
};

/** Test cases for a story and each of its tasks, one generation per story, each within the level's range. */
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
  const domains = detectDomains(allText).domains;
  const contexts = detectTechnicalContexts(allText).contexts;
  const range = COVERAGE_RANGES[opts.coverage_level];
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
  const rules = (): LlmTestSuite => ({
    story_test_cases: generateTestCases(subject(story), { coverage_level: opts.coverage_level, ...extra }),
    tasks: tasks.map((t) => ({
      key: t.key,
      test_cases: generateTestCases(subject(t), { coverage_level: opts.coverage_level, ...extra }),
    })),
  });
  const out = await generateStructured(ctx, {
    schema: LlmTestSuite,
    schemaName: 'test_suite',
    system: SYSTEM(),
    prompt: renderPrompt('plan-tests', {
      story_key: story.key,
      coverage_level: opts.coverage_level,
      test_range: `${range.min} to ${range.max}`,
      level_rule: LEVEL_RULE[opts.coverage_level],
      domains: domains.join(', ') || 'general',
      contexts: contexts.join(', ') || 'general',
      story: joinSections(
        `# ${story.key} ${story.title}`,
        story.description,
        `## Acceptance criteria\n${story.acceptance_criteria.map((c) => `- ${c}`).join('\n') || '(none)'}`,
      ),
      tasks:
        tasks.length > 0
          ? tasks.map((t) => `- ${t.key} [${t.team ?? 'task'}] ${t.title}`).join('\n')
          : '(no tasks yet: leave `tasks` empty)',
    }),
    context: joinSections(section('PRD (excerpt)', opts.prd_text), section('RFC (excerpt)', opts.rfc_text)),
    choice,
    fallback: rules,
  });
  const byKey = new Map(out.data.tasks.map((t) => [t.key.toUpperCase(), t.test_cases]));
  const taskCases = new Map<string, TestCase[]>();
  for (const t of tasks) {
    taskCases.set(
      t.key,
      fitTestCases(byKey.get(t.key.toUpperCase()) ?? [], subject(t), opts.coverage_level, opts),
    );
  }
  const suite: StorySuite = {
    story,
    tasks: [...tasks],
    story_test_cases: fitTestCases(out.data.story_test_cases, subject(story), opts.coverage_level, opts),
    task_test_cases: taskCases,
    domains,
    contexts,
    engine: out.engine,
  };
  if (out.fallback_reason) suite.fallback_reason = out.fallback_reason;
  return suite;
}
