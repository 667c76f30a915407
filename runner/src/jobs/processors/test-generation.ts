/**
 * POST /plan/tests/comprehensive: a test suite for an epic's stories and tasks at a coverage level
 * (minimal 1-2, basic 2-4, standard 3-6, comprehensive 5-10 cases per item), shaped by the domain and
 * technical context found in the epic and by its PRD/RFC pages; near-identical cases are removed across
 * the whole epic. With `dry_run: false` each story's and task's "Test cases" section is written into
 * its Jira description (replacing the section an earlier run wrote).
 */
import {
  COVERAGE_RANGES,
  type Domain,
  dedupeTestCases,
  type TechnicalContext,
  type TestCase,
  type TestGenerationRequest,
} from '@augment/shared';
import pLimit from 'p-limit';
import { AtlassianError } from '../../adapters/http/index.js';
import type { JiraClient, JiraIssue } from '../../adapters/jira/index.js';
import { mergeDescription } from '../../jira-ops/description.js';
import { descriptionMarkdown } from '../../planning/adf-markdown.js';
import { loadEpicContext } from '../../planning/epic-context.js';
import {
  generateStorySuite,
  type StoryLlmReport,
  type StorySuite,
  type TestItem,
  type TestsAddedByRules,
} from '../../planning/generate.js';
import { parseTaskMarkdown } from '../../planning/markdown.js';
import { epicPlanSource, storyWarnings } from '../../planning/planning-service.js';
import { assertProviderUsable } from '../../planning/structured.js';
import type { Processor } from '../types.js';

export interface ItemTests {
  key: string;
  title: string;
  team?: string | null;
  /** Cases generated for the item (within the coverage range), before the epic-wide de-duplication. */
  generated: number;
  test_cases: TestCase[];
  /** Real run: whether the item's description now carries the cases. */
  written?: 'updated' | 'error';
  error?: string;
}

export interface TestGenerationResult {
  epic_key: string;
  dry_run: boolean;
  coverage_level: TestGenerationRequest['coverage_level'];
  tests_per_item: { min: number; max: number };
  engine: string;
  domains: Domain[];
  technical_contexts: TechnicalContext[];
  sources: {
    prd: { title: string; url: string | null } | null;
    rfc: { title: string; url: string | null } | null;
  };
  stories: (ItemTests & {
    tasks: ItemTests[];
    /** The model calls of the story's tests (null: none). */
    llm: StoryLlmReport | null;
    /** Cases the rules added where the model's fell short of the range. */
    tests_added_by_rules: TestsAddedByRules[];
  })[];
  totals: {
    stories: number;
    tasks: number;
    test_cases: number;
    by_type: Record<string, number>;
    by_priority: Record<string, number>;
  };
  dedupe: { before: number; after: number; removed: number };
  execution_time_ms: number;
  warnings: string[];
}

async function writeTests(
  jira: JiraClient,
  issue: JiraIssue,
  cases: TestCase[],
  item: ItemTests,
): Promise<void> {
  try {
    // Only the "Test cases" section changes: every other node of the description stays as it is.
    const merged = mergeDescription(issue.description, { test_cases: cases }, 'replace');
    await jira.updateIssue(issue.key, { descriptionAdf: merged });
    item.written = 'updated';
  } catch (err) {
    if (!(err instanceof AtlassianError) || err.retryable) throw err;
    item.written = 'error';
    item.error = err.message;
  }
}

