import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DraftPrPlan } from '@augment/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from './db.js';
import { DraftPrStore, YOLO_APPROVER } from './draft-pr-store.js';
import { planHash } from './plan-hash.js';

const plan = (summary = 'Add docs') =>
  DraftPrPlan.parse({
    summary,
    scope: { added: ['docs/a.md'] },
    changes: [{ action: 'add', path: 'docs/a.md', content: 'x\n' }],
  });

let dir: string;
let store: DraftPrStore;
let clock: number;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'draft-pr-store-'));
  clock = Date.parse('2026-01-01T00:00:00Z');
  store = new DraftPrStore(openDatabase(join(dir, 'augment.db')), {
    artifactsDir: join(dir, 'artifacts'),
    now: () => new Date(clock),
  });
});
afterEach(() => {
  store.db.close();
  rmSync(dir, { recursive: true, force: true });
});

const newJob = (story_key = 'PROJ-1', mode: 'normal' | 'yolo' = 'normal') =>
  store.createJob({ story_key, repos: [{ url: 'https://github.com/acme/web' }], mode });

/** Drives a job to APPROVAL with one plan version. */
function planned(p = plan()) {
  const job = newJob();
  store.transition(job.id, { type: 'start', stage: 'PLAN' });
  const version = store.addPlanVersion(job.id, p);
  store.transition(job.id, { type: 'stage_succeeded', stage: 'PLAN' });
  return { job: store.requireJob(job.id), version };
}

describe('DraftPrStore jobs', () => {
  it('creates a job pending at PLAN and reads it back', () => {
    const job = newJob();
    expect(job).toMatchObject({
      story_key: 'PROJ-1',
      status: 'pending',
      stage: 'PLAN',
      progress: 0,
      error: null,
      result: {},
    });
    expect(store.getJob(job.id)).toEqual(job);
    expect(store.getJob('nope')).toBeNull();
    expect(() => store.requireJob('nope')).toThrow('draft PR job nope not found');
  });

  it('refuses an illegal transition with a 409 and leaves the job unchanged', () => {
    const job = newJob();
    expect(() => store.transition(job.id, { type: 'start', stage: 'APPLY' })).toThrow(
      expect.objectContaining({ status: 409, code: 'illegal_transition' }),
    );
    expect(store.requireJob(job.id)).toEqual(job);
  });

  it('merges stage results into the job', () => {
    const job = newJob();
    store.updateJob(job.id, { result: { branch: 'augment/PROJ-1' } });
    const after = store.updateJob(job.id, { result: { commit_sha: 'abc' } });
    expect(after.result).toEqual({ branch: 'augment/PROJ-1', commit_sha: 'abc' });
  });

  it('filters jobs and computes analytics: counts, success rate, durations', () => {
    const a = newJob('PROJ-1');
    const b = newJob('PROJ-2', 'yolo');
    newJob('PROJ-3');
    // a: runs PLAN for 2 s, is approved, then cancelled; b: fails at PLAN after 1 s.
    store.transition(a.id, { type: 'start', stage: 'PLAN' });
    store.addPlanVersion(a.id, plan());
    clock += 2000;
    store.transition(a.id, { type: 'stage_succeeded', stage: 'PLAN' });
    store.approve(a.id, planHash(plan()), 'alice');
    store.transition(a.id, { type: 'cancel' });
    store.transition(b.id, { type: 'start', stage: 'PLAN' });
    clock += 1000;
    store.transition(b.id, { type: 'stage_failed', stage: 'PLAN', error: { code: 'x', message: 'boom' } });

    expect(store.listJobs({ status: 'failed' }).jobs.map((j) => j.id)).toEqual([b.id]);
    expect(store.listJobs({ mode: 'yolo' }).total).toBe(1);
    expect(store.listJobs({ limit: 2 })).toMatchObject({ total: 3 });
    expect(store.listJobs({ limit: 2 }).jobs).toHaveLength(2);

    const stats = store.stats();
    expect(stats).toMatchObject({
      total: 3,
      by_status: { pending: 1, failed: 1, cancelled: 1 },
      by_mode: { normal: 2, yolo: 1 },
      success_rate: 0,
      avg_duration_ms: null,
      avg_stage_duration_ms: { PLAN: 2000 },
      approvals: { human: 1, yolo: 0, invalidated: 0 },
    });
    expect(store.stageRuns(b.id)).toEqual([
      expect.objectContaining({ stage: 'PLAN', attempt: 1, outcome: 'failed' }),
    ]);
  });
});

