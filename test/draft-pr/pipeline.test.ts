import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DraftPrCreateRequest, type FileChange, YoloPolicy } from '@augment/shared';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GitWorkspaceManager, planHashesOf } from '../../runner/src/adapters/git/index.js';
import { type ChangeProducer, PlanChangesProducer } from '../../runner/src/draft-pr/index.js';
import { planHash } from '../../runner/src/store/plan-hash.js';
import { type ScmStub, startScmStub } from '../stubs/scm-stub.js';
import { TEST_PATH } from './git-fixtures.js';
import {
  BB_TOKEN,
  createHarness,
  GH_TOKEN,
  GIT_PASSWORD,
  type Harness,
  type HarnessOptions,
} from './harness.js';

const BRANCH = 'augment/PROJ-1-export-invoices-as-csv';
let stub: ScmStub;
let h: Harness | undefined;

beforeAll(async () => {
  stub = await startScmStub();
});
afterAll(() => stub.close());
beforeEach(() => stub.reset());
afterEach(() => {
  h?.cleanup();
  h = undefined;
});

const harness = (options: HarnessOptions = {}) => {
  h = createHarness(stub, options);
  return h;
};

/** Commits on the story branch of origin that are not on main. */
const branchCommits = (hh: Harness, branch = BRANCH) =>
  hh.origin
    .git(['rev-list', `main..refs/heads/${branch}`])
    .split('\n')
    .filter(Boolean);
const hasBranch = (hh: Harness, branch = BRANCH) => hh.origin.git(['branch', '--list', branch]) !== '';

async function planAndApprove(hh: Harness, jobId: string) {
  const waiting = await hh.engine.runUntilBlocked(jobId);
  expect(waiting).toMatchObject({ status: 'awaiting_approval', stage: 'APPROVAL' });
  const version = hh.store.latestPlan(jobId)!;
  hh.engine.approve(jobId, { plan_hash: version.hash, approved_by: 'alice' });
  return version;
}

describe('Draft PR pipeline, happy paths', () => {
  it('plans, waits for approval, then applies, verifies, packages and opens a GitHub draft PR', async () => {
    const hh = harness();
    const jobId = hh.createJob();
    const version = await planAndApprove(hh, jobId);
    expect(version.plan.scope.added).toEqual(['docs/changes/proj-1.md']);

    const done = await hh.engine.runUntilBlocked(jobId);
    expect(done).toMatchObject({ status: 'done', stage: 'DRAFT_PR', progress: 100, error: null });
    expect(done.result).toMatchObject({
      branch: BRANCH,
      base_branch: 'main',
      commit_reused: false,
      verification: { passed: true },
      pr: { provider: 'github', number: 1, reused: false },
      jira_comment: { posted_at: expect.any(String) },
    });

    const commits = branchCommits(hh);
    expect(commits).toEqual([done.result.commit_sha]);
    expect(planHashesOf(hh.origin.git(['log', '-1', '--format=%B', commits[0]!]))).toEqual([version.hash]);
    expect(hh.origin.git(['show', `${commits[0]}:docs/changes/proj-1.md`])).toContain(
      '# PROJ-1: Export invoices as CSV',
    );

    expect(stub.pulls).toHaveLength(1);
    const pr = stub.pulls[0]!;
    expect(pr).toMatchObject({
      provider: 'github',
      repo: 'acme/invoices',
      head: BRANCH,
      base: 'main',
      draft: true,
    });
    expect(pr.title).toBe('PROJ-1: Export invoices as CSV');
    expect(pr.body).toContain('[PROJ-1](https://jira.example/browse/PROJ-1)');
    expect(pr.body).toContain(version.plan.summary);
    expect(pr.body).toMatch(/\| test \| `.*` \| passed \|/);
    expect(hh.comments).toEqual([{ key: 'PROJ-1', text: expect.stringContaining(done.result.pr!.url) }]);

    expect(hh.store.listArtifacts(jobId).map((a) => a.type)).toEqual([
      'changes',
      'diff',
      'plan_v1',
      'pr',
      'pr_body',
      'pr_metadata',
      'verification',
    ]);
    expect(hh.store.readArtifact(jobId, 'diff')?.content.toString()).toContain(
      '+++ b/docs/changes/proj-1.md',
    );
    expect(hh.engine.progress(jobId).stages.every((s) => s.state === 'done')).toBe(true);
    expect(existsSync(hh.workspaces.workspaceDir(jobId))).toBe(false);
    const everything = hh.allText() + JSON.stringify(hh.store.requireJob(jobId));
    for (const secret of [GH_TOKEN, BB_TOKEN, GIT_PASSWORD]) expect(everything).not.toContain(secret);
  });

  it('auto-approves a compliant plan in YOLO mode and opens a Bitbucket draft PR', async () => {
    const hh = harness({ provider: 'bitbucket' });
    const jobId = hh.createJob('yolo');
    const done = await hh.engine.runUntilBlocked(jobId);
    expect(done).toMatchObject({ status: 'done', result: { yolo: { compliant: true, approved: true } } });
    expect(hh.store.listApprovals(jobId)).toEqual([expect.objectContaining({ approved_by: 'yolo-policy' })]);
    expect(stub.pulls).toEqual([
      expect.objectContaining({
        provider: 'bitbucket',
        repo: 'acme/invoices',
        head: BRANCH,
        base: 'main',
        draft: true,
      }),
    ]);
    expect(done.result.pr?.url).toBe('https://bitbucket.example/acme/invoices/pull-requests/1');
  });

  it('falls back to human approval in YOLO mode when the plan breaks the policy, showing why', async () => {
    const hh = harness({ yoloPolicy: YoloPolicy.parse({ allow_paths: ['scripts/**'] }) });
    const jobId = hh.createJob('yolo');
    const job = await hh.engine.runUntilBlocked(jobId);
    expect(job.status).toBe('awaiting_approval');
    expect(job.result.yolo).toMatchObject({
      approved: false,
      reasons: ['outside the allowed paths: docs/changes/proj-1.md'],
    });
    expect(hh.store.listApprovals(jobId)).toEqual([]);
  });
});