export const testGenerationProcessor: Processor<TestGenerationRequest, TestGenerationResult> = async (
  input,
  ctx,
) => {
  const started = performance.now();
  assertProviderUsable(ctx, input);
  const clients = ctx.services.atlassian(ctx.credentials);
  await ctx.progress('reading epic', 5, { epic: input.epic_key });
  const epic = await loadEpicContext(clients, input.epic_key, {
    prdUrl: input.prd_url,
    rfcUrl: input.rfc_url,
    includeTasks: input.include_tasks,
  });
  const warnings = [...epic.warnings];
  if (epic.stories.length === 0) warnings.push(`${epic.epic.key} has no stories: generate them first.`);
  const tasksOf = (key: string) => epic.tasks.filter((t) => t.parentKey === key);
  const source = epicPlanSource(epic.epic, { prd: epic.prd });

  const limit = pLimit(2);
  let done = 0;
  const suites: StorySuite[] = await Promise.all(
    epic.stories.map((s) =>
      limit(async () => {
        ctx.signal.throwIfAborted();
        const story: TestItem = {
          key: s.issue.key,
          title: s.story.title,
          description: s.story.description,
          acceptance_criteria: s.story.acceptance_criteria,
        };
        const tasks: TestItem[] = input.include_tasks
          ? tasksOf(s.issue.key).map((t) => {
              const parsed = parseTaskMarkdown(descriptionMarkdown(t));
              return {
                key: t.key,
                title: t.summary,
                description: parsed.body,
                acceptance_criteria: parsed.covers_criteria,
                ...(parsed.team ? { team: parsed.team } : {}),
              };
            })
          : [];
        const suite = await generateStorySuite(
          ctx,
          story,
          tasks,
          {
            coverage_level: input.coverage_level,
            prd_text: epic.prd?.text,
            rfc_text: epic.rfc?.text,
            plan_source: source,
            stories: epic.stories.map((x) => x.story),
          },
          input,
        );
        warnings.push(...storyWarnings(s.issue.key, suite));
        done++;
        await ctx.progress('generating tests', 10 + Math.round((60 * done) / epic.stories.length), {
          story: s.issue.key,
          done,
          total: epic.stories.length,
        });
        return suite;
      }),
    ),
  );

  // Epic-wide de-duplication: task cases first (they win over look-alike story cases), every item keeps one.
  const all: TestCase[] = [];
  const owners: string[] = [];
  const scopes: string[] = [];
  for (const suite of suites) {
    for (const t of suite.tasks) {
      for (const tc of suite.task_test_cases.get(t.key) ?? []) {
        all.push(tc);
        owners.push(t.key);
        scopes.push(suite.story.key);
      }
    }
  }
  for (const suite of suites) {
    if (!input.include_stories) continue;
    for (const tc of suite.story_test_cases) {
      all.push(tc);
      owners.push(suite.story.key);
      scopes.push(suite.story.key);
    }
  }
  const deduped = dedupeTestCases(all, { threshold: 0.8, scopes, groups: owners });
  const kept = new Map<string, TestCase[]>();
  for (const i of deduped.kept_indices) kept.set(owners[i]!, [...(kept.get(owners[i]!) ?? []), all[i]!]);

  const issueOf = new Map([
    ...epic.stories.map((s) => [s.issue.key, s.issue] as const),
    ...epic.tasks.map((t) => [t.key, t] as const),
  ]);
  const stories: TestGenerationResult['stories'] = suites.map((suite) => ({
    key: suite.story.key,
    title: suite.story.title,
    generated: input.include_stories ? suite.story_test_cases.length : 0,
    test_cases: kept.get(suite.story.key) ?? [],
    tasks: suite.tasks.map((t) => ({
      key: t.key,
      title: t.title,
      team: t.team ?? null,
      generated: suite.task_test_cases.get(t.key)?.length ?? 0,
      test_cases: kept.get(t.key) ?? [],
    })),
    llm: suite.llm ?? null,
    tests_added_by_rules: suite.tests_added_by_rules ?? [],
  }));

  if (!input.dry_run) {
    await ctx.progress('writing tests', 75);
    const writes = pLimit(4);
    const items = stories.flatMap((s) => [...(input.include_stories ? [s] : []), ...s.tasks]);
    await Promise.all(
      items.map((item) =>
        writes(async () => {
          const issue = issueOf.get(item.key);
          if (issue && item.test_cases.length > 0)
            await writeTests(clients.jira, issue, item.test_cases, item);
        }),
      ),
    );
  }

  const keptCases = deduped.kept;
  const count = (f: (tc: TestCase) => string) => {
    const out: Record<string, number> = {};
    for (const tc of keptCases) out[f(tc)] = (out[f(tc)] ?? 0) + 1;
    return out;
  };
  const engines = new Set(suites.map((s) => s.engine));
  await ctx.progress('done', 100, { test_cases: keptCases.length });
  return {
    epic_key: epic.epic.key,
    dry_run: input.dry_run,
    coverage_level: input.coverage_level,
    tests_per_item: COVERAGE_RANGES[input.coverage_level],
    engine: engines.size === 1 ? [...engines][0]! : engines.size === 0 ? 'rules' : 'mixed',
    domains: [...new Set(suites.flatMap((s) => s.domains))],
    technical_contexts: [...new Set(suites.flatMap((s) => s.contexts))],
    sources: {
      prd: epic.prd ? { title: epic.prd.title, url: epic.prd.url ?? epic.prd.ref } : null,
      rfc: epic.rfc ? { title: epic.rfc.title, url: epic.rfc.url ?? epic.rfc.ref } : null,
    },
    stories,
    totals: {
      stories: stories.length,
      tasks: stories.reduce((n, s) => n + s.tasks.length, 0),
      test_cases: keptCases.length,
      by_type: count((tc) => tc.type),
      by_priority: count((tc) => tc.priority),
    },
    dedupe: { before: all.length, after: keptCases.length, removed: deduped.removed.length },
    execution_time_ms: Math.round(performance.now() - started),
    warnings,
  };
};
