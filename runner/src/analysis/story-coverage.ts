/**
 * POST /analyze/story-coverage: which acceptance criteria of a story its tasks and tests cover, traced by
 * rules over the story and its sub-tasks in Jira. With `repos` (and OpenCode enabled) the repositories are
 * also read for evidence that each criterion is implemented: that takes minutes, so callers queue it as a
 * `story_coverage` job (`async_mode: true`); the same function answers inline requests.
 */
import { analyzeStoryCoverage, type StoryCoverageRequest } from '@augment/shared';
import { z } from 'zod';
import type { JobContext } from '../jobs/types.js';
import { childrenOf, readIssue, storyFromIssue } from '../planning/epic-context.js';
import { storyTestsOf, tasksFromIssues } from '../planning/jira-plan.js';
import { generateStructured } from '../planning/structured.js';

/** Code-aware evidence for the coverage analysis (OpenCode reads the repositories). */
const CodeEvidence = z.object({
  criteria: z
    .array(
      z.object({
        criterion: z.string(),
        implemented: z.enum(['yes', 'partial', 'no', 'unknown']),
        evidence: z.array(z.string().max(500)).max(20),
      }),
    )
    .max(100),
});

export async function storyCoverage(
  ctx: JobContext,
  input: Omit<StoryCoverageRequest, 'async_mode'>,
): Promise<Record<string, unknown>> {
  const { jira } = ctx.services.atlassian(ctx.credentials);
  await ctx.progress('reading story', 10, { story_key: input.story_key });
  const issue = await readIssue(jira, input.story_key, 'story_key');
  const story = storyFromIssue(issue);
  const tasks = tasksFromIssues(await childrenOf(jira, [issue.key]));
  const coverage = analyzeStoryCoverage(story, tasks, storyTestsOf(issue));
  const result: Record<string, unknown> = {
    ...coverage,
    story_key: issue.key,
    title: story.title,
    engine: 'rules',
    tasks: tasks.map((t) => ({
      key: t.id,
      summary: t.summary,
      team: t.team,
      test_cases: t.test_cases.length,
    })),
  };
  if (input.repos && input.repos.length > 0 && story.acceptance_criteria.length > 0) {
    await ctx.progress('reading repositories', 30, { repos: input.repos.length });
    const out = await generateStructured(ctx, {
      schema: CodeEvidence,
      schemaName: 'story_code_coverage',
      system: 'You review a codebase against the acceptance criteria of a user story.',
      prompt: [
        `For each acceptance criterion of story ${issue.key}, tell whether the code in the repositories`,
        'implements it (yes, partial, no, unknown) and cite the files or tests that show it.',
        '',
        story.acceptance_criteria.map((a) => `- ${a}`).join('\n'),
      ].join('\n'),
      choice: { repos: input.repos, additional_context: input.additional_context },
      codeAware: true,
      fallback: () => ({
        criteria: story.acceptance_criteria.map((criterion) => ({
          criterion,
          implemented: 'unknown' as const,
          evidence: [],
        })),
      }),
    });
    result.code_evidence = out.data.criteria;
    result.engine = out.engine;
  }
  await ctx.progress('done', 100);
  return result;
}
