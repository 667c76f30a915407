/**
 * POST /plan/epic/create: plans a new epic from a summary, a description and optional PRD/RFC pages:
 * the epic, its stories and (with `create_tasks`) the team tasks of each story with their links.
 * Dry run (the default) returns the whole plan; a real run creates the epic (once: an earlier run's epic
 * is found by its idempotency key), its stories and tasks, and the "Blocks" links.
 */
import {
  type EpicCreationRequest,
  estimateTicket,
  type PlanSource,
  type Story,
  scoreReadiness,
} from '@augment/shared';
import pLimit from 'p-limit';
import {
  type AssembledPlan,
  assembleTaskPlan,
  type TaskDetail,
  taskDetails,
} from '../../planning/assemble-plan.js';
import { type PageText, readPageText } from '../../planning/epic-context.js';
import {
  generateEpicStories,
  generateStoryTasks,
  type StoryLlmReport,
  type StoryTaskResult,
  type TestsAddedByRules,
} from '../../planning/generate.js';
import {
  createIssuesOnce,
  epicIdempotencyKey,
  GENERATED_LABEL,
  matchStories,
  type RelationshipCreated,
  type StoryWrite,
  type TaskWrite,
  writeStories,
} from '../../planning/jira-writer.js';
import { storyWarnings, writeTaskPlan } from '../../planning/planning-service.js';
import { assertProviderUsable, type Engine } from '../../planning/structured.js';
import type { Processor } from '../types.js';

export interface EpicCreationResult {
  dry_run: boolean;
  engine: Engine;
  fallback_reason: string | null;
  epic: {
    project_key: string;
    summary: string;
    key: string | null;
    outcome: 'previewed' | 'created' | 'already_existed' | 'error';
    reason: string | null;
  };
  stories: {
    title: string;
    description: string;
    acceptance_criteria: string[];
    story_points: number | null;
    readiness: number;
    estimate_days: number;
    jira: StoryWrite;
    /** The model calls that planned the story's tasks (null: none). */
    llm: StoryLlmReport | null;
    tests_added_by_rules: TestsAddedByRules[];
  }[];
  task_details: TaskDetail[];
  relationships: AssembledPlan['relationships'];
  dropped_dependencies: AssembledPlan['dropped'];
  created_tasks?: TaskWrite[];
  relationships_created?: RelationshipCreated[];
  estimate_total_days: number;
  warnings: string[];
}

