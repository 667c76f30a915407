/**
 * A complete Draft PR engine over real git (a bare origin in a temp dir), the SCM stand-in, an
 * in-memory-free SQLite file and the rule-based planner. Each harness owns its temp directory.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_YOLO_POLICY, type DraftPrStory, type YoloPolicy } from '@augment/shared';
import { GitWorkspaceManager } from '../../runner/src/adapters/git/index.js';
import { BitbucketScmClient, GitHubScmClient } from '../../runner/src/adapters/scm/index.js';
import {
  type ChangeProducer,
  DraftPrEngine,
  type DraftPrEngineDeps,
  PlanChangesProducer,
  type Planner,
  RuleBasedPlanner,
  type VerificationCommand,
} from '../../runner/src/draft-pr/index.js';
import { openDatabase } from '../../runner/src/store/db.js';
import { DraftPrStore } from '../../runner/src/store/draft-pr-store.js';
import type { ScmStub } from '../stubs/scm-stub.js';
import { createOrigin, type Origin, TEST_PATH } from './git-fixtures.js';

export const GH_TOKEN = 'ghp_harnessToken_9f8e7d';
export const BB_TOKEN = 'ATATT_harnessToken_1a2b3c';
export const GIT_PASSWORD = 'git-password-never-shown-42';

export interface HarnessOptions {
  provider?: 'github' | 'bitbucket';
  commands?: VerificationCommand[];
  yoloPolicy?: YoloPolicy;
  planner?: Planner;
  producer?: ChangeProducer;
  story?: Partial<DraftPrStory>;
  hooks?: DraftPrEngineDeps['hooks'];
  notifierFails?: boolean;
}

export interface Harness {
  root: string;
  origin: Origin;
  store: DraftPrStore;
  workspaces: GitWorkspaceManager;
  engine: DraftPrEngine;
  comments: { key: string; text: string }[];
  /** Creates a job for PROJ-1 in the harness repository. */
  createJob(mode?: 'normal' | 'yolo', storyKey?: string): string;
  /** Every file under the harness root except the git objects, concatenated (for secret scans). */
  allText(dir?: string): string;
  cleanup(): void;
}

export function createHarness(stub: ScmStub, options: HarnessOptions = {}): Harness {
  const root = mkdtempSync(join(tmpdir(), 'draft-pr-harness-'));
  const origin = createOrigin({
    'README.md': '# Invoices\n',
    'package.json': '{"name":"invoices","scripts":{"test":"node -e 0"}}\n',
    'src/invoices.ts': 'export const invoices: string[] = [];\n',
  });
  const provider = options.provider ?? 'github';
  const store = new DraftPrStore(openDatabase(join(root, 'augment.db')), {
    artifactsDir: join(root, 'artifacts'),
  });
  const workspaces = new GitWorkspaceManager({
    baseDir: join(root, 'workspaces'),
    pathEnv: TEST_PATH,
    allowLocalOrigins: true,
    secrets: [GH_TOKEN, BB_TOKEN, GIT_PASSWORD],
  });
  const comments: { key: string; text: string }[] = [];
  const scm =
    provider === 'github'
      ? new GitHubScmClient({ owner: 'acme', repo: 'invoices', token: GH_TOKEN, baseUrl: stub.url })
      : new BitbucketScmClient({
          workspace: 'acme',
          repoSlug: 'invoices',
          baseUrl: stub.bitbucketUrl,
          auth: { type: 'basic', username: 'dev@example.com', password: BB_TOKEN },
        });
  const engine = new DraftPrEngine({
    store,
    workspaces,
    resolveRepo: (repo) => ({
      cloneUrl: origin.url,
      webUrl: repo.url,
      credentials: { username: 'x-access-token', password: GIT_PASSWORD },
      scm,
    }),
    stories: {
      async getStory(key) {
        return {
          key,
          summary: 'Export invoices as CSV',
          description: 'Finance needs a CSV export of invoices.',
          acceptance_criteria: ['Given invoices, when exported, then a CSV file is downloaded'],
          url: `https://jira.example/browse/${key}`,
          ...options.story,
        };
      },
    },
    planner: options.planner ?? new RuleBasedPlanner({ test_command: 'node -e 0' }),
    producer: options.producer ?? new PlanChangesProducer(),
    notifier: {
      async commentOnStory(key, text) {
        if (options.notifierFails) throw new Error('Jira is down');
        comments.push({ key, text });
      },
    },
    verification: {
      commands: options.commands ?? [
        { name: 'test', command: 'test -f package.json && node -e "process.exit(0)"' },
      ],
      timeoutMs: 20_000,
      env: { PATH: TEST_PATH },
    },
    yoloPolicy: options.yoloPolicy ?? DEFAULT_YOLO_POLICY,
    secrets: [GH_TOKEN, BB_TOKEN, GIT_PASSWORD],
    hooks: options.hooks,
  });
  const url =
    provider === 'github' ? 'https://github.com/acme/invoices' : 'https://bitbucket.org/acme/invoices';
  const allText = (dir = root): string =>
    readdirSync(dir)
      .map((name) => {
        const p = join(dir, name);
        if (name === 'objects') return '';
        return statSync(p).isDirectory() ? allText(p) : readFileSync(p, 'latin1');
      })
      .join('\n');
  return {
    root,
    origin,
    store,
    workspaces,
    engine,
    comments,
    createJob: (mode = 'normal', storyKey = 'PROJ-1') =>
      engine.create({ story_key: storyKey, repos: [{ url }], mode }).id,
    allText,
    cleanup: () => {
      store.db.close();
      rmSync(root, { recursive: true, force: true });
      origin.cleanup();
    },
  };
}
