/**
 * Jira descriptions (markdown, turned into ADF by the Jira adapter) of generated stories and tasks, and
 * the reverse: reading the team, estimate, covered criteria and test cases back from a task written here,
 * so coverage and validation work on what is in Jira. Both go through the one ticket description format
 * of shared/ (`writeTicketDescription` / `readTicketDescription`).
 */
import {
  markdownToPlainText,
  readTicketDescription,
  type Story,
  Team,
  type TeamTask,
  type TestCase,
  writeTicketDescription,
} from '@augment/shared';

/** A story's description: its text (markdown), then its acceptance criteria. */
export function storyMarkdown(story: Pick<Story, 'description' | 'acceptance_criteria' | 'title'>): string {
  return writeTicketDescription({
    description: story.description.trim() || story.title.trim(),
    acceptance_criteria: story.acceptance_criteria,
  });
}

/** A task's covered criteria are written under a heading of their own. */
export const TASK_TITLES = { acceptance_criteria: 'Acceptance criteria covered' } as const;

/**
 * A task's description: what to build, its team and estimate, the criteria it covers, its technical
 * notes (tasks created through `/jira/bulk-create-tasks` may carry them) and its tests.
 */
export function taskMarkdown(
  task: TeamTask,
  opts: { storyKey?: string; technicalNotes?: readonly string[] } = {},
): string {
  const planning = [
    `Team: ${task.team}`,
    `Estimate: ${task.estimate_days} ${task.estimate_days === 1 ? 'day' : 'days'}`,
  ];
  const storyKey = opts.storyKey ?? task.story_key;
  if (storyKey) planning.push(`Story: ${storyKey}`);
  if (task.part) planning.push(`Part ${task.part.index} of ${task.part.of}`);
  return writeTicketDescription(
    {
      description: task.description.trim() || task.summary,
      planning,
      acceptance_criteria: task.covers_criteria ?? [],
      technical_notes: [...(opts.technicalNotes ?? [])],
      test_cases: task.test_cases,
    },
    { titles: TASK_TITLES },
  );
}

/** Jira's duration syntax for days of work (8 hours a day): 1.5 -> "1d 4h". */
export function jiraDuration(days: number): string {
  const hours = Math.max(1, Math.round(days * 8));
  const d = Math.floor(hours / 8);
  const h = hours % 8;
  return [d ? `${d}d` : '', h ? `${h}h` : ''].filter(Boolean).join(' ');
}

export interface ParsedTask {
  team: Team | null;
  estimate_days: number | null;
  covers_criteria: string[];
  test_cases: TestCase[];
  /** The description before the sections written here, as plain text. */
  body: string;
}

/**
 * Reads a task description written by `taskMarkdown` (or by hand in the same shape). Unknown shapes give
 * empty lists, so a hand-written task still reads as its text.
 */
export function parseTaskMarkdown(text: string): ParsedTask {
  const parts = readTicketDescription(text);
  const out: ParsedTask = {
    team: null,
    estimate_days: null,
    covers_criteria: parts.acceptance_criteria,
    test_cases: parts.test_cases,
    body: markdownToPlainText(parts.description),
  };
  for (const line of parts.planning) {
    const team = /^team:\s*(\w+)/i.exec(line);
    if (team && Team.safeParse(team[1]!.toLowerCase()).success) out.team = team[1]!.toLowerCase() as Team;
    const est = /^estimate:\s*([\d.]+)/i.exec(line);
    if (est) out.estimate_days = Number(est[1]);
  }
  return out;
}

/** Acceptance criteria of any ticket description (for stories not written by Augment too). */
export function criteriaOf(description: string): string[] {
  return readTicketDescription(description).acceptance_criteria;
}
