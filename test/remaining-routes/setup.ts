/**
 * The remaining-routes suites: a runner (API + worker, real Redis) against the Jira/Confluence emulator
 * seeded with the demo epic DEMO-1 (PRD page 1001 with a "Story List" table; stories DEMO-2 "Guest
 * checkout" and DEMO-3 "Saved cards"; task DEMO-4) plus a ready story, a weak story and sub-tasks, and,
 * when asked, the OpenAI stand-in as the LLM provider.
 */
import { markdownToAdf } from '../../runner/src/adapters/jira/adf.js';
import type { Runner } from '../../runner/src/server.js';
import {
  DEMO_EPIC_KEY,
  demoSeed,
  type Emulator,
  type SeedData,
  type SeedIssue,
  startEmulator,
} from '../emulator/index.js';
import { api, cleanPrefix, testEnv, withRunner } from '../helpers/runner.js';
import { startOpenAiStub } from '../stubs/openai-stub.js';
import type { StubResponder, StubServer } from '../stubs/stub-server.js';

export const READY_STORY = 'DEMO-5';
export const WEAK_STORY = 'DEMO-6';
/** Sub-tasks of the ready story: a backend task covering two of its criteria, and a QA task. */
export const READY_BACKEND_TASK = 'DEMO-7';
export const READY_QA_TASK = 'DEMO-8';

export const READY_CRITERIA: [string, string, string] = [
  'Given an issued invoice, when the customer clicks "Download PDF", then a PDF with the invoice number in its file name is downloaded',
  'The PDF lists every line item with quantity, unit price and line total',
  'A draft invoice cannot be downloaded and the API returns 409',
];

const story = (
  key: string,
  summary: string,
  markdown: string,
  extra: Partial<SeedIssue> = {},
): SeedIssue => ({
  key,
  projectKey: 'DEMO',
  issueType: 'Story',
  summary,
  description: markdownToAdf(markdown),
  parentKey: DEMO_EPIC_KEY,
  ...extra,
});

const subtask = (
  key: string,
  parentKey: string,
  summary: string,
  markdown: string,
  team: string,
): SeedIssue => ({
  key,
  projectKey: 'DEMO',
  issueType: 'Sub-task',
  summary,
  description: markdownToAdf(markdown),
  parentKey,
  labels: ['augment-generated', `team:${team}`],
  originalEstimate: '2d',
});

export const EMPTY_EPIC = 'DEMO-9';

/** The demo seed plus a ready story with two sub-tasks, a weak story, and an epic with no stories. */
export function remainingSeed(): SeedData {
  const seed = demoSeed();
  seed.issues = [
    ...(seed.issues ?? []),
    story(
      READY_STORY,
      'Invoice PDF download',
      [
        'As a customer, I want to download an issued invoice as a PDF so that I can file it with my accounts.',
        'The PDF is rendered by the billing service from the stored invoice; the web app shows a download button on the invoice page.',
        '',
        '## Acceptance criteria',
        '',
        ...READY_CRITERIA.map((c) => `- ${c}`),
      ].join('\n'),
      { storyPoints: 5 },
    ),
    story(WEAK_STORY, 'Misc improvements', 'TBD, see https://example.com/notes'),
    subtask(
      READY_BACKEND_TASK,
      READY_STORY,
      'Implement GET /invoices/{id}/pdf',
      [
        'Render the invoice as a PDF in the billing service.',
        '',
        '## Planning',
        '- Team: backend',
        '- Estimate: 2 days',
        '',
        '## Acceptance criteria covered',
        `- ${READY_CRITERIA[0]}`,
        `- ${READY_CRITERIA[1]}`,
        '',
        '## Test cases',
        '',
        '### PDF file name carries the invoice number',
        'Type: integration · Priority: high',
        `Covers: ${READY_CRITERIA[0]}`,
        '',
        '1. Issue an invoice',
        '2. GET /invoices/{id}/pdf',
        '',
        'Expected: the file name contains the invoice number',
      ].join('\n'),
      'backend',
    ),
    subtask(
      READY_QA_TASK,
      READY_STORY,
      'QA: invoice PDF download',
      ['Test the PDF download end to end.', '', '## Planning', '- Team: qa', '- Estimate: 1 day'].join('\n'),
      'qa',
    ),
    {
      key: EMPTY_EPIC,
      projectKey: 'DEMO',
      issueType: 'Epic',
      summary: 'Team invoicing',
      description:
        'Finance teams create invoices for their customers, send them by e-mail, and record payments against them. Overdue invoices are flagged on a dashboard.',
    },
  ];
  return seed;
}

export interface Started {
  emu: Emulator;
  runner: Runner;
  client: ReturnType<typeof api>;
  llm?: StubServer;
  stop(): Promise<void>;
}

/** Starts the emulator (remainingSeed by default), the LLM stand-in when `llm` is given, and a runner. */
export async function start(
  opts: { seed?: SeedData; llm?: StubResponder; role?: 'all' | 'api' } = {},
): Promise<Started> {
  const emu = await startEmulator({ seed: opts.seed ?? remainingSeed() });
  const llm = opts.llm ? await startOpenAiStub({ responder: opts.llm }) : undefined;
  const { email, apiToken } = emu.credentials.admin;
  const env = testEnv({
    JIRA_SERVER_URL: emu.url,
    JIRA_USERNAME: email,
    JIRA_API_TOKEN: apiToken,
    CONFLUENCE_SERVER_URL: `${emu.url}/wiki`,
    ...(llm
      ? { LLM_PROVIDER: 'openai', OPENAI_API_KEY: 'sk-test-remaining', OPENAI_BASE_URL: llm.baseUrl }
      : {}),
  });
  const runner = await withRunner(env, { role: opts.role ?? 'all' });
  return {
    emu,
    runner,
    client: api(runner),
    ...(llm ? { llm } : {}),
    async stop() {
      await runner.stop();
      await Promise.all([emu.close(), llm?.close()]);
      await cleanPrefix(env.QUEUE_PREFIX);
    },
  };
}

/** Plain text of an ADF document: the one ADF -> text walker (the emulator's). */
export { adfText } from '../emulator/jira.js';

export const issuePosts = (e: Emulator) =>
  e.state.requests.filter((r) => r.method === 'POST' && /^\/rest\/api\/3\/issue(\/bulk)?$/.test(r.path));
export const issuePuts = (e: Emulator) =>
  e.state.requests.filter((r) => r.method === 'PUT' && /^\/rest\/api\/3\/issue\/[^/]+$/.test(r.path));
export const pagePuts = (e: Emulator) =>
  e.state.requests.filter((r) => r.method === 'PUT' && r.path.startsWith('/wiki/'));