describe('approval bound to the plan hash', () => {
  it('rejects an approval with a stale hash and accepts the latest one', async () => {
    const hh = harness();
    const jobId = hh.createJob();
    await hh.engine.runUntilBlocked(jobId);
    const v1 = hh.store.latestPlan(jobId)!;
    const { version: v2 } = await hh.engine.revisePlan(jobId, {
      feedback: 'Mention the delimiter',
      concerns: [],
      change_requests: ['add edge case: commas inside fields'],
    });
    expect(v2.hash).not.toBe(v1.hash);
    expect(() => hh.engine.approve(jobId, { plan_hash: v1.hash, approved_by: 'alice' })).toThrow(
      expect.objectContaining({ status: 409, code: 'stale_plan_hash' }),
    );
    expect(hh.store.requireJob(jobId).status).toBe('awaiting_approval');
    expect(hh.engine.approve(jobId, { plan_hash: v2.hash, approved_by: 'alice' })).toMatchObject({
      status: 'pending',
      stage: 'APPLY',
    });
  });

  it('invalidates an approval when the plan is revised, and APPLY cannot run until the new plan is approved', async () => {
    const hh = harness();
    const jobId = hh.createJob();
    const v1 = await planAndApprove(hh, jobId);
    expect(hh.store.validApproval(jobId, v1.hash)).not.toBeNull();

    const { job, version } = await hh.engine.revisePlan(jobId, {
      feedback: 'Also list the CSV columns',
      concerns: ['Large exports'],
      change_requests: [],
      requested_by: 'bob',
    });
    expect(job).toMatchObject({ status: 'awaiting_approval', stage: 'APPROVAL' });
    expect(version).toMatchObject({
      version: 2,
      created_by: 'bob',
      feedback: { feedback: 'Also list the CSV columns' },
    });
    expect(hh.store.validApproval(jobId, v1.hash)).toBeNull();
    expect(hh.store.listApprovals(jobId)[0]).toMatchObject({ invalidated_reason: 'superseded by plan v2' });
    await expect(hh.engine.apply(jobId)).rejects.toMatchObject({ status: 409, code: 'illegal_transition' });
    expect(await hh.engine.runUntilBlocked(jobId)).toMatchObject({ status: 'awaiting_approval' });
    expect(hasBranch(hh)).toBe(false);

    const compare = hh.engine.comparePlanVersions(jobId);
    expect(compare).toMatchObject({ from: 1, to: 2, comparison: { changed: true } });
    expect(compare.comparison.fields.map((f) => f.field)).toEqual([
      'estimated_loc_delta',
      'edge_cases',
      'assumptions',
      'changes',
    ]);
  });

  it('requires the protected path team for a human approval', async () => {
    const hh = harness({
      yoloPolicy: YoloPolicy.parse({ protected_paths: { 'docs/changes/**': { require: 'docs_team' } } }),
    });
    const jobId = hh.createJob();
    await hh.engine.runUntilBlocked(jobId);
    const { hash } = hh.store.latestPlan(jobId)!;
    expect(() => hh.engine.approve(jobId, { plan_hash: hash, approved_by: 'alice' })).toThrow(
      expect.objectContaining({ status: 403, code: 'approval_requires_team' }),
    );
    expect(
      hh.engine.approve(jobId, { plan_hash: hash, approved_by: 'dana', approver_teams: ['docs_team'] }).stage,
    ).toBe('APPLY');
  });
});