export const epicCreationProcessor: Processor<EpicCreationRequest, EpicCreationResult> = async (
  input,
  ctx,
) => {
  assertProviderUsable(ctx, input);
  // A preview without PRD/RFC pages needs no Jira site at all.
  const clients = () => ctx.services.atlassian(ctx.credentials);
  const warnings: string[] = [];
  await ctx.progress('reading sources', 5);
  const [prd, rfc] = await Promise.all([
    input.prd_url ? readPageText(clients().confluence, input.prd_url, 'PRD', warnings) : null,
    input.rfc_url ? readPageText(clients().confluence, input.rfc_url, 'RFC', warnings) : null,
  ] as Promise<PageText | null>[]);

  let stories: Story[] = [];
  let source: PlanSource | undefined;
  let engine: Engine = 'rules';
  let fallbackReason: string | null = null;
  if (input.create_stories || input.create_tasks) {
    await ctx.progress('generating stories', 15);
    const out = await generateEpicStories(
      ctx,
      {
        summary: input.summary,
        description: input.description,
        prd_document: prd?.storage,
        rfc_text: rfc?.text,
        max_stories: 20,
      },
      input,
    );
    stories = out.data.map((s, i) => ({ ...s, key: `S${i + 1}` }));
    source = out.source;
    engine = out.engine;
    fallbackReason = out.fallback_reason ?? null;
  }

  let results: StoryTaskResult[] = [];
  if (input.create_tasks) {
    const limit = pLimit(2);
    let done = 0;
    const opts = {
      max_task_cycle_days: 3,
      include_tests: true,
      coverage_level: 'standard' as const,
      prd_text: prd?.text,
      rfc_text: rfc?.text,
      plan_source: source,
      stories,
    };
    results = await Promise.all(
      stories.map((s) =>
        limit(async () => {
          const r = await generateStoryTasks(ctx, s, opts, input);
          warnings.push(...storyWarnings(s.title, r));
          done++;
          await ctx.progress('generating tasks', 30 + Math.round((30 * done) / stories.length), { done });
          return r;
        }),
      ),
    );
  }

  const epicView: EpicCreationResult['epic'] = {
    project_key: input.project_key,
    summary: input.summary,
    key: null,
    outcome: 'previewed',
    reason: null,
  };
  let storyRows: StoryWrite[] = matchStories(stories, []);
  let plan = assembleTaskPlan(results, 3);
  const extra: Partial<EpicCreationResult> = {};

  if (!input.dry_run) {
    await ctx.progress('creating epic', 62);
    const [epicOut] = await createIssuesOnce(clients().jira, [
      {
        input: {
          projectKey: input.project_key,
          issueType: 'Epic',
          summary: input.summary,
          description: input.description || input.summary,
          labels: [GENERATED_LABEL],
          ...(input.prd_url ? { prdUrl: input.prd_url } : {}),
          ...(input.rfc_url ? { rfcUrl: input.rfc_url } : {}),
        },
        idempotencyKey: epicIdempotencyKey(input.project_key, input.summary),
      },
    ]);
    if (!epicOut?.ok) {
      epicView.outcome = 'error';
      epicView.reason = epicOut?.error ?? 'Jira refused the epic';
    } else {
      epicView.key = epicOut.key;
      epicView.outcome = epicOut.created ? 'created' : 'already_existed';
      epicView.reason = epicOut.warning ?? null;
      const epicKey = epicOut.key;
      if (stories.length > 0) {
        await ctx.progress('creating stories', 70);
        const children = await clients().jira.getEpicChildren(epicKey);
        storyRows = await writeStories(clients().jira, {
          projectKey: input.project_key,
          epicKey,
          stories,
          children,
        });
      }
      if (input.create_tasks) {
        // Tasks were planned against placeholder story keys; now they belong to the real stories.
        const realKey = new Map(stories.map((s, i) => [s.key!, storyRows[i]?.key ?? null]));
        const remapped = results
          .filter((r) => realKey.get(r.story_key))
          .map((r) => {
            const key = realKey.get(r.story_key)!;
            const rename = (id: string) =>
              id.startsWith(`${r.story_key}-`) ? `${key}${id.slice(r.story_key.length)}` : id;
            return {
              ...r,
              story_key: key,
              tasks: r.tasks.map((t) => ({
                ...t,
                id: rename(t.id),
                story_key: key,
                depends_on_tasks: t.depends_on_tasks.map(rename),
              })),
              proposed: r.proposed.map((p) => ({ ...p, from: rename(p.from), to: rename(p.to) })),
            };
          });
        plan = assembleTaskPlan(remapped, 3);
        const refs = stories.flatMap((s) => {
          const key = realKey.get(s.key!);
          return key ? [{ key, projectKey: input.project_key, story: { ...s, key } }] : [];
        });
        const written = await writeTaskPlan(
          ctx,
          clients().jira,
          refs,
          { results: remapped, plan },
          {
            createLinks: true,
            include_tests: true,
            coverage_level: 'standard',
            max_task_cycle_days: 3,
            choice: input,
          },
        );
        extra.created_tasks = written.tasks;
        extra.relationships_created = written.relationships_created;
        extra.task_details = taskDetails(plan.tasks, written.keyOf);
      }
    }
  }
  for (const d of plan.dropped)
    warnings.push(`Dependency ${d.from} -> ${d.to} dropped (${d.reason}): ${d.detail}.`);
  await ctx.progress('done', 100);
  return {
    dry_run: input.dry_run,
    engine,
    fallback_reason: fallbackReason,
    epic: epicView,
    stories: stories.map((s, i) => ({
      title: s.title,
      description: s.description,
      acceptance_criteria: s.acceptance_criteria,
      story_points: s.story_points ?? null,
      readiness: scoreReadiness(s).score,
      estimate_days: estimateTicket(s).total_effort_days,
      jira: storyRows[i]!,
      llm: results.find((r) => r.story_key === s.key)?.llm ?? null,
      tests_added_by_rules: results.find((r) => r.story_key === s.key)?.tests_added_by_rules ?? [],
    })),
    task_details: taskDetails(plan.tasks),
    relationships: plan.relationships,
    dropped_dependencies: plan.dropped,
    estimate_total_days: Math.round(plan.tasks.reduce((n, t) => n + t.estimate_days, 0) * 100) / 100,
    warnings,
    ...extra,
  };
};
