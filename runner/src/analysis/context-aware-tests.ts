/**
 * `POST /plan/tests/task/context-aware`: test cases for one task written with what surrounds it: its
 * story (criteria), the sibling tasks and the tests they already have (so this task's cases do not
 * repeat theirs), and the epic's PRD and RFC pages. One generation (model, or the rules without one);
 * with `dry_run: false` the task's "Test cases" section is replaced by the result.
 */
import {
  COVERAGE_RANGES,
  type ContextAwareTaskTestsRequest,
  dedupeTestCases,
  type TestCase,
} from '@augment/shared';
import type { AtlassianClients } from '../adapters/http/index.js';
import type { JiraIssue } from '../adapters/jira/index.js';
import { AppError } from '../errors.js';
import { mergeDescription } from '../jira-ops/description.js';
import {
  childrenOf,
  type PageText,
  readIssue,
  readPageText,
  storyFromIssue,
} from '../planning/epic-context.js';
import { generateStorySuite } from '../planning/generate.js';
import { taskFromIssue } from '../planning/jira-plan.js';
import { assertProviderUsable, type PlanningCtx } from '../planning/structured.js';

export interface ContextAwareTestsResult {
  dry_run: boolean;
  task_key: string;
  story_key: string;
  epic_key: string | null;
  coverage_level: ContextAwareTaskTestsRequest['coverage_level'];
  tests_per_item: { min: number; max: number };
  engine: string;
  fallback_reason: string | null;
  test_cases: TestCase[];
  /** Generated cases dropped because a sibling task already has a near-identical one. */
  duplicates_of_siblings: { title: string; sibling: string }[];
  context: {
    story: { key: string; title: string; acceptance_criteria: number };
    siblings: { key: string; summary: string; team: string; test_cases: number }[];
    prd: { title: string; url: string | null } | null;
    rfc: { title: string; url: string | null } | null;
  };
  /** Real run: whether the task's description now carries the cases. */
  written: 'updated' | 'unchanged' | null;
  warnings: string[];
}

function siblingContext(siblings: readonly { issue: JiraIssue; team: string; tests: TestCase[] }[]): string {
  if (siblings.length === 0) return '';
  const lines = ['Sibling tasks of the same story (their tests exist already: do not repeat them):'];
  for (const s of siblings) {
    lines.push(`- ${s.issue.key} [${s.team}] ${s.issue.summary}`);
    for (const t of s.tests.slice(0, 10)) lines.push(`  - test: ${t.title}`);
  }
  return lines.join('\n');
}

