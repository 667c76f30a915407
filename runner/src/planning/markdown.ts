/**
 * Jira descriptions (markdown, turned into ADF by the Jira adapter) of generated stories and tasks, and
 * the reverse: reading the team, estimate, covered criteria and test cases back from a task written here,
 * so coverage and validation work on what is in Jira.
 */
import {
  parseTicketDescription,
  type Story,
  Team,
  type TeamTask,
  type TestCase,
  TestPriority,
  TestType,
} from '@augment/shared';

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/** A story's description: its text, then its acceptance criteria as a list (read back by parseTicketDescription). */
export function storyMarkdown(story: Pick<Story, 'description' | 'acceptance_criteria' | 'title'>): string {
  const out = [story.description.trim() || story.title.trim()];
  if (story.acceptance_criteria.length > 0) {
    out.push('', '## Acceptance criteria', ...story.acceptance_criteria.map((c) => `- ${oneLine(c)}`));
  }
  return `${out.join('\n')}\n`;
}

/** Markdown for a list of test cases (steps numbered, expected result, criterion covered). */
export function testCasesMarkdown(cases: readonly TestCase[], heading = '## Test cases'): string[] {
  if (cases.length === 0) return [];
  const out = ['', heading];
  for (const tc of cases) {
    // Separate paragraphs: consecutive lines would merge into one paragraph in ADF.
    out.push('', `### ${oneLine(tc.title)}`, '', `Type: ${tc.type} · Priority: ${tc.priority}`);
    if (tc.covers_criterion) out.push('', `Covers: ${oneLine(tc.covers_criterion)}`);
    if (tc.description.trim()) out.push('', oneLine(tc.description));
    if (tc.steps.length > 0) {
      out.push('');
      tc.steps.forEach((s, i) => {
        out.push(`${i + 1}. ${oneLine(s)}`);
      });
    }
    out.push('', `Expected: ${oneLine(tc.expected_result)}`);
  }
  return out;
}

/** A task's description: what to build, its team and estimate, the criteria it covers and its tests. */
export function taskMarkdown(task: TeamTask, opts: { storyKey?: string } = {}): string {
  const out = [task.description.trim() || task.summary];
  out.push(
    '',
    '## Planning',
    `- Team: ${task.team}`,
    `- Estimate: ${task.estimate_days} ${task.estimate_days === 1 ? 'day' : 'days'}`,
  );
  if (opts.storyKey ?? task.story_key) out.push(`- Story: ${opts.storyKey ?? task.story_key}`);
  if (task.part) out.push(`- Part ${task.part.index} of ${task.part.of}`);
  if (task.covers_criteria && task.covers_criteria.length > 0) {
    out.push('', '## Acceptance criteria covered', ...task.covers_criteria.map((c) => `- ${oneLine(c)}`));
  }
  out.push(...testCasesMarkdown(task.test_cases));
  return `${out.join('\n')}\n`;
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
  /** The description before the sections written here. */
  body: string;
}

const SECTION = /^##\s+(.+?)\s*$/;

/**
 * Reads a task description written by `taskMarkdown` (or by hand in the same shape). Unknown shapes give
 * empty lists, so a hand-written task still reads as its text.
 */
export function parseTaskMarkdown(text: string): ParsedTask {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const out: ParsedTask = { team: null, estimate_days: null, covers_criteria: [], test_cases: [], body: '' };
  const body: string[] = [];
  let section = '';
  let current: TestCase | null = null;
  const flush = () => {
    if (current) out.test_cases.push(current);
    current = null;
  };
  for (const raw of lines) {
    const line = raw.trim();
    const heading = SECTION.exec(line);
    if (heading) {
      flush();
      section = heading[1]!.toLowerCase();
      continue;
    }
    if (section === '') {
      body.push(raw);
      continue;
    }
    if (section === 'planning') {
      const team = /^-\s*team:\s*(\w+)/i.exec(line);
      if (team && Team.safeParse(team[1]!.toLowerCase()).success) out.team = team[1]!.toLowerCase() as Team;
      const est = /^-\s*estimate:\s*([\d.]+)/i.exec(line);
      if (est) out.estimate_days = Number(est[1]);
    } else if (section.startsWith('acceptance criteria')) {
      const item = /^[-*]\s+(.+)$/.exec(line);
      if (item) out.covers_criteria.push(item[1]!);
    } else if (section === 'test cases') {
      const title = /^###\s+(.+)$/.exec(line);
      if (title) {
        flush();
        current = {
          title: title[1]!,
          type: 'acceptance',
          description: '',
          steps: [],
          expected_result: '',
          covers_criterion: null,
          priority: 'medium',
        };
        continue;
      }
      if (!current || !line) continue;
      const tc: TestCase = current;
      const meta = /^type:\s*([a-z0-9]+)\s*·\s*priority:\s*([a-z]+)/i.exec(line);
      const covers = /^covers:\s*(.+)$/i.exec(line);
      const step = /^\d+[.)]\s+(.+)$/.exec(line);
      const expected = /^expected:\s*(.+)$/i.exec(line);
      if (meta) {
        const type = TestType.safeParse(meta[1]!.toLowerCase());
        const priority = TestPriority.safeParse(meta[2]!.toLowerCase());
        if (type.success) tc.type = type.data;
        if (priority.success) tc.priority = priority.data;
      } else if (covers) tc.covers_criterion = covers[1]!;
      else if (step) tc.steps.push(step[1]!);
      else if (expected) tc.expected_result = expected[1]!;
      else tc.description = tc.description ? `${tc.description} ${line}` : line;
    }
  }
  flush();
  for (const tc of out.test_cases) if (!tc.expected_result) tc.expected_result = 'As described';
  out.body = body.join('\n').trim();
  return out;
}

/** Acceptance criteria of any ticket description (for stories not written by Augment too). */
export function criteriaOf(description: string): string[] {
  return parseTicketDescription(description).criteria;
}
