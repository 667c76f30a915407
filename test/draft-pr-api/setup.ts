/**
 * One runner (API + worker, real Redis) wired to local stand-ins: the Jira emulator holding the stories,
 * the GitHub pull-request stub, the LLM stub, and a real bare git "origin" served over git's smart HTTP
 * with basic auth (the runner reaches it through DRAFT_PR_GIT_URL_REWRITES, as it would a mirror).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { basicAuthHeader } from '../../runner/src/adapters/git/git-env.js';
import { markdownToAdf } from '../../runner/src/adapters/jira/adf.js';
import type { Env } from '../../runner/src/env.js';
import type { Runner } from '../../runner/src/server.js';
import { createOrigin, type Origin } from '../draft-pr/git-fixtures.js';
import { type GitHttpServer, startGitHttpServer } from '../draft-pr/git-http-server.js';
import { type Emulator, type SeedIssue, startEmulator } from '../emulator/index.js';
import { TEST_APP_UUID } from '../helpers/forge-jwks.js';
import { api, cleanPrefix, logSink, TEST_API_KEY, testEnv, waitFor, withRunner } from '../helpers/runner.js';
import { startOpenAiStub } from '../stubs/openai-stub.js';
import { type ScmStub, startScmStub } from '../stubs/scm-stub.js';
import type { StubServer } from '../stubs/stub-server.js';

export const GH_TOKEN = 'ghp_apiSuiteToken_5c4b3a2d1e';
/** A second API key whose caller belongs to docs_team (DRAFT_PR_APPROVER_TEAMS). */
export const DOCS_KEY = 'docs-team-key-0123456789';
export const DOCS_PRINCIPAL = `key:${createHash('sha256').update(DOCS_KEY).digest('hex').slice(0, 8)}`;
export const REPO_URL = 'https://github.com/acme/invoices';
/** Bitbucket Cloud: an Atlassian account email with an API token (basic auth). */
export const BB_EMAIL = 'bot-5e1f@acme.example';
export const BB_TOKEN = 'ATATT3xBitbucketSuiteToken_9d8c7b6a';
export const BB_REPO_URL = 'https://bitbucket.org/acme/invoices.git';
/** The story whose plan comes from the LLM stub (every other prompt gets an unusable answer). */
export const LLM_STORY = 'SHOP-11';

export const LLM_PLAN = {
  summary: 'Add a CSV export of invoices to the invoices module.',
  scope: { added: [], modified: ['src/invoices.ts'], deleted: [], renamed: [] },
  happy_paths: ['Invoices are exported as CSV lines'],
  edge_cases: ['No invoices: only the header line'],
  failure_modes: [{ trigger: 'An invoice has a comma', impact: 'Broken column', mitigation: 'Quote fields' }],
  assumptions: ['Invoices are strings'],
  unknowns: [],
  tests: [{ name: 'exports a CSV header', type: 'unit' }],
  rollback: ['Revert the commit'],
  cross_repo_impacts: [],
  estimated_loc_delta: 3,
  changes: [
    {
      action: 'modify',
      path: 'src/invoices.ts',
      content:
        'export const invoices: string[] = [];\nexport const toCsv = (rows: string[]) => ["invoice", ...rows].join("\\n");\n',
    },
  ],
};

const story = (key: string, summary: string, markdown: string): SeedIssue => ({
  key,
  projectKey: 'SHOP',
  issueType: 'Story',
  summary,
  description: markdownToAdf(markdown),
});
const withCriteria = (text: string) =>
  `${text}\n\n## Acceptance criteria\n\n- Given invoices, when exported, then a CSV file is downloaded\n- Amounts are shown with two decimals`;

const STORIES: SeedIssue[] = [
  story('SHOP-1', 'Export invoices as CSV', withCriteria('Finance needs a CSV export of invoices.')),
  story('SHOP-2', 'Filter invoices by customer', withCriteria('Support asks for a customer filter.')),
  story('SHOP-3', 'Document the invoice states', withCriteria('The states are not written down.')),
  story('SHOP-4', 'Show overdue invoices', withCriteria('Accountants need the overdue list.')),
  story('SHOP-5', 'Sort invoices by date', withCriteria('Newest first by default.')),
  story('SHOP-6', 'Invoice totals per month', withCriteria('A monthly total for reporting.')),
  story('SHOP-7', 'Protected change note', withCriteria('Docs team owns this note.')),
  story('SHOP-8', 'Bulk story one', withCriteria('First of a batch.')),
  story('SHOP-9', 'Story without criteria', 'Only a description, nothing to check against.'),
  story('SHOP-10', 'Bulk story two', withCriteria('Second of a batch.')),
  story(LLM_STORY, 'CSV export in code', withCriteria('The export lives in the invoices module.')),
  story('SHOP-12', 'Bulk story three', withCriteria('Third of a batch.')),
  story('SHOP-13', 'Out of order stages', withCriteria('Used to replay stage jobs.')),
  story('SHOP-14', 'Recovered job', withCriteria('Its first stage job was lost.')),
  story('SHOP-15', 'Change on a broken base', withCriteria('The base branch is fixed meanwhile.')),
  story('SHOP-16', 'Tenant story', withCriteria('Two sites plan the same story key.')),
];

export interface Suite {
  emu: Emulator;
  scm: ScmStub;
  llm: StubServer;
  origin: Origin;
  git: GitHttpServer;
  env: Env;
  runner: Runner;
  client: ReturnType<typeof api>;
  docsClient: ReturnType<typeof api>;
  /** Stories whose change note makes the test command fail while their block file exists. */
  /** Everything the runner logged (at info level). */
  logs(): string;
  block(storyKey: string): void;
  unblock(storyKey: string): void;
  stop(): Promise<void>;
}