/** Applies the plan's changes plus whatever `extra` adds. */
const producerWith = (extra: FileChange[]): ChangeProducer => ({
  async produce(req) {
    return [...(await new PlanChangesProducer().produce(req)), ...extra];
  },
});

describe('plan-apply guard', () => {
  it('stops the pipeline on a change outside the approved scope and leaves the workspace clean', async () => {
    const hh = harness({
      producer: producerWith([{ action: 'add', path: 'src/backdoor.ts', content: 'evil()\n' }]),
    });
    const jobId = hh.createJob();
    await planAndApprove(hh, jobId);
    const job = await hh.engine.runUntilBlocked(jobId);
    expect(job).toMatchObject({ status: 'failed', stage: 'APPLY', error: { code: 'scope_violation' } });
    expect(job.error?.details?.violations).toEqual([
      expect.objectContaining({ path: 'src/backdoor.ts', actual: 'added', planned: null }),
    ]);

    const ws = await hh.workspaces.open(jobId, { cloneUrl: hh.origin.url });
    expect(ws).not.toBeNull();
    expect(await ws!.isClean()).toBe(true);
    expect(await ws!.headSha()).toBe(ws!.info.baseSha);
    expect(existsSync(join(ws!.dir, 'src/backdoor.ts'))).toBe(false);
    expect(hasBranch(hh)).toBe(false);
    expect(stub.requests).toEqual([]);
  });

  it('also catches a producer that edits the workspace directly', async () => {
    const sneaky: ChangeProducer = {
      async produce({ workspace, plan }) {
        writeFileSync(join(workspace.dir, 'README.md'), '# rewritten\n');
        return plan.changes;
      },
    };
    const hh = harness({ producer: sneaky });
    const jobId = hh.createJob();
    await planAndApprove(hh, jobId);
    const job = await hh.engine.runUntilBlocked(jobId);
    expect(job.error).toMatchObject({
      code: 'scope_violation',
      message: expect.stringContaining('README.md'),
    });
    const ws = await hh.workspaces.open(jobId, { cloneUrl: hh.origin.url });
    expect(await ws!.isClean()).toBe(true);
  });
});

describe('verification gate', () => {
  it('stops before push when the tests fail, and a retry from VERIFY finishes the job', async () => {
    const hh = harness({
      commands: [
        { name: 'test', command: 'test ! -f ../../fail-flag || { echo "2 tests failed"; exit 1; }' },
      ],
    });
    writeFileSync(join(hh.root, 'fail-flag'), '');
    const jobId = hh.createJob();
    await planAndApprove(hh, jobId);
    const failed = await hh.engine.runUntilBlocked(jobId);
    expect(failed).toMatchObject({
      status: 'failed',
      stage: 'VERIFY',
      error: { code: 'verification_failed' },
    });
    expect(failed.result.verification).toMatchObject({
      passed: false,
      results: [{ name: 'test', exit_code: 1 }],
    });
    expect(hh.store.readArtifact(jobId, 'verification')?.content.toString()).toContain('2 tests failed');
    expect(hasBranch(hh)).toBe(false);
    expect(stub.requests).toEqual([]);

    rmSync(join(hh.root, 'fail-flag'));
    expect(await hh.engine.retry(jobId)).toMatchObject({ status: 'pending', stage: 'VERIFY' });
    const done = await hh.engine.runUntilBlocked(jobId);
    expect(done.status).toBe('done');
    expect(branchCommits(hh)).toHaveLength(1);
    expect(
      hh.store
        .stageRuns(jobId)
        .filter((r) => r.stage === 'VERIFY')
        .map((r) => [r.attempt, r.outcome]),
    ).toEqual([
      [1, 'failed'],
      [2, 'succeeded'],
    ]);
  });
});

