import { z } from 'zod';
import { ISSUE_KEY } from './issue-key.js';

/** The background job types of the runner (FEATURES.md, "Background Job Processing"). */
export const JobType = z.enum([
  'batch',
  'single',
  'story_generation',
  'prd_story_sync',
  'task_generation',
  'test_generation',
  'epic_creation',
  'story_creation',
  'task_creation',
  'sprint_planning',
  'timeline_planning',
  /** One stage of a Draft PR pipeline (queued by the /draft-pr routes, not a generation endpoint). */
  'draft_pr_stage',
  /** Fills what an epic is missing: stories, tasks, tests (POST /plan/epic/complete). */
  'epic_completion',
  /** Which acceptance criteria a story's tasks, tests and (with `repos`) code cover (POST /analyze/story-coverage). */
  'story_coverage',
]);
export type JobType = z.infer<typeof JobType>;

/** Jira issue keys (see issue-key.ts): upper-case project key, dash, number. */
export const IssueKey = z.string().trim().regex(ISSUE_KEY, 'must be a Jira issue key such as PROJ-123');
export type IssueKey = z.infer<typeof IssueKey>;
