/**
 * An epic's plan as it stands in Jira, in the shapes the shared validators read: stories with their
 * criteria and story-level tests, and tasks with their team, estimate, covered criteria, tests and
 * the "Blocks" links between them. Tasks written by Augment carry all of it in their description; other
 * tasks fall back to the sprint planner's team and estimate rules.
 */
import {
  detectTeam,
  estimateOf,
  type Story,
  Team,
  type TeamTask,
  type TestCase,
  withBlockedByTeams,
} from '@augment/shared';
import type { JiraIssue } from '../adapters/jira/index.js';
import { descriptionMarkdown } from './adf-markdown.js';
import { parseTaskMarkdown } from './markdown.js';

/** A Jira task as a planning task; `id` is its key, its dependencies are its blockers among `known`. */
export function taskFromIssue(issue: JiraIssue, known: ReadonlySet<string>): TeamTask {
  const parsed = parseTaskMarkdown(descriptionMarkdown(issue));
  const detected = Team.safeParse(detectTeam(issue).team);
  const team: Team = parsed.team ?? (detected.success ? detected.data : 'backend');
  const estimate = parsed.estimate_days ?? estimateOf(issue).days;
  const blockers = issue.blocks
    .filter((l) => l.blocked === issue.key && l.blocker !== issue.key && known.has(l.blocker))
    .map((l) => l.blocker);
  const task: TeamTask = {
    id: issue.key,
    summary: issue.summary || issue.key,
    description: parsed.body,
    team,
    estimate_days: estimate > 0 ? Math.min(100, estimate) : 1,
    depends_on_tasks: [...new Set(blockers)],
    blocked_by_teams: [],
    test_cases: parsed.test_cases,
    covers_criteria: parsed.covers_criteria,
  };
  if (issue.parentKey) task.story_key = issue.parentKey;
  return task;
}

/** Tasks from Jira issues, with `blocked_by_teams` derived from the links between them. */
export function tasksFromIssues(issues: readonly JiraIssue[]): TeamTask[] {
  const known = new Set(issues.map((i) => i.key));
  return withBlockedByTeams(issues.map((i) => taskFromIssue(i, known)));
}

/** The test cases written in a story's own description ("Test cases" section). */
export function storyTestsOf(issue: JiraIssue): TestCase[] {
  return parseTaskMarkdown(descriptionMarkdown(issue)).test_cases;
}

/** Stories keep their key, so tasks can be matched to them. */
export function storiesOf(records: readonly { story: Story }[]): Story[] {
  return records.map((r) => r.story);
}
