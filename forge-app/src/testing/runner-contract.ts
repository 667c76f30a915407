/**
 * The runner paths the Forge resolvers depend on, as one suite run twice: against the fake runner
 * (forge-fakes.ts) and against a real runner process reached with signed invocation tokens
 * (test/forge-contract). Whatever the fake answers, the real runner must answer the same way, so the
 * resolver and UI tests built on the fake cannot drift from the runner.
 *
 * Test files mock `@forge/api` and `@forge/kvs` with the fakes before importing this module.
 */
import { expect, it } from 'vitest';
import { adminHandler, issuePanelHandler } from '../../../src/index';
import { createRunnerClient } from '../services/runner-client';
import type { Envelope, JobSnapshot, PreviewRef, RunnerIdentity, StartOutcome, TrackedJob } from '../types';
import { adminContext, callResolver, storyContext } from './call-resolver';
import { RUNNER_TOKEN_REFUSED, remote } from './forge-fakes';

export interface ContractBackend {
  /** Before each test: fresh state. */
  reset(): Promise<void>;
  /** The job has finished as a worker would finish it (the real runner's echo processor needs no help). */
  finish(jobId: string): Promise<void>;
  /** The preview lapses (its TTL ran out). */
  expirePreview(previewId: string): Promise<void>;
  /** From now on the runner refuses the app's invocation tokens (FORGE_APP_ID of another app). */
  refuseTokens(): Promise<void>;
  /** The runner's raw answer to a request with a refused token: status and body. */
  refusedAnswer(): Promise<{ status: number; body: unknown }>;
  /** The runner stops answering (a hung process); the returned function lets it go on. */
  stall(): Promise<() => Promise<void>>;
}

const HOLD_CONTEXT = {
  ...storyContext,
  extension: { ...storyContext.extension, issue: { key: 'HOLD-1', id: '10042', type: 'Story' } },
};

const panel = <T>(fn: string, payload: unknown = {}, context: Record<string, unknown> = storyContext) =>
  callResolver<T>(issuePanelHandler, fn, payload, context);
const admin = <T>(fn: string, payload: unknown = {}) =>
  callResolver<T>(adminHandler, fn, payload, adminContext);

function data<T>(res: Envelope<T>): T {
  if (!res.ok) throw new Error(`expected data, got ${res.error.code}: ${res.error.message}`);
  return res.data;
}

async function previewJob(backend: ContractBackend, context = storyContext) {
  const started = data(await panel<StartOutcome>('startAction', { action: 'description' }, context));
  if (started.mode !== 'job') throw new Error('expected a job');
  await backend.finish(started.job.job_id);
  const snapshot = data(await panel<JobSnapshot>('getJob', { jobId: started.job.job_id }, context));
  return {
    jobId: started.job.job_id,
    snapshot,
    preview: (snapshot.result as { preview: PreviewRef }).preview,
  };
}