export interface SuiteOptions {
  /** Which host the `acme/invoices` origin and the PR API stand in for (default GitHub). */
  provider?: 'github' | 'bitbucket';
  /** Accept Forge Invocation Tokens signed by this JWKS (for the test app id). */
  forgeJwksUrl?: string;
}

export async function startSuite(options: SuiteOptions = {}): Promise<Suite> {
  const bitbucket = options.provider === 'bitbucket';
  const emu = await startEmulator({ seed: { projects: [{ key: 'SHOP', name: 'Shop' }], issues: STORIES } });
  const scm = await startScmStub({
    authorization: bitbucket
      ? basicAuthHeader({ username: BB_EMAIL, password: BB_TOKEN })
      : `token ${GH_TOKEN}`,
  });
  const llm = await startOpenAiStub({
    responder: (req) =>
      JSON.stringify(req.body).includes(`story ${LLM_STORY}`) ? { json: LLM_PLAN } : { text: 'no plan here' },
  });
  const origin = createOrigin(
    {
      'README.md': '# Invoices\n',
      'package.json': '{"name":"invoices","scripts":{"test":"node -e 0"}}\n',
      'src/invoices.ts': 'export const invoices: string[] = [];\n',
    },
    'invoices',
  );
  const git = await startGitHttpServer(
    origin.root,
    bitbucket
      ? basicAuthHeader({ username: 'x-bitbucket-api-token-auth', password: BB_TOKEN })
      : basicAuthHeader({ username: 'x-access-token', password: GH_TOKEN }),
  );
  const { email, apiToken } = emu.credentials.admin;
  const base = testEnv();
  const blocks = join(base.DATA_DIR, 'blocks');
  mkdirSync(blocks, { recursive: true });
  const env = testEnv({
    QUEUE_PREFIX: base.QUEUE_PREFIX,
    LOG_LEVEL: 'info',
    DATABASE_PATH: join(base.DATA_DIR, 'augment.db'),
    DATA_DIR: base.DATA_DIR,
    API_KEYS: `${TEST_API_KEY},${DOCS_KEY}`,
    WORKER_CONCURRENCY: '2',
    JIRA_SERVER_URL: emu.url,
    JIRA_USERNAME: email,
    JIRA_API_TOKEN: apiToken,
    CONFLUENCE_SERVER_URL: `${emu.url}/wiki`,
    ...(bitbucket
      ? { BITBUCKET_EMAIL: BB_EMAIL, BITBUCKET_API_TOKEN: BB_TOKEN, BITBUCKET_API_URL: scm.bitbucketUrl }
      : { GITHUB_TOKEN: GH_TOKEN, GITHUB_API_URL: scm.url }),
    LLM_PROVIDER: 'openai',
    OPENAI_API_KEY: 'sk-test-draft-pr-suite',
    OPENAI_BASE_URL: llm.baseUrl,
    DRAFT_PR_GIT_URL_REWRITES: JSON.stringify({
      [bitbucket ? 'https://bitbucket.org/acme/' : 'https://github.com/acme/']: `${git.url}/`,
    }),
    // Fails while the base branch says it is broken (BASE_STATUS), and for a blocked story's change note.
    DRAFT_PR_TEST_COMMAND: `if grep -qs '^broken' BASE_STATUS; then echo "the base branch is broken"; exit 1; fi; test -f package.json && for f in docs/changes/*.md; do n=$(basename "$f" .md); if [ -e "${blocks}/$n" ]; then echo "blocked: $n"; exit 1; fi; done`,
    DRAFT_PR_VERIFY_TIMEOUT_SECONDS: '60',
    DRAFT_PR_PROTECTED_PATHS: JSON.stringify({ 'docs/changes/shop-7.md': { require: 'docs_team' } }),
    DRAFT_PR_APPROVER_TEAMS: JSON.stringify({ [DOCS_PRINCIPAL]: ['docs_team'] }),
    ...(options.forgeJwksUrl ? { FORGE_APP_ID: TEST_APP_UUID, FORGE_JWKS_URL: options.forgeJwksUrl } : {}),
  });
  const sink = logSink();
  const runner = await withRunner(env, { logDestination: sink.stream });
  const blockFile = (key: string) => join(blocks, key.toLowerCase());
  return {
    emu,
    scm,
    llm,
    origin,
    git,
    env,
    runner,
    client: api(runner),
    docsClient: api(runner, DOCS_KEY),
    logs: sink.text,
    block: (key) => mkdirSync(blockFile(key), { recursive: true }),
    unblock: (key) => rmSync(blockFile(key), { recursive: true, force: true }),
    async stop() {
      await runner.stop();
      await Promise.all([emu.close(), scm.close(), llm.close(), git.close()]);
      origin.cleanup();
      await cleanPrefix(env.QUEUE_PREFIX);
      rmSync(env.DATA_DIR, { recursive: true, force: true });
    },
  };
}

/** Polls the job until `status` (throws early when it ends in another state). */
export function untilStatus(
  client: ReturnType<typeof api>,
  jobId: string,
  status: string,
  timeoutMs = 60_000,
): Promise<any> {
  return waitFor(
    async () => {
      const job = (await client.get(`/draft-pr/jobs/${jobId}`)).body;
      if (job?.status === status) return job;
      if (['done', 'failed', 'cancelled'].includes(job?.status) && job.status !== status) {
        throw new Error(`job ${jobId} ended ${job.status} at ${job.stage}: ${JSON.stringify(job.error)}`);
      }
      return undefined;
    },
    timeoutMs,
    100,
  );
}
