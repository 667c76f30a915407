/**
 * POST /plan/stories/generate: stories for an epic from its description and its PRD and RFC pages (the
 * epic's PRD/RFC fields, or `prd_url` / `rfc_url`), each with a description, acceptance criteria, story
 * points, a readiness score and an estimate. Stories the epic already has (same title) are marked as
 * such. With `dry_run: false` the new ones are created under the epic, once.
 */
import {
  estimateTicket,
  type Readiness,
  type Story,
  type StoryGenerationRequest,
  scoreReadiness,
} from '@augment/shared';
import { descriptionMarkdown } from '../../planning/adf-markdown.js';
import { type EpicContext, loadEpicContext } from '../../planning/epic-context.js';
import { generateEpicStories } from '../../planning/generate.js';
import { matchStories, type StoryWrite, writeStories } from '../../planning/jira-writer.js';
import { assertProviderUsable, type Engine, type LlmChoice } from '../../planning/structured.js';
import type { JobContext, Processor } from '../types.js';

export interface PlannedStoryView {
  title: string;
  description: string;
  acceptance_criteria: string[];
  story_points: number | null;
  readiness: Pick<Readiness, 'score' | 'level'>;
  estimate_days: number;
  jira: StoryWrite;
}

export interface StoryPlanningResult {
  epic_key: string;
  dry_run: boolean;
  engine: Engine | 'given';
  fallback_reason: string | null;
  sources: {
    epic_description: boolean;
    prd: { title: string; url: string | null } | null;
    rfc: { title: string; url: string | null } | null;
  };
  stories: PlannedStoryView[];
  counts: Record<string, number>;
  warnings: string[];
}

const pageRef = (p: EpicContext['prd']) => (p ? { title: p.title, url: p.url ?? p.ref } : null);

/**
 * Stories for an epic: `given` ones (POST /plan/stories/create with a body) or generated ones, previewed
 * or created. Shared by story_generation and story_creation.
 */
export async function runStoryPlanning(
  ctx: JobContext,
  input: {
    epic_key: string;
    dry_run: boolean;
    prd_url?: string;
    rfc_url?: string;
    max_stories?: number;
  } & LlmChoice,
  given?: Story[],
): Promise<StoryPlanningResult> {
  if (!given) assertProviderUsable(ctx, input);
  const clients = ctx.services.atlassian(ctx.credentials);
  await ctx.progress('reading epic', 5, { epic: input.epic_key });
  const epic = await loadEpicContext(clients, input.epic_key, {
    prdUrl: input.prd_url,
    rfcUrl: input.rfc_url,
    includePages: !given,
  });
  let stories: Story[];
  let engine: StoryPlanningResult['engine'] = 'given';
  let fallbackReason: string | null = null;
  const warnings = [...epic.warnings];
  if (given) {
    stories = given;
  } else {
    await ctx.progress('generating stories', 20);
    const out = await generateEpicStories(
      ctx,
      {
        epic_key: epic.epic.key,
        summary: epic.epic.summary,
        description: epic.description,
        prd_document: epic.prd?.storage,
        rfc_text: epic.rfc?.text,
        max_stories: input.max_stories ?? 20,
      },
      input,
    );
    stories = out.data;
    engine = out.engine;
    fallbackReason = out.fallback_reason ?? null;
    warnings.push(...(out.warnings ?? []));
  }
  let rows: StoryWrite[];
  if (input.dry_run) {
    rows = matchStories(stories, epic.children);
  } else {
    await ctx.progress('creating stories', 60, { stories: stories.length });
    rows = await writeStories(clients.jira, {
      projectKey: epic.epic.projectKey,
      epicKey: epic.epic.key,
      stories,
      children: epic.children,
      onProgress: (done, total) =>
        ctx.progress('creating stories', 60 + Math.round((35 * done) / Math.max(1, total)), { done, total }),
    });
  }
  const counts: Record<string, number> = {};
  for (const r of rows) counts[r.outcome] = (counts[r.outcome] ?? 0) + 1;
  await ctx.progress('done', 100, counts);
  return {
    epic_key: epic.epic.key,
    dry_run: input.dry_run,
    engine,
    fallback_reason: fallbackReason,
    sources: {
      epic_description: epic.description.trim().length > 0,
      prd: pageRef(epic.prd),
      rfc: pageRef(epic.rfc),
    },
    stories: stories.map((s, i) => {
      // A story that repeats another story of the epic (not the issue it stands for) is not ready.
      const siblings = [
        ...epic.children
          .filter((c) => c.key !== rows[i]!.key)
          .map((c) => ({ key: c.key, title: c.summary, description: descriptionMarkdown(c) })),
        ...stories.filter((_, j) => j !== i),
      ];
      const readiness = scoreReadiness(s, { siblings });
      return {
        title: s.title,
        description: s.description,
        acceptance_criteria: s.acceptance_criteria,
        story_points: s.story_points ?? null,
        readiness: { score: readiness.score, level: readiness.level },
        estimate_days: estimateTicket(s).total_effort_days,
        jira: rows[i]!,
      };
    }),
    counts,
    warnings,
  };
}

export const storyGenerationProcessor: Processor<StoryGenerationRequest, StoryPlanningResult> = (
  input,
  ctx,
) => runStoryPlanning(ctx, input);