describe('retry after the base branch moved', () => {
  it('re-applies the approved plan on the fixed base instead of verifying the old commit again', async () => {
    const hh = harness({
      commands: [
        { name: 'test', command: 'if grep -qs broken BASE_STATUS; then echo "base broken"; exit 1; fi' },
      ],
    });
    hh.origin.commit('main', { BASE_STATUS: 'broken\n' }, 'break the base');
    const jobId = hh.createJob();
    const version = await planAndApprove(hh, jobId);
    const failed = await hh.engine.runUntilBlocked(jobId);
    expect(failed).toMatchObject({
      status: 'failed',
      stage: 'VERIFY',
      error: { code: 'verification_failed' },
    });
    const oldCommit = failed.result.commit_sha!;

    const fixed = hh.origin.commit('main', { BASE_STATUS: 'fixed\n' }, 'fix the base');
    const retried = await hh.engine.retry(jobId);
    expect(retried).toMatchObject({
      status: 'pending',
      stage: 'APPLY',
      result: {
        base_moved: { branch: 'main', from: failed.result.base_sha, to: fixed, failed_stage: 'VERIFY' },
      },
    });
    const done = await hh.engine.runUntilBlocked(jobId);
    expect(done).toMatchObject({
      status: 'done',
      result: { base_sha: fixed, verification: { passed: true } },
    });
    expect(done.result.commit_sha).not.toBe(oldCommit);
    // One commit on the fixed base, still bound to the plan that was approved; nobody approved again.
    expect(branchCommits(hh)).toEqual([done.result.commit_sha]);
    expect(hh.origin.git(['rev-parse', `${done.result.commit_sha}^`])).toBe(fixed);
    expect(planHashesOf(hh.origin.git(['log', '-1', '--format=%B', done.result.commit_sha!]))).toEqual([
      version.hash,
    ]);
    expect(hh.store.listApprovals(jobId)).toHaveLength(1);
    expect(stub.pulls).toHaveLength(1);
  });

  it('moves a pushed commit of the plan onto the new base with a force-with-lease push', async () => {
    const hh = harness();
    const jobId = hh.createJob();
    await planAndApprove(hh, jobId);
    // The push succeeds, opening the PR does not.
    stub.fail({ method: 'POST', status: 422, body: { message: 'Validation Failed' }, times: 10 });
    const failed = await hh.engine.runUntilBlocked(jobId);
    expect(failed).toMatchObject({ status: 'failed', stage: 'DRAFT_PR' });
    expect(branchCommits(hh)).toEqual([failed.result.commit_sha]);
    stub.reset();

    const moved = hh.origin.commit('main', { 'CHANGELOG.md': 'a release\n' }, 'release');
    expect(await hh.engine.retry(jobId)).toMatchObject({ stage: 'APPLY', status: 'pending' });
    const done = await hh.engine.runUntilBlocked(jobId);
    expect(done.status, JSON.stringify(done.error)).toBe('done');
    expect(done.result.commit_reused).toBe(false);
    expect(branchCommits(hh)).toEqual([done.result.commit_sha]);
    expect(hh.origin.git(['rev-parse', `${done.result.commit_sha}^`])).toBe(moved);
    expect(stub.pulls).toHaveLength(1);
  });

  it('retries the failed stage as before when the base did not move', async () => {
    const hh = harness({ commands: [{ name: 'test', command: 'test ! -f ../../fail-flag' }] });
    writeFileSync(join(hh.root, 'fail-flag'), '');
    const jobId = hh.createJob();
    await planAndApprove(hh, jobId);
    const failed = await hh.engine.runUntilBlocked(jobId);
    rmSync(join(hh.root, 'fail-flag'));
    const retried = await hh.engine.retry(jobId);
    expect(retried).toMatchObject({ stage: 'VERIFY', status: 'pending' });
    expect(retried.result.base_moved).toBeUndefined();
    const done = await hh.engine.runUntilBlocked(jobId);
    expect(done.result.commit_sha).toBe(failed.result.commit_sha);
  });
});

