import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuthHeader } from '../../runner/src/adapters/git/git-env.js';
import { planHashesOf } from '../../runner/src/adapters/git/index.js';
import { adfToText } from '../../runner/src/adapters/jira/adf.js';
import type { AdfDocument } from '../../runner/src/adapters/jira/jira-types.js';
import { JobQueue } from '../../runner/src/jobs/queue.js';
import { openDatabase } from '../../runner/src/store/db.js';
import { DraftPrStore } from '../../runner/src/store/draft-pr-store.js';
import { startForgeJwks } from '../helpers/forge-jwks.js';
import { api, REDIS_URL, waitFor } from '../helpers/runner.js';
import {
  DOCS_PRINCIPAL,
  GH_TOKEN,
  LLM_PLAN,
  LLM_STORY,
  REPO_URL,
  type Suite,
  startSuite,
  untilStatus,
} from './setup.js';

let s: Suite;
let jwks: Awaited<ReturnType<typeof startForgeJwks>>;
beforeAll(async () => {
  jwks = await startForgeJwks();
  s = await startSuite({ forgeJwksUrl: jwks.url });
}, 60_000);
afterAll(async () => {
  await s?.stop();
  await jwks?.close();
}, 60_000);

const create = (story_key: string, extra: Record<string, unknown> = {}) =>
  s.client.post('/draft-pr/create', { story_key, repos: [{ url: REPO_URL }], ...extra });
const get = (path: string) => s.client.get(path);
const branchOf = (job: { branch: string | null }) => job.branch!;
const originCommits = (branch: string) =>
  s.origin
    .git(['rev-list', `main..refs/heads/${branch}`])
    .split('\n')
    .filter(Boolean);
const originHas = (branch: string) => s.origin.git(['branch', '--list', branch]) !== '';
const commentsOn = (key: string) =>
  (s.emu.state.issues.get(key)?.comments ?? []).map((c) => adfToText(c.body as AdfDocument));
const pullsFor = (head: string) => s.scm.pulls.filter((p) => p.head === head);
const SECRETS = () => [
  GH_TOKEN,
  basicAuthHeader({ username: 'x-access-token', password: GH_TOKEN }).slice(6),
  s.emu.credentials.admin.apiToken,
  s.env.OPENAI_API_KEY!,
];
const expectNoSecrets = (text: string) => {
  for (const secret of SECRETS()) expect(text).not.toContain(secret);
};

async function createAndPlan(key: string, extra: Record<string, unknown> = {}) {
  const res = await create(key, extra);
  expect(res.status, res.text).toBe(202);
  return untilStatus(s.client, res.body.job_id, 'awaiting_approval');
}

async function approveLatest(jobId: string) {
  const plan = (await get(`/draft-pr/jobs/${jobId}/plan`)).body;
  const res = await s.client.post(`/draft-pr/jobs/${jobId}/approve`, { plan_hash: plan.plan_hash });
  expect(res.status, res.text).toBe(200);
  return { plan, res };
}

