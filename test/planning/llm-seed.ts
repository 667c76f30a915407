/**
 * Epics for the LLM request suites: the loyalty case (a five-row story table with "All amounts are integer
 * cents" among its non-functional requirements) and a thirty-row PRD, each with its stories in Jira.
 */
import { markdownToAdf } from '../../runner/src/adapters/jira/adf.js';
import { taskMarkdown } from '../../runner/src/planning/markdown.js';
import type { SeedData, SeedIssue } from '../emulator/index.js';

export interface Row {
  title: string;
  description: string;
  criteria: string[];
}

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A Confluence page: goal, a story table, non-functional requirements, questions, out of scope. */
export function prdPage(opts: {
  title: string;
  problem: string;
  rows: readonly Row[];
  nfrs: readonly string[];
  questions?: readonly string[];
  notDoing?: readonly string[];
  extraSections?: readonly { title: string; lines: readonly string[] }[];
}): string {
  const li = (items: readonly string[]) =>
    `<ul>${items.map((i) => `<li><p>${xml(i)}</p></li>`).join('')}</ul>`;
  return [
    `<h1>${xml(opts.title)}</h1>`,
    `<h2>Problem</h2><p>${xml(opts.problem)}</p>`,
    '<h2>Story List</h2><table><tbody>',
    '<tr><th><p>Title</p></th><th><p>Description</p></th><th><p>Acceptance Criteria</p></th></tr>',
    ...opts.rows.map(
      (r) =>
        `<tr><td><p>${xml(r.title)}</p></td><td><p>${xml(r.description)}</p></td><td>${li(r.criteria)}</td></tr>`,
    ),
    '</tbody></table>',
    `<h2>Non-functional requirements</h2>${li(opts.nfrs)}`,
    ...(opts.extraSections ?? []).map((s) => `<h2>${xml(s.title)}</h2>${li(s.lines)}`),
    ...(opts.questions?.length ? [`<h2>Open questions</h2>${li(opts.questions)}`] : []),
    ...(opts.notDoing?.length ? [`<h2>Not doing</h2>${li(opts.notDoing)}`] : []),
  ].join('');
}

export const LOYALTY_ROWS: Row[] = [
  {
    title: 'Earn points',
    description: 'Customers earn one point per euro spent on a paid order.',
    criteria: [
      'Given a paid order of 12.40 EUR, when the order is captured, then 12 points are added to the ledger',
    ],
  },
  {
    title: 'Redeem points',
    description: 'Points pay for part of an order at checkout.',
    criteria: ['100 points are worth 1 EUR', 'Points never pay for shipping'],
  },
  {
    title: 'Refund points',
    description: 'A refunded order takes its points back.',
    criteria: ['Points of a refunded order are removed', 'A balance never goes below zero'],
  },
  {
    title: 'Points expiry',
    description: 'Unused points expire after 12 months.',
    criteria: ['Points older than 12 months expire in the nightly batch'],
  },
  {
    title: 'Ledger export',
    description: 'Finance exports the points ledger as CSV.',
    criteria: ['The CSV reconciles with the order totals'],
  },
];

export const LEDGER_TASK_DESCRIPTION =
  'Stream the points ledger as CSV: one row per balance change with the order id, the points and the amount in integer cents, totals last.';

export const LOYALTY_NFRS = ['All amounts are integer cents', 'Every balance change is audited'];

const CODES = [
  'alpha',
  'bravo',
  'charlie',
  'delta',
  'echo',
  'foxtrot',
  'golf',
  'hotel',
  'india',
  'juliet',
  'kilo',
  'lima',
  'mike',
  'november',
  'oscar',
  'papa',
  'quebec',
  'romeo',
  'sierra',
  'tango',
  'uniform',
  'victor',
  'whiskey',
  'xray',
  'yankee',
  'zulu',
  'amber',
  'cobalt',
  'indigo',
  'saffron',
];

/**
 * Thirty rows of a warehouse console, each about its own zone (named by its own code word), long enough
 * that the whole PRD (about 6,000 tokens) does not fit beside an answer in an 8k window.
 */