/** Registers the contract tests (call inside a `describe`). */
export function runnerContract(backend: () => ContractBackend): void {
  it('starts a preview as a job (202), then reports it with the snapshot fields the views read', async () => {
    const started = data(await panel<StartOutcome>('startAction', { action: 'description' }));
    expect(started).toMatchObject({ mode: 'job', job: { kind: 'description', dry_run: true } });
    if (started.mode !== 'job') return;

    const snapshot = data(await panel<JobSnapshot>('getJob', { jobId: started.job.job_id }));
    expect(snapshot).toMatchObject({
      job_id: started.job.job_id,
      job_type: 'single',
      ticket_keys: ['PROJ-1'],
      dry_run: true,
      requested_by: 'forge:user-1',
    });
    expect(['waiting', 'active', 'completed']).toContain(snapshot.status);
    expect(snapshot.progress).toMatchObject({ stage: expect.any(String), percent: expect.any(Number) });
  });

  it('answers a second start on the same issue with 409 and the running job’s id', async () => {
    const first = data(await panel<StartOutcome>('startAction', { action: 'description' }, HOLD_CONTEXT));
    if (first.mode !== 'job') throw new Error('expected a job');

    const second = await panel('startAction', { action: 'description' }, HOLD_CONTEXT);

    expect(second).toMatchObject({
      ok: false,
      error: { code: 'duplicate_job', status: 409, details: { existing_job_id: first.job.job_id } },
    });
    expect(data(await panel('cancelJob', { jobId: first.job.job_id }, HOLD_CONTEXT))).toBeTruthy();
  });

  it('gives a finished preview an id and a SHA-256 hash, and applies it once (then 409 with the job)', async () => {
    const { jobId, snapshot, preview } = await previewJob(backend());
    expect(snapshot.status).toBe('completed');
    expect(preview).toMatchObject({
      preview_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      preview_hash: expect.stringMatching(/^[a-f0-9]{64}$/),
      expires_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });

    const applied = data(
      await panel<TrackedJob>('applyPreview', {
        kind: 'description',
        jobId,
        previewHash: preview.preview_hash,
      }),
    );
    expect(applied).toMatchObject({ kind: 'description', dry_run: false });
    expect(data(await panel<JobSnapshot>('getJob', { jobId: applied.job_id }))).toMatchObject({
      dry_run: false,
    });

    const again = await panel('applyPreview', {
      kind: 'description',
      jobId,
      previewHash: preview.preview_hash,
    });
    expect(again).toMatchObject({
      ok: false,
      error: { code: 'preview_applied', status: 409, details: { existing_job_id: applied.job_id } },
    });
  });

  it('refuses an expired preview with 409 preview_expired', async () => {
    const { jobId, preview } = await previewJob(backend());
    await backend().expirePreview(preview.preview_id);

    const res = await panel('applyPreview', {
      kind: 'description',
      jobId,
      previewHash: preview.preview_hash,
    });

    expect(res).toMatchObject({ ok: false, error: { code: 'preview_expired', status: 409 } });
  });

  it('answers 409 job_finished when a finished job is cancelled', async () => {
    const { jobId } = await previewJob(backend());

    const res = await panel('cancelJob', { jobId });

    expect(res).toMatchObject({ ok: false, error: { code: 'job_finished', status: 409 } });
  });

  it('says who the runner believes the caller is', async () => {
    const res = data(await admin<{ whoami: RunnerIdentity }>('checkRunner'));

    expect(Object.keys(res.whoami).sort()).toEqual(
      [
        'account_id',
        'actor',
        'app_id',
        'installation_id',
        'kind',
        'system_token',
        'tenant',
        'version',
      ].sort(),
    );
    expect(res.whoami).toMatchObject({
      kind: 'forge',
      actor: 'forge:user-1',
      account_id: 'user-1',
      system_token: true,
    });
  });

  it('keeps the site’s LLM choice and team members', async () => {
    expect(data(await admin('saveSettings', { provider: 'claude', model: 'claude-sonnet-4-5' }))).toEqual({
      provider: 'claude',
      model: 'claude-sonnet-4-5',
    });
    expect(data(await admin('getSettings'))).toEqual({ provider: 'claude', model: 'claude-sonnet-4-5' });

    const saved = data(
      await admin<{ id: number }>('saveMember', {
        member: { name: 'Linus', email: 'linus@example.com', role: 'qa', capacity_days_per_sprint: 5 },
      }),
    );
    expect(saved).toMatchObject({ id: expect.any(Number), name: 'Linus', capacity_days_per_sprint: 5 });
    const listed = data(await admin<{ name: string }[]>('listMembers'));
    expect(listed.map((m) => m.name)).toContain('Linus');
    expect(data(await admin('deleteMember', { id: saved.id }))).toBeTruthy();
    expect(data(await admin<{ name: string }[]>('listMembers')).map((m) => m.name)).not.toContain('Linus');
  });

  it('gives up on a runner that does not answer at the deadline, saying whether a start may have happened', async () => {
    // The resolvers' own client with a short deadline: the same code path as Forge's 25 s limit, faster.
    const client = createRunnerClient(remote.invoke, { deadlineMs: 400 });
    const resume = await backend().stall();
    try {
      const [read, start] = await Promise.all([
        client.request('GET', '/whoami'),
        client.request('POST', '/generate/single', { ticket_key: 'STALL-1', async_mode: true }),
      ]);
      expect(read).toMatchObject({ ok: false, error: { code: 'runner_timeout', status: 504 } });
      expect(start).toMatchObject({
        ok: false,
        error: { code: 'runner_timeout', status: 504, details: { may_have_started: true } },
      });
    } finally {
      await resume();
    }
  });

  it('refuses the app’s token with the runner’s 401 body, shown with what to fix', async () => {
    await backend().refuseTokens();

    expect(await backend().refusedAnswer()).toEqual({ status: 401, body: RUNNER_TOKEN_REFUSED.body });
    const res = await admin('checkRunner');
    expect(res).toMatchObject({ ok: false, error: { code: 'unauthorized', status: 401 } });
    if (!res.ok) {
      expect(res.error.message).toMatch(/set FORGE_APP_ID to the app id in manifest\.yml/);
      expect(res.error.message).toContain('invalid Forge invocation token (jwt_claim_validation_failed)');
    }
  });
}