describe('crashes and retries', () => {
  it('retries a crash in APPLY from a clean workspace without committing twice', async () => {
    let crashes = 1;
    const hh = harness({
      hooks: {
        async afterCommit() {
          if (crashes-- > 0) throw new Error('worker killed');
        },
      },
    });
    const jobId = hh.createJob();
    await planAndApprove(hh, jobId);
    const failed = await hh.engine.runUntilBlocked(jobId);
    expect(failed).toMatchObject({ status: 'failed', stage: 'APPLY', error: { code: 'internal_error' } });
    const ws = await hh.workspaces.open(jobId, { cloneUrl: hh.origin.url });
    expect(await ws!.headSha()).toBe(ws!.info.baseSha);

    await hh.engine.retry(jobId);
    const done = await hh.engine.runUntilBlocked(jobId);
    expect(done.status).toBe('done');
    expect(branchCommits(hh)).toHaveLength(1);
  });

  it('resumes APPLY found running after the branch was pushed by reusing the plan commit', async () => {
    const hh = harness();
    const jobId = hh.createJob();
    await planAndApprove(hh, jobId);
    const first = await hh.engine.runUntilBlocked(jobId);
    expect(first.status).toBe('done');

    // As if the worker died after pushing, before any later state was saved.
    hh.store.db
      .prepare(
        "UPDATE draft_pr_jobs SET status = 'running', stage = 'APPLY', finished_at = NULL WHERE id = ?",
      )
      .run(jobId);
    const applied = await hh.engine.apply(jobId);
    expect(applied).toMatchObject({ status: 'pending', stage: 'VERIFY', result: { commit_reused: true } });
    expect(applied.result.commit_sha).toBe(first.result.commit_sha);
    const done = await hh.engine.runUntilBlocked(jobId);
    expect(done.status).toBe('done');
    expect(done.result.pr).toMatchObject({ number: 1, reused: true });
    expect(branchCommits(hh)).toEqual([first.result.commit_sha]);
    expect(stub.pulls).toHaveLength(1);
    expect(hh.comments).toHaveLength(1);
  });

  it('rebuilds the exact commit when a later stage runs on a worker without the workspace', async () => {
    const hh = harness();
    const jobId = hh.createJob();
    await planAndApprove(hh, jobId);
    const applied = await hh.engine.apply(jobId);
    await hh.workspaces.remove(jobId);
    const other = new GitWorkspaceManager({
      baseDir: hh.workspaces.baseDir,
      pathEnv: TEST_PATH,
      allowLocalOrigins: true,
    });
    expect(await other.open(jobId, { cloneUrl: hh.origin.url })).toBeNull();
    const done = await hh.engine.runUntilBlocked(jobId);
    expect(done.status).toBe('done');
    expect(branchCommits(hh)).toEqual([applied.result.commit_sha]);
  });

  it('treats a repeated delivery of a finished stage as a no-op', async () => {
    const hh = harness();
    const jobId = hh.createJob();
    await planAndApprove(hh, jobId);
    const done = await hh.engine.runUntilBlocked(jobId);
    expect(await hh.engine.apply(jobId)).toEqual(done);
    expect(await hh.engine.plan(jobId)).toEqual(done);
    expect(branchCommits(hh)).toHaveLength(1);
  });

  it("replaces a stale Augment branch from an older plan but never overwrites someone else's commits", async () => {
    const hh = harness();
    hh.origin.commit(BRANCH, { 'docs/old.md': 'old\n' }, `old\n\nAugment-Plan: ${'b'.repeat(64)}`);
    const jobId = hh.createJob();
    await planAndApprove(hh, jobId);
    const done = await hh.engine.runUntilBlocked(jobId);
    expect(done.status).toBe('done');
    expect(branchCommits(hh)).toEqual([done.result.commit_sha]);

    hh.cleanup();
    const hh2 = harness();
    hh2.origin.commit(BRANCH, { 'notes.md': 'human work\n' }, 'human commit');
    const job2 = hh2.createJob();
    await planAndApprove(hh2, job2);
    const blocked = await hh2.engine.runUntilBlocked(job2);
    expect(blocked).toMatchObject({ status: 'failed', stage: 'APPLY', error: { code: 'branch_diverged' } });
    expect(hh2.origin.git(['log', '-1', '--format=%s', `refs/heads/${BRANCH}`])).toBe('human commit');
  });

  it('keeps the job done when the Jira comment fails, reporting the error', async () => {
    const hh = harness({ notifierFails: true });
    const jobId = hh.createJob();
    await planAndApprove(hh, jobId);
    const done = await hh.engine.runUntilBlocked(jobId);
    expect(done).toMatchObject({ status: 'done', result: { jira_comment: { error: 'Jira is down' } } });
  });

  it('cancels a job waiting for approval; nothing moves it afterwards', async () => {
    const hh = harness();
    const jobId = hh.createJob();
    await hh.engine.runUntilBlocked(jobId);
    const { hash } = hh.store.latestPlan(jobId)!;
    expect((await hh.engine.cancel(jobId)).status).toBe('cancelled');
    expect(() => hh.engine.approve(jobId, { plan_hash: hash })).toThrow(
      expect.objectContaining({ status: 409 }),
    );
    expect(await hh.engine.runNext(jobId)).toBeNull();
    expect(planHash(hh.store.latestPlan(jobId)!.plan)).toBe(hash);
  });
});