describe('draft PR through the API, the queue and the worker', () => {
  it('plans a Jira story, waits for approval, then applies, verifies, packages, opens a draft PR and links it on the story', async () => {
    const res = await create('SHOP-1');
    expect(res.status, res.text).toBe(202);
    expect(res.body).toMatchObject({
      story_key: 'SHOP-1',
      status: 'pending',
      stage: 'PLAN',
      mode: 'normal',
      queued: { stage: 'PLAN', already_queued: false },
      status_url: `/draft-pr/jobs/${res.body.job_id}`,
    });
    const jobId: string = res.body.job_id;

    const waiting = await untilStatus(s.client, jobId, 'awaiting_approval');
    expect(waiting).toMatchObject({ stage: 'APPROVAL', latest_plan_version: 1, approved_plan_hash: null });
    expect(waiting.story).toMatchObject({
      key: 'SHOP-1',
      summary: 'Export invoices as CSV',
      description: 'Finance needs a CSV export of invoices.',
      acceptance_criteria: [
        'Given invoices, when exported, then a CSV file is downloaded',
        'Amounts are shown with two decimals',
      ],
      url: `${s.emu.url}/browse/SHOP-1`,
    });
    expect(originHas(branchOf(waiting))).toBe(false);

    const plan = (await get(`/draft-pr/jobs/${jobId}/plan`)).body;
    expect(plan).toMatchObject({ job_id: jobId, version: 1, approved: false });
    expect(plan.plan_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(plan.plan.scope.added).toEqual(['docs/changes/shop-1.md']);
    expect(plan.plan.changes[0].content).toContain('- [ ] Amounts are shown with two decimals');

    const approved = await s.client.post(`/draft-pr/jobs/${jobId}/approve`, { plan_hash: plan.plan_hash });
    expect(approved.status, approved.text).toBe(200);
    expect(approved.body).toMatchObject({
      status: 'pending',
      stage: 'APPLY',
      approved_plan_hash: plan.plan_hash,
      approval: { approved_by: expect.stringMatching(/^key:[0-9a-f]{8}$/), plan_version: 1 },
      queued: { stage: 'APPLY' },
    });

    const done = await untilStatus(s.client, jobId, 'done');
    const branch = branchOf(done);
    expect(branch).toBe('augment/SHOP-1-export-invoices-as-csv');
    expect(done).toMatchObject({ stage: 'DRAFT_PR', progress: 100, error: null });
    expect(done.result).toMatchObject({
      base_branch: 'main',
      verification: { passed: true },
      pr: { provider: 'github', number: expect.any(Number), reused: false },
      jira_comment: { posted_at: expect.any(String) },
    });
    expect(done.pr_url).toBe(done.result.pr.url);

    // The branch on origin carries one commit bound to the approved plan.
    const commits = originCommits(branch);
    expect(commits).toEqual([done.result.commit_sha]);
    expect(planHashesOf(s.origin.git(['log', '-1', '--format=%B', commits[0]!]))).toEqual([plan.plan_hash]);
    expect(s.origin.git(['show', `${commits[0]}:docs/changes/shop-1.md`])).toContain(
      '# SHOP-1: Export invoices as CSV',
    );
    expect(pullsFor(branch)).toEqual([
      expect.objectContaining({
        repo: 'acme/invoices',
        base: 'main',
        draft: true,
        title: 'SHOP-1: Export invoices as CSV',
      }),
    ]);
    expect(pullsFor(branch)[0]!.body).toContain(`[SHOP-1](${s.emu.url}/browse/SHOP-1)`);
    expect(commentsOn('SHOP-1')).toEqual([expect.stringContaining(done.pr_url)]);

    // Every stage ran once, each as its own queue job on the job's ticket.
    const progress = (await get(`/draft-pr/jobs/${jobId}/progress`)).body;
    expect(progress.stages.map((x: { state: string }) => x.state)).toEqual(Array(6).fill('done'));
    expect(progress.runs.map((r: { stage: string; outcome: string }) => `${r.stage}:${r.outcome}`)).toEqual([
      'PLAN:succeeded',
      'APPLY:succeeded',
      'VERIFY:succeeded',
      'PACKAGE:succeeded',
      'DRAFT_PR:succeeded',
    ]);
    // The last stage job finishes (releases its ticket) just after the job is done.
    const queueJobs = await waitFor(async () => {
      const jobs = (await get(`/jobs/ticket/draft-pr:${jobId}`)).body.jobs;
      return jobs.every((j: { status: string }) => j.status === 'completed') ? jobs : undefined;
    });
    expect(queueJobs.map((j: { job_type: string; status: string }) => `${j.job_type}:${j.status}`)).toEqual(
      Array(5).fill('draft_pr_stage:completed'),
    );

    // Artifacts: listed, fetched with their content type, metadata matching the content.
    const listed = (await get(`/draft-pr/jobs/${jobId}/artifacts`)).body;
    expect(listed.artifacts.map((a: { type: string }) => a.type)).toEqual([
      'changes',
      'diff',
      'plan_v1',
      'pr',
      'pr_body',
      'pr_metadata',
      'verification',
    ]);
    expect(listed.artifacts[0]).not.toHaveProperty('path');
    const diff = await get(`/draft-pr/jobs/${jobId}/artifacts/diff`);
    expect(diff.status).toBe(200);
    expect(diff.headers.get('content-type')).toBe('text/x-diff; charset=utf-8');
    expect(diff.text).toContain('+++ b/docs/changes/shop-1.md');
    const meta = (await get(`/draft-pr/jobs/${jobId}/artifacts/diff/metadata`)).body;
    expect(meta).toMatchObject({
      type: 'diff',
      content_type: 'text/x-diff',
      size: Buffer.byteLength(diff.text),
    });
    expect(meta.sha256).toBe(createHash('sha256').update(diff.text).digest('hex'));
    const body = await get(`/draft-pr/jobs/${jobId}/artifacts/pr_body`);
    expect(body.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
    expect(body.text).toBe(pullsFor(branch)[0]!.body);
    const verification = (await get(`/draft-pr/jobs/${jobId}/artifacts/verification`)).body;
    expect(verification).toEqual([expect.objectContaining({ name: 'test', passed: true })]);
    expect((await get(`/draft-pr/jobs/${jobId}/artifacts/nope`)).status).toBe(404);
    expect((await get(`/draft-pr/jobs/${jobId}/artifacts/..%2Fx`)).status).toBe(400);

    // No secret in what the API, the queue or the artifacts hold.
    const everything = [
      JSON.stringify(done),
      JSON.stringify(queueJobs),
      JSON.stringify(progress),
      ...(await Promise.all(
        listed.artifacts.map(
          async (a: { type: string }) => (await get(`/draft-pr/jobs/${jobId}/artifacts/${a.type}`)).text,
        ),
      )),
    ].join('\n');
    expectNoSecrets(everything);

    // Done is final: a second approval is refused.
    const again = await s.client.post(`/draft-pr/jobs/${jobId}/approve`, { plan_hash: plan.plan_hash });
    expect(again.status).toBe(409);
  }, 120_000);

  it('refuses a stale plan hash and compares plan versions field by field', async () => {
    const waiting = await createAndPlan('SHOP-2');
    const jobId = waiting.job_id;
    const v1 = (await get(`/draft-pr/jobs/${jobId}/plan`)).body;
    const revised = await s.client.post(`/draft-pr/jobs/${jobId}/revise-plan`, {
      feedback: 'Mention that the filter is case-insensitive',
      change_requests: ['add edge case: customer names differ only in case'],
    });
    expect(revised.status, revised.text).toBe(200);
    expect(revised.body.version).toMatchObject({ version: 2, approved: false });
    expect(revised.body.version.feedback.requested_by).toMatch(/^key:/);
    expect(revised.body.version.plan_hash).not.toBe(v1.plan_hash);

    const stale = await s.client.post(`/draft-pr/jobs/${jobId}/approve`, { plan_hash: v1.plan_hash });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({ code: 'stale_plan_hash', details: { latest_version: 2 } });

    const versions = (await get(`/draft-pr/jobs/${jobId}/plans`)).body;
    expect(versions.versions.map((v: { version: number }) => v.version)).toEqual([1, 2]);
    expect((await get(`/draft-pr/jobs/${jobId}/plans/1`)).body.plan_hash).toBe(v1.plan_hash);
    expect((await get(`/draft-pr/jobs/${jobId}/plans/3`)).status).toBe(404);
    const compared = (await get(`/draft-pr/jobs/${jobId}/plans/compare?from=1&to=2`)).body;
    expect(compared).toMatchObject({ job_id: jobId, from: 1, to: 2 });
    expect(JSON.stringify(compared.comparison)).toContain('customer names differ only in case');
    expect((await get(`/draft-pr/jobs/${jobId}/plans/compare`)).body).toMatchObject({ from: 1, to: 2 });
    expect((await get(`/draft-pr/jobs/${jobId}/plans/compare?from=x`)).body.error.details.field).toBe('from');
  }, 60_000);

  it('stops before the push when verification fails, and a retry resumes from VERIFY without committing again', async () => {
    s.block('SHOP-4');
    const waiting = await createAndPlan('SHOP-4');
    const jobId = waiting.job_id;
    await approveLatest(jobId);
    const failed = await untilStatus(s.client, jobId, 'failed');
    expect(failed).toMatchObject({ stage: 'VERIFY', error: { code: 'verification_failed' }, pr_url: null });
    const branch = branchOf(failed);
    expect(originHas(branch)).toBe(false);
    expect(pullsFor(branch)).toEqual([]);
    const output = await get(`/draft-pr/jobs/${jobId}/artifacts/verification`);
    expect(output.text).toContain('blocked: shop-4');

    s.unblock('SHOP-4');
    const retried = await s.client.post(`/draft-pr/jobs/${jobId}/retry`, {});
    expect(retried.status, retried.text).toBe(202);
    expect(retried.body).toMatchObject({ status: 'pending', stage: 'VERIFY', queued: { stage: 'VERIFY' } });
    const done = await untilStatus(s.client, jobId, 'done');
    expect(done.result.commit_sha).toBe(failed.result.commit_sha);
    expect(originCommits(branch)).toEqual([failed.result.commit_sha]);
    expect(pullsFor(branch)).toHaveLength(1);
    expect(commentsOn('SHOP-4')).toHaveLength(1);
    const runs = (await get(`/draft-pr/jobs/${jobId}/progress`)).body.runs;
    expect(runs.map((r: { stage: string; outcome: string }) => `${r.stage}:${r.outcome}`)).toEqual([
      'PLAN:succeeded',
      'APPLY:succeeded',
      'VERIFY:failed',
      'VERIFY:succeeded',
      'PACKAGE:succeeded',
      'DRAFT_PR:succeeded',
    ]);
    const notFailed = await s.client.post(`/draft-pr/jobs/${jobId}/retry`, {});
    expect(notFailed.status).toBe(409);
  }, 120_000);

  it('re-applies the approved plan on the fixed base when /retry follows a fix of the base branch', async () => {
    const broken = s.origin.commit('main', { BASE_STATUS: 'broken\n' }, 'break main');
    let fixed = '';
    try {
      const waiting = await createAndPlan('SHOP-15');
      const jobId = waiting.job_id;
      const { plan } = await approveLatest(jobId);
      const failed = await untilStatus(s.client, jobId, 'failed');
      expect(failed).toMatchObject({ stage: 'VERIFY', error: { code: 'verification_failed' } });
      expect(failed.result.base_sha).toBe(broken);
      expect((await get(`/draft-pr/jobs/${jobId}/artifacts/verification`)).text).toContain(
        'the base branch is broken',
      );

      // The plan's own advice: fix the base branch, then retry.
      fixed = s.origin.commit('main', { BASE_STATUS: 'fixed\n' }, 'fix main');
      const retried = await s.client.post(`/draft-pr/jobs/${jobId}/retry`, {});
      expect(retried.status, retried.text).toBe(202);
      expect(retried.body).toMatchObject({
        status: 'pending',
        stage: 'APPLY',
        queued: { stage: 'APPLY' },
        result: { base_moved: { branch: 'main', from: broken, to: fixed, failed_stage: 'VERIFY' } },
      });
      const done = await untilStatus(s.client, jobId, 'done');
      expect(done.result).toMatchObject({ base_sha: fixed, verification: { passed: true } });
      expect(done.result.commit_sha).not.toBe(failed.result.commit_sha);
      const branch = branchOf(done);
      expect(originCommits(branch)).toEqual([done.result.commit_sha]);
      expect(s.origin.git(['rev-parse', `${done.result.commit_sha}^`])).toBe(fixed);
      // Still the plan that was approved, and approved once.
      expect(done.approved_plan_hash).toBe(plan.plan_hash);
      expect(planHashesOf(s.origin.git(['log', '-1', '--format=%B', done.result.commit_sha]))).toEqual([
        plan.plan_hash,
      ]);
      expect(pullsFor(branch)).toHaveLength(1);
      const runs = (await get(`/draft-pr/jobs/${jobId}/progress`)).body.runs;
      expect(runs.map((r: { stage: string; outcome: string }) => `${r.stage}:${r.outcome}`)).toEqual([
        'PLAN:succeeded',
        'APPLY:succeeded',
        'VERIFY:failed',
        'APPLY:succeeded',
        'VERIFY:succeeded',
        'PACKAGE:succeeded',
        'DRAFT_PR:succeeded',
      ]);
    } finally {
      if (!fixed) s.origin.commit('main', { BASE_STATUS: 'fixed\n' }, 'fix main');
    }
  }, 120_000);

  it('invalidates the approval when the plan is revised after a failed stage', async () => {
    s.block('SHOP-5');
    const waiting = await createAndPlan('SHOP-5');
    const jobId = waiting.job_id;
    const { plan: v1 } = await approveLatest(jobId);
    await untilStatus(s.client, jobId, 'failed');

    const revised = await s.client.post(`/draft-pr/jobs/${jobId}/revise-plan`, {
      feedback: 'Oldest first is also needed',
      change_requests: ['add test: sorts oldest first on request'],
    });
    expect(revised.status, revised.text).toBe(200);
    expect(revised.body.job).toMatchObject({
      status: 'awaiting_approval',
      stage: 'APPROVAL',
      approved_plan_hash: null,
      latest_plan_version: 2,
    });
    expect(revised.body.queued).toBeNull();
    expect((await get(`/draft-pr/jobs/${jobId}/plans/1`)).body.approved).toBe(false);
    const stale = await s.client.post(`/draft-pr/jobs/${jobId}/approve`, { plan_hash: v1.plan_hash });
    expect(stale.body.error.code).toBe('stale_plan_hash');

    s.unblock('SHOP-5');
    const { plan: v2 } = await approveLatest(jobId);
    const done = await untilStatus(s.client, jobId, 'done');
    const commits = originCommits(branchOf(done));
    expect(commits).toHaveLength(1);
    expect(planHashesOf(s.origin.git(['log', '-1', '--format=%B', commits[0]!]))).toEqual([v2.plan_hash]);
  }, 120_000);

  it('runs a policy-compliant YOLO job to the draft PR without a human approval', async () => {
    const res = await create('SHOP-3', { mode: 'yolo' });
    expect(res.status, res.text).toBe(202);
    const done = await untilStatus(s.client, res.body.job_id, 'done');
    expect(done.result.yolo).toMatchObject({ compliant: true, approved: true, reasons: [] });
    expect(done.approval.approved_by).toBe('yolo-policy');
    expect(pullsFor(branchOf(done))).toHaveLength(1);
  }, 120_000);

  it('falls back to approval in YOLO mode for a protected path, and only its team may approve', async () => {
    const res = await create('SHOP-7', { mode: 'yolo' });
    const waiting = await untilStatus(s.client, res.body.job_id, 'awaiting_approval');
    expect(waiting.result.yolo).toMatchObject({
      compliant: false,
      approved: false,
      reasons: ['docs/changes/shop-7.md under docs/changes/shop-7.md requires approval by docs_team'],
    });
    const hash = waiting.latest_plan_hash;
    const refused = await s.client.post(`/draft-pr/jobs/${waiting.job_id}/approve`, { plan_hash: hash });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('approval_requires_team');
    const claimed = await s.client.post(`/draft-pr/jobs/${waiting.job_id}/approve`, {
      plan_hash: hash,
      approver_teams: ['docs_team'],
    });
    expect(claimed.status).toBe(400);
    expect(claimed.body.error.message).toContain('approver_teams');
    const ok = await s.docsClient.post(`/draft-pr/jobs/${waiting.job_id}/approve`, {
      plan_hash: hash,
      approved_by: 'Dana',
    });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body.approval.approved_by).toBe(`Dana (${DOCS_PRINCIPAL})`);
    await untilStatus(s.client, waiting.job_id, 'done');
  }, 120_000);

  it('plans with the LLM when it answers with an applicable plan, and applies exactly its edits', async () => {
    const waiting = await createAndPlan(LLM_STORY);
    const plan = (await get(`/draft-pr/jobs/${waiting.job_id}/plan`)).body;
    expect(plan.plan.summary).toBe(LLM_PLAN.summary);
    expect(plan.plan.scope.modified).toEqual(['src/invoices.ts']);
    const prompt = JSON.stringify(
      s.llm.requests.find((r) => JSON.stringify(r.body).includes(`story ${LLM_STORY}`))?.body,
    );
    expect(prompt).toContain('The export lives in the invoices module.');
    await approveLatest(waiting.job_id);
    const done = await untilStatus(s.client, waiting.job_id, 'done');
    expect(s.origin.git(['show', `${done.result.commit_sha}:src/invoices.ts`])).toBe(
      LLM_PLAN.changes[0]!.content.trim(),
    );
    expect(pullsFor(branchOf(done))[0]!.body).toContain(LLM_PLAN.summary);
  }, 120_000);

  it('discards a stage delivered out of order and changes nothing', async () => {
    const waiting = await createAndPlan('SHOP-13');
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const queue = new JobQueue(redis, s.env.QUEUE_PREFIX, redis.duplicate());
    try {
      const view = await queue.enqueue(
        'draft_pr_stage',
        { draft_pr_job_id: waiting.job_id, stage: 'VERIFY' },
        { requestedBy: 'test', tenant: 'local' },
      );
      const finished = await waitFor(async () => {
        const v = await queue.get(view.job_id, 'local');
        return v.status === 'completed' || v.status === 'failed' ? v : undefined;
      });
      expect(finished.status).toBe('completed');
      expect(finished.result).toMatchObject({ discarded: expect.stringContaining('cannot run VERIFY') });
      const after = (await get(`/draft-pr/jobs/${waiting.job_id}`)).body;
      expect(after).toMatchObject({ status: 'awaiting_approval', stage: 'APPROVAL' });
      expect((await get(`/draft-pr/jobs/${waiting.job_id}/progress`)).body.runs).toHaveLength(1);
    } finally {
      await queue.close();
      await redis.quit();
    }
  }, 60_000);
});

describe('recovery', () => {
  it('queues the stage again when a pending job has lost its stage job', async () => {
    // A job whose PLAN was never queued (the enqueue after creation failed, or the worker gave up).
    const db = openDatabase(s.env.DATABASE_PATH!);
    const store = new DraftPrStore(db, { artifactsDir: join(s.env.DATA_DIR, 'artifacts') });
    const orphan = store.createJob({ story_key: 'SHOP-14', repos: [{ url: REPO_URL }], mode: 'normal' });
    db.close();
    const kicked = await s.client.post(`/draft-pr/jobs/${orphan.id}/retry`, {});
    expect(kicked.status, kicked.text).toBe(202);
    expect(kicked.body).toMatchObject({ status: 'pending', stage: 'PLAN', queued: { stage: 'PLAN' } });
    await untilStatus(s.client, orphan.id, 'awaiting_approval');
    const notFailed = await s.client.post(`/draft-pr/jobs/${orphan.id}/retry`, {});
    expect(notFailed.status).toBe(409);
    expect(notFailed.body.error.code).toBe('illegal_transition');
  }, 60_000);
});

describe('templates', () => {
  it('creates, lists, reads, replaces and deletes PR description templates, and uses one in a PR', async () => {
    const created = await s.client.post('/draft-pr/templates', {
      name: 'Short',
      body: 'Template for {{story_key}}\n\n{{summary}}',
      description: 'A short body',
    });
    expect(created.status, created.text).toBe(201);
    const id = created.body.id;
    expect((await s.client.post('/draft-pr/templates', { name: 'Short', body: 'x' })).status).toBe(409);
    expect((await get('/draft-pr/templates')).body.templates.map((t: { name: string }) => t.name)).toContain(
      'Short',
    );
    const replaced = await s.client.call('PUT', `/draft-pr/templates/${id}`, {
      name: 'Short v2',
      body: 'PR for {{story_key}}: {{summary}}',
    });
    expect(replaced.status, replaced.text).toBe(200);
    expect((await get(`/draft-pr/templates/${id}`)).body).toMatchObject({
      name: 'Short v2',
      description: null,
    });

    const res = await create('SHOP-6', { mode: 'yolo', template_id: id });
    const done = await untilStatus(s.client, res.body.job_id, 'done');
    expect(pullsFor(branchOf(done))[0]!.body).toMatch(/^PR for SHOP-6: Record SHOP-6/);

    expect((await s.client.del(`/draft-pr/templates/${id}`)).status).toBe(200);
    expect((await get(`/draft-pr/templates/${id}`)).status).toBe(404);
    expect((await s.client.del(`/draft-pr/templates/${id}`)).status).toBe(404);
    expect((await create('SHOP-9', { template_id: id })).status).toBe(404);
    const bad = await s.client.post('/draft-pr/templates', { name: '', body: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.field).toBe('name');
  }, 120_000);
});

describe('bulk endpoints', () => {
  it('creates, approves and cancels several jobs, reporting each outcome', async () => {
    const created = await s.client.post('/draft-pr/bulk/create', {
      story_keys: ['SHOP-8', 'SHOP-10', 'SHOP-12'],
      repos: [REPO_URL],
    });
    expect(created.status, created.text).toBe(202);
    expect(created.body).toMatchObject({ succeeded: 3, failed: 0 });
    const [a, b, c] = created.body.results.map((r: { job_id: string }) => r.job_id) as string[];
    const dup = await s.client.post('/draft-pr/bulk/create', { story_keys: ['SHOP-8'], repos: [REPO_URL] });
    expect(dup.body.results[0]).toMatchObject({
      ok: false,
      error: { code: 'duplicate_job', story_key: 'SHOP-8', details: { existing_job_id: a } },
    });

    const plans = [];
    for (const id of [a!, b!, c!]) plans.push(await untilStatus(s.client, id, 'awaiting_approval'));
    const approved = await s.client.post('/draft-pr/jobs/bulk/approve', {
      approvals: [
        { job_id: a, plan_hash: plans[0].latest_plan_hash },
        { job_id: b, plan_hash: plans[0].latest_plan_hash },
      ],
    });
    expect(approved.status, approved.text).toBe(200);
    expect(approved.body).toMatchObject({ succeeded: 1, failed: 1 });
    expect(approved.body.results[1]).toMatchObject({
      job_id: b,
      ok: false,
      error: { code: 'stale_plan_hash' },
    });

    const cancelled = await s.client.post('/draft-pr/jobs/bulk/cancel', { job_ids: [b, c, 'no-such-job'] });
    expect(cancelled.status, cancelled.text).toBe(200);
    expect(cancelled.body).toMatchObject({ succeeded: 2, failed: 1 });
    expect(cancelled.body.results[2]).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect((await get(`/draft-pr/jobs/${c}`)).body.status).toBe('cancelled');
    expect(
      (await s.client.post(`/draft-pr/jobs/${c}/approve`, { plan_hash: plans[2].latest_plan_hash })).status,
    ).toBe(409);
    await untilStatus(s.client, a!, 'done');

    const empty = await s.client.post('/draft-pr/jobs/bulk/approve', { approvals: [] });
    expect(empty.status).toBe(400);
    expect(empty.body.error.details.field).toBe('approvals');
  }, 120_000);
});

describe('tenancy', () => {
  /** A Forge site calling with invocation tokens; its jobs read Jira through the app system token. */
  const forgeSite = (cloudId: string, accountId: string) => {
    const call = async (method: string, path: string, body?: unknown) =>
      api(s.runner, await jwks.sign({ apiBaseUrl: `${s.emu.url}/ex/jira/${cloudId}`, accountId })).call(
        method,
        path,
        body,
        { 'x-forge-oauth-system': s.emu.credentials.admin.bearerToken },
      );
    return { call, get: (p: string) => call('GET', p), post: (p: string, b: unknown) => call('POST', p, b) };
  };

  it('keeps one site’s draft PR jobs from another, and records the Forge user who asked and approved', async () => {
    const local = await createAndPlan('SHOP-16');
    const site = forgeSite('cloud-tenant-x', '5b10:reviewer');
    const foreign = local.job_id as string;

    for (const path of ['', '/plan', '/plans', '/plans/1', '/plans/compare', '/progress', '/artifacts']) {
      expect((await site.get(`/draft-pr/jobs/${foreign}${path}`)).status, path).toBe(404);
    }
    expect(
      (await site.post(`/draft-pr/jobs/${foreign}/approve`, { plan_hash: local.latest_plan_hash })).status,
    ).toBe(404);
    expect((await site.post(`/draft-pr/jobs/${foreign}/revise-plan`, { feedback: 'x' })).status).toBe(404);
    expect((await site.post(`/draft-pr/jobs/${foreign}/retry`, {})).status).toBe(404);
    const bulk = await site.post('/draft-pr/jobs/bulk/cancel', { job_ids: [foreign] });
    expect(bulk.body.results[0]).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect((await site.get('/draft-pr/analytics/jobs')).body.jobs).toEqual([]);
    expect((await site.get('/draft-pr/analytics/stats')).body.total).toBe(0);
    expect((await site.post('/draft-pr/templates', { name: 'x', body: 'y' })).status).toBe(403);

    // The same story key on another site is another story: no 409 from the first site's job.
    const own = await site.post('/draft-pr/create', { story_key: 'SHOP-16', repos: [{ url: REPO_URL }] });
    expect(own.status, own.text).toBe(202);
    expect(own.body.requested_by).toBe('forge:5b10:reviewer');
    const planned = await waitFor(async () => {
      const job = (await site.get(`/draft-pr/jobs/${own.body.job_id}`)).body;
      return job?.status === 'awaiting_approval' ? job : undefined;
    }, 60_000);
    const approved = await site.post(`/draft-pr/jobs/${own.body.job_id}/approve`, {
      plan_hash: planned.latest_plan_hash,
    });
    expect(approved.status, approved.text).toBe(200);
    expect(approved.body.approval).toMatchObject({ approved_by: 'forge:5b10:reviewer' });
    expect((await get(`/draft-pr/jobs/${own.body.job_id}`)).status).toBe(404);

    const cancelled = await site.post('/draft-pr/jobs/bulk/cancel', { job_ids: [own.body.job_id] });
    expect(cancelled.body.results[0]).toMatchObject({ ok: true });
    await s.client.post('/draft-pr/jobs/bulk/cancel', { job_ids: [foreign] });
  }, 120_000);
});

describe('validation', () => {
  it('says whether a story is ready for a draft PR', async () => {
    const ready = (await get('/validate/story/SHOP-1')).body;
    expect(ready).toMatchObject({
      key: 'SHOP-1',
      exists: true,
      ready: true,
      problems: [],
      has_description: true,
    });
    expect(ready.acceptance_criteria).toHaveLength(2);
    expect(ready.readiness.score).toBeGreaterThan(0);
    const notReady = (await get('/validate/story/SHOP-9')).body;
    expect(notReady.ready).toBe(false);
    expect(notReady.problems).toContain('the story has no acceptance criteria');
    expect(notReady.readiness.level).not.toBe('ready');
    expect((await get('/validate/story/SHOP-999')).body).toMatchObject({ exists: false, ready: false });
    const bad = await get('/validate/story/not-a-key');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.field).toBe('key');
  });

  it('checks that a repository is supported and reachable and names its default branch', async () => {
    const ok = await s.client.post('/validate/repo', { url: REPO_URL });
    expect(ok.body).toEqual({ valid: true, url: REPO_URL, default_branch: 'main' });
    const missing = await s.client.post('/validate/repo', { url: 'https://github.com/acme/missing' });
    expect(missing.body.valid).toBe(false);
    expectNoSecrets(JSON.stringify(missing.body));
    for (const url of [
      'https://gitlab.com/acme/invoices',
      'file:///etc/passwd',
      'https://u:p@github.com/a/b',
    ]) {
      const res = await s.client.post('/validate/repo', { url });
      expect(res.status).toBe(200);
      expect(res.body.valid, url).toBe(false);
    }
    const noUrl = await s.client.post('/validate/repo', { branch: 'main' });
    expect(noUrl.status).toBe(400);
    expect(noUrl.body.error.details.field).toBe('url');
  });

  it('answers 400 naming the field for bad requests, and 409 for a second job on the same story', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ repos: [REPO_URL] }, 'story_key'],
      [{ story_key: 'shop-1', repos: [REPO_URL] }, 'story_key'],
      [{ story_key: 'SHOP-9', repos: [] }, 'repos'],
      [{ story_key: 'SHOP-9', repos: [REPO_URL], mode: 'reckless' }, 'mode'],
      [{ story_key: 'SHOP-9', repos: [{ url: REPO_URL, branch: '--upload-pack=evil' }] }, 'repos.0.branch'],
      [{ story_key: 'SHOP-9', repos: [{ url: REPO_URL, branch: '../../etc' }] }, 'repos.0.branch'],
    ];
    for (const [body, field] of cases) {
      const res = await s.client.post('/draft-pr/create', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.details.field, JSON.stringify(body)).toBe(field);
    }
    const unsupported = await create('SHOP-9', { repos: ['https://gitlab.com/acme/invoices'] });
    expect(unsupported.status).toBe(400);
    expect(unsupported.body.error).toMatchObject({ code: 'invalid_repo', details: { field: 'repos' } });

    const first = await create('SHOP-9');
    expect(first.status).toBe(202);
    const second = await create('SHOP-9');
    expect(second.status).toBe(409);
    expect(second.body.error).toMatchObject({
      code: 'duplicate_job',
      details: { existing_job_id: first.body.job_id },
    });

    const jobId = first.body.job_id;
    const badHash = await s.client.post(`/draft-pr/jobs/${jobId}/approve`, { plan_hash: 'abc' });
    expect(badHash.body.error.details.field).toBe('plan_hash');
    const noFeedback = await s.client.post(`/draft-pr/jobs/${jobId}/revise-plan`, { concerns: [] });
    expect(noFeedback.body.error.details.field).toBe('feedback');
    expect((await get('/draft-pr/jobs/not%20an%20id')).status).toBe(400);
    expect((await get('/draft-pr/jobs/00000000-0000-0000-0000-000000000000')).status).toBe(404);
    expect((await get('/draft-pr/analytics/jobs?status=weird')).body.error.details.field).toBe('status');
    await untilStatus(s.client, jobId, 'awaiting_approval');
  }, 60_000);
});

