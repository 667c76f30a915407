/**
 * What one ticket looks like to the planners, read from Jira: its readiness for generation (score and
 * reasons) and its cycle-time estimate per team (the same rules team-based task generation uses), next
 * to what Jira already holds (story points, original estimate, the tasks under it).
 */
import {
  estimateTicket,
  type Readiness,
  type StoryLike,
  scoreReadiness,
  type TicketEstimate,
  ticketForPlanning,
} from '@augment/shared';
import type { JiraClient, JiraIssue } from '../adapters/jira/index.js';
import { issueSections } from '../planning/adf-markdown.js';
import { childrenOf, readIssue, storyFromIssue } from '../planning/epic-context.js';
import { tasksFromIssues } from '../planning/jira-plan.js';

/**
 * The ticket as the readiness rules read it: its criteria, and as description everything else it says,
 * open questions included (the planners' story shape drops them, but they are what makes a story weak).
 */
export function readinessInput(issue: JiraIssue): StoryLike & { acceptance_criteria: string[] } {
  const parsed = ticketForPlanning(issueSections(issue));
  return {
    key: issue.key,
    title: issue.summary,
    description: [parsed.description, ...parsed.questions, ...parsed.out_of_scope].filter(Boolean).join('\n'),
    acceptance_criteria: parsed.acceptance_criteria,
  };
}

export interface TicketReadiness extends Readiness {
  ticket_key: string;
  summary: string;
  issue_type: string;
  acceptance_criteria: string[];
  /** The messages of the signals that lost points, weakest first: what to fix before generating. */
  suggestions: string[];
}

/** A ticket's readiness; with the other children of its epic, a story that repeats one is not ready. */
export function readinessOf(issue: JiraIssue, siblings: readonly JiraIssue[] = []): TicketReadiness {
  const input = readinessInput(issue);
  const r = scoreReadiness(input, {
    siblings: siblings
      .filter((x) => x.key !== issue.key)
      .map((x) => ({ key: x.key, title: x.summary, description: readinessInput(x).description })),
  });
  const suggestions = r.reasons
    .filter((x) => x.points < x.max_points)
    .sort((a, b) => b.max_points - b.points - (a.max_points - a.points))
    .map((x) => x.message);
  return {
    ticket_key: issue.key,
    summary: issue.summary,
    issue_type: issue.issueType,
    ...r,
    acceptance_criteria: input.acceptance_criteria,
    suggestions,
  };
}

/** `GET /plan/readiness/{ticket_key}`: 404 naming `ticket_key` for an unknown ticket. */
export async function ticketReadiness(jira: JiraClient, key: string): Promise<TicketReadiness> {
  const issue = await readIssue(jira, key, 'ticket_key');
  return readinessOf(issue, await siblingsOf(jira, issue));
}

/** The other children of a ticket's parent (its epic), read only for stories with one. */
export async function siblingsOf(jira: JiraClient, issue: JiraIssue): Promise<JiraIssue[]> {
  if (!issue.parentKey || !/^(?:story|user story)$/i.test(issue.issueType.trim())) return [];
  return (await jira.getEpicChildren(issue.parentKey)).filter((c) => c.key !== issue.key);
}

export interface TicketEstimateView extends TicketEstimate {
  ticket_key: string;
  summary: string;
  issue_type: string;
  /** What Jira holds for the ticket, for comparison. */
  jira: { story_points: number | null; original_estimate_days: number | null };
  /** The tasks already under the ticket (sub-tasks), their days per team. Null when there are none. */
  planned: { tasks: number; effort_days: number; per_team: Record<string, number> } | null;
}

const round = (n: number) => Math.round(n * 100) / 100;

/** `GET /plan/estimate/{ticket_key}`: the rules' estimate per team with its reasons, and what is planned. */
export async function ticketEstimate(jira: JiraClient, key: string): Promise<TicketEstimateView> {
  const issue = await readIssue(jira, key, 'ticket_key');
  // The story exactly as task generation reads it, so the two agree.
  const estimate = estimateTicket(storyFromIssue(issue));
  const subtasks = (await childrenOf(jira, [issue.key])).filter((c) => c.parentKey === issue.key);
  let planned: TicketEstimateView['planned'] = null;
  if (subtasks.length > 0) {
    const perTeam: Record<string, number> = {};
    for (const t of tasksFromIssues(subtasks))
      perTeam[t.team] = round((perTeam[t.team] ?? 0) + t.estimate_days);
    planned = {
      tasks: subtasks.length,
      effort_days: round(Object.values(perTeam).reduce((a, b) => a + b, 0)),
      per_team: perTeam,
    };
  }
  return {
    ...estimate,
    ticket_key: issue.key,
    summary: issue.summary,
    issue_type: issue.issueType,
    jira: {
      story_points: issue.storyPoints,
      original_estimate_days:
        issue.originalEstimateSeconds === null ? null : round(issue.originalEstimateSeconds / (8 * 3600)),
    },
    planned,
  };
}