export const WAREHOUSE_ROWS: Row[] = CODES.map((code, i) => ({
  title: `Run the ${code} zone`,
  description:
    `The ${code} zone keeps its own ${code} pallets, ${code} bays and ${code} shift roster. ${code} leads ` +
    `register a ${code} pallet when it arrives, move it between ${code} bays, and retire it when it leaves; ` +
    `every ${code} move records the ${code} source bay, the ${code} target bay, the ${code} lead and the time, ` +
    `so that the ${code} night shift finds every ${code} pallet where the ${code} day shift left it (row ${i + 1}).`,
  criteria: [
    `Given a ${code} pallet, when a ${code} lead moves it, then the ${code} move is stored with both ${code} bays`,
    `The ${code} supervisor sees every ${code} move of the current ${code} shift, newest first`,
    `A retired ${code} pallet can no longer be moved between ${code} bays`,
  ],
}));

const storyIssue = (project: string, n: number, epic: string, row: Row): SeedIssue => ({
  key: `${project}-${n}`,
  projectKey: project,
  issueType: 'Story',
  summary: row.title,
  parentKey: epic,
  description: markdownToAdf(
    `${row.description}\n\n## Acceptance criteria\n${row.criteria.map((c) => `- ${c}`).join('\n')}`,
  ),
});

/** LOY-1 (the loyalty PRD, stories LOY-2..LOY-6) and WH-1 (thirty rows, stories WH-2..WH-31). */
export function llmSeed(): SeedData {
  return {
    projects: [
      { key: 'LOY', name: 'Loyalty' },
      { key: 'WH', name: 'Warehouse' },
    ],
    issues: [
      {
        key: 'LOY-1',
        projectKey: 'LOY',
        issueType: 'Epic',
        summary: 'Loyalty points',
        description: 'Reward repeat customers with points they can spend.',
        fields: { PRD: '{{baseUrl}}/wiki/spaces/LOY/pages/3001/Loyalty+PRD' },
      },
      ...LOYALTY_ROWS.map((r, i) => storyIssue('LOY', i + 2, 'LOY-1', r)),
      {
        key: 'LOY-7',
        projectKey: 'LOY',
        issueType: 'Sub-task',
        summary: 'Build the points ledger CSV export',
        parentKey: 'LOY-6',
        description: markdownToAdf(
          taskMarkdown({
            id: 'LOY-7',
            summary: 'Build the points ledger CSV export',
            description: LEDGER_TASK_DESCRIPTION,
            team: 'backend',
            estimate_days: 2,
            depends_on_tasks: [],
            blocked_by_teams: [],
            test_cases: [],
            covers_criteria: ['The CSV reconciles with the order totals'],
            story_key: 'LOY-6',
          }),
        ),
      },
      {
        key: 'WH-1',
        projectKey: 'WH',
        issueType: 'Epic',
        summary: 'Warehouse pallet console',
        description: 'One console for every pallet move in every zone.',
        fields: { PRD: '{{baseUrl}}/wiki/spaces/WH/pages/3002/Warehouse+PRD' },
      },
      ...WAREHOUSE_ROWS.map((r, i) => storyIssue('WH', i + 2, 'WH-1', r)),
    ],
    spaces: [
      { key: 'LOY', name: 'Loyalty' },
      { key: 'WH', name: 'Warehouse' },
    ],
    pages: [
      {
        id: '3001',
        spaceKey: 'LOY',
        title: 'Loyalty PRD',
        storage: prdPage({
          title: 'Loyalty points',
          problem: 'Repeat customers get nothing for coming back.',
          rows: LOYALTY_ROWS,
          nfrs: LOYALTY_NFRS,
          notDoing: ['Tiered membership'],
        }),
      },
      {
        id: '3002',
        spaceKey: 'WH',
        title: 'Warehouse PRD',
        storage: prdPage({
          title: 'Warehouse pallet console',
          problem: 'Pallet moves are written on paper and lost between shifts.',
          rows: WAREHOUSE_ROWS,
          nfrs: ['Every pallet move is stored within 2 seconds', 'Operators sign in with their badge'],
          questions: ['Do supervisors of one zone see other zones?'],
          notDoing: ['Forklift routing'],
        }),
      },
    ],
  };
}