describe('OpenAPI', () => {
  it('documents every /draft-pr and /validate route of the spec', async () => {
    const doc = (await get('/openapi.json')).body;
    const routes = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(
      ([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    const ours = routes.filter((r) => / \/(draft-pr|validate)\//.test(r)).sort();
    expect(ours).toEqual(
      [
        'GET /draft-pr/analytics/jobs',
        'GET /draft-pr/analytics/stats',
        'GET /draft-pr/jobs/{job_id}',
        'GET /draft-pr/jobs/{job_id}/artifacts',
        'GET /draft-pr/jobs/{job_id}/artifacts/{artifact_type}',
        'GET /draft-pr/jobs/{job_id}/artifacts/{artifact_type}/metadata',
        'GET /draft-pr/jobs/{job_id}/plan',
        'GET /draft-pr/jobs/{job_id}/plans',
        'GET /draft-pr/jobs/{job_id}/plans/compare',
        'GET /draft-pr/jobs/{job_id}/plans/{version}',
        'GET /draft-pr/jobs/{job_id}/progress',
        'GET /draft-pr/templates',
        'GET /draft-pr/templates/{template_id}',
        'PUT /draft-pr/templates/{template_id}',
        'GET /validate/story/{key}',
        'POST /draft-pr/bulk/create',
        'POST /draft-pr/create',
        'POST /draft-pr/jobs/bulk/approve',
        'POST /draft-pr/jobs/bulk/cancel',
        'POST /draft-pr/jobs/{job_id}/approve',
        'POST /draft-pr/jobs/{job_id}/retry',
        'POST /draft-pr/jobs/{job_id}/revise-plan',
        'POST /draft-pr/templates',
        'POST /validate/repo',
        'DELETE /draft-pr/templates/{template_id}',
      ].sort(),
    );
  });
});

describe('logs', () => {
  it('record every stage without any configured secret', () => {
    const logs = s.logs();
    expect(logs).toContain('draft PR stage succeeded');
    expect(logs).toContain('draft PR plan approved');
    expectNoSecrets(logs);
  });
});

describe('analytics', () => {
  it('lists jobs by filter and reports counts, success rate, durations and approvals', async () => {
    const done = (await get('/draft-pr/analytics/jobs?status=done&limit=100')).body;
    expect(done.total).toBeGreaterThanOrEqual(6);
    expect(done.jobs.every((j: { status: string }) => j.status === 'done')).toBe(true);
    const one = (await get('/draft-pr/analytics/jobs?story_key=SHOP-1')).body;
    expect(one.jobs.map((j: { story_key: string }) => j.story_key)).toEqual(['SHOP-1']);
    const yolo = (await get('/draft-pr/analytics/jobs?mode=yolo&limit=1')).body;
    expect(yolo).toMatchObject({ limit: 1, offset: 0 });
    expect(yolo.jobs).toHaveLength(1);

    const stats = (await get('/draft-pr/analytics/stats')).body;
    expect(stats.total).toBe((await get('/draft-pr/analytics/jobs?limit=500')).body.total);
    expect(stats.by_status.done).toBe(done.total);
    expect(stats.by_status.cancelled).toBeGreaterThanOrEqual(2);
    expect(stats.success_rate).toBeGreaterThan(0);
    expect(stats.approvals.yolo).toBeGreaterThanOrEqual(2);
    expect(stats.approvals.invalidated).toBeGreaterThanOrEqual(1);
    expect(stats.avg_stage_duration_ms).toHaveProperty('VERIFY');
    expect((await get('/draft-pr/analytics/stats?mode=yolo')).body.by_mode).toEqual({
      yolo: expect.any(Number),
    });
  });
});