export async function contextAwareTaskTests(
  ctx: PlanningCtx,
  clients: AtlassianClients,
  req: ContextAwareTaskTestsRequest,
): Promise<ContextAwareTestsResult> {
  assertProviderUsable(ctx, req);
  const { jira, confluence } = clients;
  const warnings: string[] = [];
  const taskIssue = await readIssue(jira, req.task_key, 'task_key');
  const storyKey = req.story_key ?? taskIssue.parentKey;
  if (!storyKey) {
    throw new AppError(400, 'story_required', `${taskIssue.key} has no parent story: give story_key`, {
      field: 'story_key',
    });
  }
  const storyIssue = await readIssue(jira, storyKey, req.story_key ? 'story_key' : 'task_key');
  if (!req.story_key && /epic/i.test(storyIssue.issueType)) {
    throw new AppError(
      400,
      'story_required',
      `${taskIssue.key} is directly under epic ${storyIssue.key}: give story_key`,
      {
        field: 'story_key',
      },
    );
  }
  const story = storyFromIssue(storyIssue);
  const epic = storyIssue.parentKey ? await readIssue(jira, storyIssue.parentKey, 'story_key') : null;
  const [prd, rfc, children] = await Promise.all([
    req.include_prd && epic?.prdUrl ? readPageText(confluence, epic.prdUrl, 'PRD', warnings) : null,
    req.include_rfc && epic?.rfcUrl ? readPageText(confluence, epic.rfcUrl, 'RFC', warnings) : null,
    childrenOf(jira, [storyIssue.key]),
  ]);
  const known = new Set(children.map((c) => c.key));
  const task = taskFromIssue(taskIssue, known);
  const siblings = children
    .filter((c) => c.parentKey === storyIssue.key && c.key !== taskIssue.key)
    .map((issue) => {
      const t = taskFromIssue(issue, known);
      return { issue, team: t.team, tests: t.test_cases };
    });

  const suite = await generateStorySuite(
    ctx,
    {
      key: storyIssue.key,
      title: story.title,
      description: story.description,
      acceptance_criteria: story.acceptance_criteria,
    },
    [
      {
        key: taskIssue.key,
        title: task.summary,
        description: task.description,
        // The criteria the task covers, else the story's: the task is judged against them.
        acceptance_criteria: task.covers_criteria?.length ? task.covers_criteria : story.acceptance_criteria,
        team: task.team,
      },
    ],
    { coverage_level: req.coverage_level, prd_text: prd?.text, rfc_text: rfc?.text },
    {
      llm_provider: req.llm_provider,
      llm_model: req.llm_model,
      llm_temperature: req.llm_temperature,
      additional_context: [siblingContext(siblings), req.additional_context ?? '']
        .filter(Boolean)
        .join('\n\n'),
    },
  );
  const generated = suite.task_test_cases.get(taskIssue.key) ?? [];

  // Siblings' cases first: a generated case near-identical to one of theirs is dropped (unless every one
  // is, then the task keeps its cases: a task without tests is worse than a repeat).
  const siblingCases = siblings.flatMap((s) => s.tests.map((tc) => ({ tc, owner: s.issue.key })));
  const all = [...siblingCases.map((x) => x.tc), ...generated];
  const owners = [...siblingCases.map((x) => x.owner), ...generated.map(() => taskIssue.key)];
  const deduped = dedupeTestCases(all, { threshold: 0.8, preserve_coverage: false });
  const kept = new Set(deduped.kept_indices);
  const unique = generated.filter((_, i) => kept.has(siblingCases.length + i));
  const cases = unique.length > 0 ? unique : generated;
  const duplicates =
    unique.length > 0
      ? deduped.removed
          .filter((r) => r.index >= siblingCases.length)
          .map((r) => ({ title: all[r.index]!.title, sibling: owners[r.duplicate_of]! }))
          .filter((d) => d.sibling !== taskIssue.key)
      : [];

  let written: ContextAwareTestsResult['written'] = null;
  if (!req.dry_run) {
    const merged = mergeDescription(taskIssue.description, { test_cases: cases }, 'replace');
    if (JSON.stringify(merged) === JSON.stringify(taskIssue.description)) written = 'unchanged';
    else {
      await jira.updateIssue(taskIssue.key, { descriptionAdf: merged });
      written = 'updated';
    }
  }
  const page = (p: PageText | null) => (p ? { title: p.title, url: p.url ?? p.ref } : null);
  return {
    dry_run: req.dry_run,
    task_key: taskIssue.key,
    story_key: storyIssue.key,
    epic_key: epic?.key ?? null,
    coverage_level: req.coverage_level,
    tests_per_item: COVERAGE_RANGES[req.coverage_level],
    engine: suite.engine,
    fallback_reason: suite.fallback_reason ?? null,
    test_cases: cases,
    duplicates_of_siblings: duplicates,
    context: {
      story: {
        key: storyIssue.key,
        title: story.title,
        acceptance_criteria: story.acceptance_criteria.length,
      },
      siblings: siblings.map((s) => ({
        key: s.issue.key,
        summary: s.issue.summary,
        team: s.team,
        test_cases: s.tests.length,
      })),
      prd: page(prd),
      rfc: page(rfc),
    },
    written,
    warnings,
  };
}