describe('DraftPrStore plans and approvals', () => {
  it('numbers plan versions, hashes them, and never lets a version change', () => {
    const { job, version } = planned();
    expect(version).toMatchObject({ version: 1, hash: planHash(plan()), feedback: null });
    const v2 = store.addPlanVersion(job.id, plan('Add more docs'), {
      feedback: { feedback: 'more', concerns: [], change_requests: [] },
    });
    expect(v2.version).toBe(2);
    expect(store.latestPlan(job.id)?.version).toBe(2);
    expect(store.listPlanVersions(job.id).map((v) => [v.version, v.summary, v.files])).toEqual([
      [1, 'Add docs', 1],
      [2, 'Add more docs', 1],
    ]);
    expect(() =>
      store.db.prepare("UPDATE draft_pr_plan_versions SET plan = '{}' WHERE job_id = ?").run(job.id),
    ).toThrow('plan versions are immutable');
  });

  it('approves the latest hash and records who and when', () => {
    const { job, version } = planned();
    const { job: moved, approval } = store.approve(job.id, version.hash, 'alice');
    expect(moved).toMatchObject({ status: 'pending', stage: 'APPLY' });
    expect(approval).toMatchObject({
      plan_version: 1,
      plan_hash: version.hash,
      approved_by: 'alice',
      invalidated_at: null,
    });
    expect(approval.approved_at).toBe('2026-01-01T00:00:00.000Z');
    // a repeated request is answered with the same approval
    expect(store.approve(job.id, version.hash, 'alice').approval.id).toBe(approval.id);
  });

  it('rejects an approval of a stale plan hash', () => {
    const { job, version } = planned();
    store.addPlanVersion(job.id, plan('Changed'));
    expect(() => store.approve(job.id, version.hash, 'alice')).toThrow(
      expect.objectContaining({ status: 409, code: 'stale_plan_hash' }),
    );
    expect(store.listApprovals(job.id)).toEqual([]);
    expect(store.requireJob(job.id).status).toBe('awaiting_approval');
  });

  it('invalidates the earlier approval when a new plan version is added', () => {
    const { job, version } = planned();
    store.approve(job.id, version.hash, 'alice');
    store.addPlanVersion(job.id, plan('Revised'));
    expect(store.validApproval(job.id, version.hash)).toBeNull();
    expect(store.listApprovals(job.id)[0]).toMatchObject({ invalidated_reason: 'superseded by plan v2' });
    expect(store.stats().approvals).toEqual({ human: 1, yolo: 0, invalidated: 1 });
  });

  it('counts policy approvals apart from human ones', () => {
    const { job, version } = planned();
    store.approve(job.id, version.hash, YOLO_APPROVER);
    expect(store.stats().approvals).toMatchObject({ human: 0, yolo: 1 });
  });
});

describe('DraftPrStore artifacts', () => {
  it('writes the file and indexes its type, path, checksum and size', () => {
    const job = newJob();
    const meta = store.saveArtifact(job.id, 'pr_body', '# hello\n', 'text/markdown');
    expect(meta).toMatchObject({
      type: 'pr_body',
      path: `${job.id}/pr_body.md`,
      size: 8,
      content_type: 'text/markdown',
    });
    expect(meta.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(readFileSync(join(dir, 'artifacts', job.id, 'pr_body.md'), 'utf8')).toBe('# hello\n');
    expect(store.readArtifact(job.id, 'pr_body')?.content.toString()).toBe('# hello\n');
    store.saveArtifact(job.id, 'pr_body', '# bye\n', 'text/markdown');
    expect(store.listArtifacts(job.id)).toHaveLength(1);
    expect(store.readArtifact(job.id, 'pr_body')?.content.toString()).toBe('# bye\n');
  });

  it('refuses artifact types that could escape the job directory, and detects tampering', () => {
    const job = newJob();
    for (const type of ['../x', 'a/b', '', 'UPPER', '.hidden']) {
      expect(() => store.saveArtifact(job.id, type, 'x', 'text/plain')).toThrow();
    }
    expect(existsSync(join(dir, 'x.txt'))).toBe(false);
    store.saveArtifact(job.id, 'diff', 'a', 'text/x-diff');
    writeFileSync(join(dir, 'artifacts', job.id, 'diff.diff'), 'b');
    expect(() => store.readArtifact(job.id, 'diff')).toThrow(
      expect.objectContaining({ code: 'artifact_corrupt' }),
    );
  });
});

describe('DraftPrStore templates', () => {
  it('creates, lists, updates and deletes templates with unique names', () => {
    const t = store.createTemplate({ name: 'Default', body: '{{summary}}' });
    expect(store.listTemplates()).toEqual([t]);
    expect(() => store.createTemplate({ name: 'Default', body: 'x' })).toThrow(
      expect.objectContaining({ status: 409 }),
    );
    clock += 1000;
    const u = store.updateTemplate(t.id, { name: 'Default', body: '{{scope}}', description: 'scope only' });
    expect(u).toMatchObject({ body: '{{scope}}', description: 'scope only', created_at: t.created_at });
    expect(u.updated_at).not.toBe(t.updated_at);
    expect(() => store.updateTemplate('missing', { name: 'x', body: 'y' })).toThrow(
      expect.objectContaining({ status: 404 }),
    );
    expect(store.deleteTemplate(t.id)).toBe(true);
    expect(store.deleteTemplate(t.id)).toBe(false);
  });
});