describe('user input cannot escape the workspace or inject git options', () => {
  it('turns a hostile story title into a harmless branch name', async () => {
    const hh = harness({ story: { summary: '--upload-pack=touch /tmp/pwned ../../.git/config' } });
    const jobId = hh.createJob();
    await planAndApprove(hh, jobId);
    const done = await hh.engine.runUntilBlocked(jobId);
    expect(done.status).toBe('done');
    expect(done.result.branch).toBe('augment/PROJ-1-upload-pack-touch-tmp-pwned-git-config');
    expect(existsSync('/tmp/pwned')).toBe(false);
  });

  it('refuses option-like base branches in the request', () => {
    const parse = (branch: string) =>
      DraftPrCreateRequest.safeParse({
        story_key: 'PROJ-1',
        repos: [{ url: 'https://github.com/a/b', branch }],
      }).success;
    expect(parse('main')).toBe(true);
    for (const b of ['--upload-pack=evil', '-b', '../main', 'main..dev', 'a b']) expect(parse(b)).toBe(false);
  });

  it('fails APPLY on a producer path that leaves the repository, writing nothing outside', async () => {
    const hh = harness({
      producer: producerWith([{ action: 'add', path: '../../escaped.txt', content: 'x' }]),
    });
    const jobId = hh.createJob();
    await planAndApprove(hh, jobId);
    const job = await hh.engine.runUntilBlocked(jobId);
    expect(job).toMatchObject({ status: 'failed', stage: 'APPLY', error: { code: 'unsafe_name' } });
    expect(existsSync(join(hh.root, 'escaped.txt'))).toBe(false);
    expect(existsSync(join(hh.workspaces.baseDir, 'escaped.txt'))).toBe(false);
  });

  it('fails PLAN when a planner proposes a path outside the repository', async () => {
    const hh = harness({
      planner: {
        async createPlan() {
          return { summary: 'x', scope: { added: ['../../etc/cron.d/evil'] } } as never;
        },
        async revisePlan(r) {
          return r.plan;
        },
      },
    });
    const jobId = hh.createJob();
    const job = await hh.engine.runUntilBlocked(jobId);
    expect(job).toMatchObject({ status: 'failed', stage: 'PLAN', error: { code: 'invalid_plan' } });
    expect(hh.store.latestPlan(jobId)).toBeNull();
  });
});

describe('bulk actions and repository validation', () => {
  it('creates, approves and cancels several jobs, reporting each one', async () => {
    const hh = harness();
    const created = hh.engine.bulkCreate({
      story_keys: ['PROJ-1', 'PROJ-2'],
      repos: [{ url: 'https://github.com/acme/invoices' }],
      mode: 'normal',
    });
    expect(created.map((c) => c.ok)).toEqual([true, true]);
    const [a, b] = created.map((c) => c.job_id) as [string, string];
    await hh.engine.runUntilBlocked(a);
    await hh.engine.runUntilBlocked(b);
    const approvals = hh.engine.bulkApprove(
      [
        { job_id: a, plan_hash: hh.store.latestPlan(a)!.hash },
        { job_id: b, plan_hash: 'c'.repeat(64) },
      ],
      'alice',
    );
    expect(approvals.map((r) => [r.ok, r.error?.code])).toEqual([
      [true, undefined],
      [false, 'stale_plan_hash'],
    ]);
    const cancelled = await hh.engine.bulkCancel([a, 'missing']);
    expect(cancelled.map((r) => [r.ok, r.job?.status ?? r.error?.code])).toEqual([
      [true, 'cancelled'],
      [false, 'not_found'],
    ]);
  });

  it('validates a reachable repository and names its default branch', async () => {
    const hh = harness();
    expect(await hh.engine.validateRepo({ url: 'https://github.com/acme/invoices' })).toEqual({
      valid: true,
      url: 'https://github.com/acme/invoices',
      default_branch: 'main',
    });
    const gone = createHarness(stub);
    gone.origin.cleanup();
    const result = await gone.engine.validateRepo({ url: 'https://github.com/acme/gone' });
    gone.cleanup();
    expect(result).toMatchObject({ valid: false, error: expect.stringContaining('git ls-remote failed') });
  });
});
