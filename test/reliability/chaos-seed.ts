/**
 * Emulator data for the chaos run, sized by the number of jobs: epics whose PRD page lists three stories
 * (for PRD -> story sync jobs, which create the stories and write their links into the PRD table) and
 * stories that describe an API with a screen (for task-creation jobs, which create team sub-tasks and
 * Blocks links between them). Every epic and story has the same shape, so every job of a kind writes the
 * same number of issues, links and PRD rows.
 */
import type { SeedData, SeedIssue } from '../emulator/index.js';

export const CHAOS_PROJECT = 'CH';
export const PRD_ROWS = 3;

const cell = (text: string) => `<td><p>${text}</p></td>`;
const ROW_TOPICS = ['Export', 'Approval', 'Reminder'];

/** The titles of the rows of epic `i`'s PRD table. */
export const prdRowTitles = (i: number) => ROW_TOPICS.map((t) => `${t} flow ${i}`);

function prdStorage(i: number): string {
  const rows = prdRowTitles(i).map((title, r) =>
    [
      '<tr>',
      cell(title),
      cell(
        `As a finance manager I can use the ${title.toLowerCase()} so that invoices move on without e-mail.`,
      ),
      `<td><p>Given: an invoice in draft ${r + 1}</p><p>When: the manager starts the ${title.toLowerCase()}</p><p>Then: the invoice shows the new state within a minute</p></td>`,
      '</tr>',
    ].join(''),
  );
  return [
    `<h1>Invoicing area ${i}</h1>`,
    '<p>Goal: invoices go from draft to paid without leaving the product.</p>',
    '<h2>Story List</h2>',
    '<table data-layout="default"><colgroup><col /><col /><col /></colgroup><tbody>',
    '<tr><th><p><strong>Title</strong></p></th><th><p><strong>Description</strong></p></th><th><p><strong>Acceptance Criteria</strong></p></th></tr>',
    ...rows,
    '</tbody></table>',
  ].join('');
}

const STORY_DESCRIPTION = [
  'As an accountant I can see the list of invoices of a customer on a new screen, filtered by status.',
  '',
  'The backend exposes a REST API endpoint GET /customers/{id}/invoices with paging; the web page shows the',
  'list with a status filter and stores the chosen filter.',
  '',
  'Acceptance criteria:',
  '- The endpoint returns at most 50 invoices per page, newest first',
  '- The page shows number, date, amount and status of each invoice',
  '- Choosing a status filter reloads the list within one second',
].join('\n');

export interface ChaosSeed {
  seed: SeedData;
  /** Epic keys, one per PRD sync job. */
  epics: string[];
  /** Story keys, one per task creation job. */
  stories: string[];
  prdPageOf: Map<string, string>;
}

/** `syncJobs` epics with a PRD page, `taskJobs` stories under one epic. */
export function chaosSeed(syncJobs: number, taskJobs: number): ChaosSeed {
  const issues: SeedIssue[] = [];
  const pages: NonNullable<SeedData['pages']> = [];
  const epics: string[] = [];
  const prdPageOf = new Map<string, string>();
  let n = 0;
  const key = () => `${CHAOS_PROJECT}-${++n}`;
  for (let i = 0; i < syncJobs; i++) {
    const epic = key();
    const pageId = String(5000 + i);
    epics.push(epic);
    prdPageOf.set(epic, pageId);
    issues.push({
      key: epic,
      projectKey: CHAOS_PROJECT,
      issueType: 'Epic',
      summary: `Invoicing area ${i}`,
      description: 'Invoices from draft to paid inside the product.',
      fields: { PRD: `{{baseUrl}}/wiki/spaces/${CHAOS_PROJECT}/pages/${pageId}/Invoicing+area+${i}` },
    });
    pages.push({
      id: pageId,
      spaceKey: CHAOS_PROJECT,
      title: `Invoicing area ${i} PRD`,
      storage: prdStorage(i),
    });
  }
  const storyEpic = key();
  issues.push({
    key: storyEpic,
    projectKey: CHAOS_PROJECT,
    issueType: 'Epic',
    summary: 'Customer invoices',
    description: 'Accountants see and filter the invoices of each customer.',
  });
  const stories: string[] = [];
  for (let i = 0; i < taskJobs; i++) {
    const story = key();
    stories.push(story);
    issues.push({
      key: story,
      projectKey: CHAOS_PROJECT,
      issueType: 'Story',
      summary: `Invoice list of customer group ${i}`,
      description: STORY_DESCRIPTION,
      parentKey: storyEpic,
      storyPoints: 5,
    });
  }
  return {
    seed: {
      projects: [{ key: CHAOS_PROJECT, name: 'Chaos', id: '10100' }],
      issues,
      spaces: [{ key: CHAOS_PROJECT, name: 'Chaos' }],
      pages,
    },
    epics,
    stories,
    prdPageOf,
  };
}
