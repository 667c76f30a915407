import { beforeEach, describe, expect, it, vi } from 'vitest';
import { issuePanelHandler } from '../../../src/index';
import { callResolver, storyContext } from '../testing/call-resolver';
import { fakeKvs, fakePlanHash, fakeRunner, resetFakes } from '../testing/forge-fakes';
import type { DraftPrPlan, JobSnapshot, PanelState, StartOutcome, TrackedJob } from '../types';

vi.mock('@forge/api', async () => (await import('../testing/forge-fakes')).forgeApiModule());
vi.mock('@forge/kvs', async () => (await import('../testing/forge-fakes')).forgeKvsModule());

const call = <T>(fn: string, payload: unknown = {}, context: Record<string, unknown> = storyContext) =>
  callResolver<T>(issuePanelHandler, fn, payload, context);

beforeEach(() => {
  resetFakes();
  vi.spyOn(console, 'error').mockImplementation(() => {});
});

describe('issue panel resolvers', () => {
  it('starts a description preview as an async dry run and remembers the job for the issue', async () => {
    const res = await call<StartOutcome>('startAction', { action: 'description', dryRun: true });

    expect(res.ok).toBe(true);
    if (!res.ok || res.data.mode !== 'job') throw new Error('expected a job');
    expect(res.data.job).toMatchObject({ kind: 'description', job_id: 'job-1', dry_run: true });
    expect(fakeRunner.requestsTo('/generate/single')[0]?.body).toEqual({
      ticket_key: 'PROJ-1',
      dry_run: true,
      async_mode: true,
    });
    expect(fakeKvs.data.get('job:PROJ-1:description')).toMatchObject({ job_id: 'job-1', dry_run: true });
  });

  it('shows the remembered job again when the panel is reopened, with its current progress', async () => {
    await call('startAction', { action: 'tasks', dryRun: true });
    fakeRunner.update('job-1', { status: 'active', progress: { stage: 'splitting tasks', percent: 40 } });

    const res = await call<PanelState>('getPanelState');

    expect(res.ok).toBe(true);
    if (!res.ok) return;
    expect(res.data.issueKey).toBe('PROJ-1');
    expect(res.data.jobs.tasks?.snapshot).toMatchObject({ status: 'active', progress: { percent: 40 } });
    expect(res.data.jobs.description).toBeUndefined();
  });

  it('forgets a remembered job the runner no longer knows', async () => {
    await call('startAction', { action: 'description', dryRun: true });
    fakeRunner.jobs.clear();

    const res = await call<PanelState>('getPanelState');

    expect(res.ok && res.data.jobs.description).toBeFalsy();
    expect(fakeKvs.data.has('job:PROJ-1:description')).toBe(false);
  });

  it('creates in Jira with dry_run false after a preview', async () => {
    await call('startAction', { action: 'tasks', dryRun: true });
    fakeRunner.complete('job-1', { story_types: ['api'], tasks: [], relationships: [] });

    const res = await call<StartOutcome>('startAction', { action: 'tasks', dryRun: false });

    expect(res.ok).toBe(true);
    expect(
      fakeRunner.requestsTo('/plan/tasks/team-based').map((r) => (r.body as { dry_run: boolean }).dry_run),
    ).toEqual([true, false]);
    expect(fakeKvs.data.get('job:PROJ-1:tasks')).toMatchObject({ job_id: 'job-2', dry_run: false });
  });

  it('answers a duplicate start with the running job id and remembers that job', async () => {
    await call('startAction', { action: 'description', dryRun: true });

    const res = await call<StartOutcome>('startAction', { action: 'description', dryRun: true });

    expect(res).toMatchObject({
      ok: false,
      error: {
        code: 'duplicate_job',
        status: 409,
        details: { existing_job_id: 'job-1', kind: 'description' },
      },
    });
    if (!res.ok) expect(res.error.message).toMatch(/already running/i);
  });

  it('tracks an existing job on request and returns its state', async () => {
    await call('startAction', { action: 'description', dryRun: true });
    fakeKvs.data.clear();

    const res = await call<TrackedJob>('trackJob', { kind: 'description', jobId: 'job-1' });

    expect(res.ok && res.data.snapshot?.status).toBe('waiting');
    expect(fakeKvs.data.get('job:PROJ-1:description')).toMatchObject({ job_id: 'job-1' });
  });

  it('returns synchronous test cases and coverage as results', async () => {
    const tests = await call<StartOutcome>('startAction', {
      action: 'tests',
      dryRun: true,
      coverageLevel: 'basic',
    });
    const coverage = await call<StartOutcome>('startAction', { action: 'coverage', dryRun: true });

    expect(tests).toMatchObject({ ok: true, data: { mode: 'result', kind: 'tests' } });
    expect(fakeRunner.requestsTo('/plan/tests/story')[0]?.body).toEqual({
      story_key: 'PROJ-1',
      coverage_level: 'basic',
    });
    expect(coverage).toMatchObject({
      ok: true,
      data: { mode: 'result', result: { coverage_percent: 50 } },
    });
  });

  it('sends the admin-chosen LLM provider and model with generation requests', async () => {
    await fakeKvs.set('settings:llm', { provider: 'claude', model: 'claude-sonnet-4-5' });

    await call('startAction', { action: 'description', dryRun: true });

    expect(fakeRunner.requestsTo('/generate/single')[0]?.body).toMatchObject({
      llm_provider: 'claude',
      llm_model: 'claude-sonnet-4-5',
    });
  });

  it('takes the issue from the Forge context, not the payload, and refuses without one', async () => {
    const res = await call(
      'startAction',
      { action: 'description', dryRun: true, issueKey: 'OTHER-9' },
      {
        extension: {},
      },
    );

    expect(res).toMatchObject({ ok: false, error: { code: 'missing_context', status: 400 } });
    expect(fakeRunner.requests).toHaveLength(0);
  });

  it('rejects an unknown action with the field name', async () => {
    const res = await call('startAction', { action: 'deploy', dryRun: true });

    expect(res).toMatchObject({ ok: false, error: { code: 'bad_request', details: { field: 'kind' } } });
  });

  it('passes the runner validation error through with its field names', async () => {
    fakeRunner.override('POST', /^\/generate\/single$/, {
      status: 400,
      body: {
        error: { code: 'validation_error', message: 'Invalid request', details: { field: 'ticket_key' } },
      },
    });

    const res = await call('startAction', { action: 'description', dryRun: true });

    expect(res).toMatchObject({ ok: false, error: { code: 'validation_error', status: 400 } });
    if (!res.ok) expect(res.error.message).toContain('ticket_key');
  });

  it('reports an unreachable runner as a readable failure', async () => {
    fakeRunner.failTransport(new Error('connect ECONNREFUSED'));

    const res = await call('getJob', { jobId: 'job-1' });

    expect(res).toMatchObject({ ok: false, error: { code: 'runner_unreachable', status: 0 } });
    if (!res.ok)
      expect(res.error.message).toMatch(/Could not reach the Augment runner: connect ECONNREFUSED/);
  });

  it('follows a job and cancels it', async () => {
    await call('startAction', { action: 'description', dryRun: true });

    const job = await call<JobSnapshot>('getJob', { jobId: 'job-1' });
    const cancelled = await call('cancelJob', { jobId: 'job-1' });

    expect(job).toMatchObject({ ok: true, data: { job_id: 'job-1', job_type: 'single', status: 'waiting' } });
    expect(cancelled.ok).toBe(true);
    expect(fakeRunner.jobs.get('job-1')?.status).toBe('cancelled');
  });

  it('refuses job ids that could change the runner path', async () => {
    const res = await call('getJob', { jobId: '../team-members' });

    expect(res).toMatchObject({ ok: false, error: { code: 'bad_request', details: { field: 'jobId' } } });
    expect(fakeRunner.requests).toHaveLength(0);
  });
});

describe('draft PR review resolvers', () => {
  it('runs plan, revision, comparison and approval bound to the hash shown', async () => {
    const created = await call<TrackedJob>('draftPrCreate', {
      repos: ['https://bitbucket.org/acme/app.git', ' '],
      mode: 'normal',
    });
    expect(created.ok).toBe(true);
    if (!created.ok) return;
    const jobId = created.data.job_id;
    expect(fakeRunner.requestsTo('/draft-pr/create')[0]?.body).toEqual({
      story_key: 'PROJ-1',
      repos: [{ url: 'https://bitbucket.org/acme/app.git' }],
      mode: 'normal',
    });

    const v1 = await call<DraftPrPlan>('draftPrPlan', { jobId });
    expect(v1).toMatchObject({ ok: true, data: { version: 1, plan_hash: fakePlanHash(1) } });

    expect((await call('draftPrRevise', { jobId, feedback: 'also add rate limiting' })).ok).toBe(true);
    const compare = await call('draftPrCompare', { jobId, from: 1, to: 2 });
    expect(fakeRunner.requests.at(-1)?.path).toBe(`/draft-pr/jobs/${jobId}/plans/compare?from=1&to=2`);
    expect(compare).toMatchObject({ ok: true, data: { changed: true, fields: [{ field: 'summary' }] } });

    const stale = await call('draftPrApprove', { jobId, planHash: fakePlanHash(1) });
    expect(stale).toMatchObject({ ok: false, error: { code: 'plan_changed', status: 409 } });

    const approved = await call('draftPrApprove', { jobId, planHash: fakePlanHash(2) });
    expect(approved.ok).toBe(true);
    expect(fakeRunner.requests.at(-1)?.body).toEqual({ plan_hash: fakePlanHash(2) });
    expect(await call('draftPrProgress', { jobId })).toMatchObject({ ok: true, data: { stage: 'APPLY' } });

    fakeRunner.finishDraftPr(jobId, 'https://bitbucket.org/acme/app/pull-requests/5');
    const status = await call('draftPrStatus', { jobId });
    expect(status).toMatchObject({
      ok: true,
      data: {
        job_id: jobId,
        status: 'done',
        result: { pr: { url: 'https://bitbucket.org/acme/app/pull-requests/5' } },
      },
    });
  });

  it('reads the plan hash the runner names `hash` as the plan_hash to approve', async () => {
    await call('draftPrCreate', { repos: ['https://github.com/acme/app.git'], mode: 'normal' });

    const plan = await call<DraftPrPlan>('draftPrPlan', { jobId: 'dpr-1', version: 1 });

    expect(plan).toMatchObject({
      ok: true,
      data: { version: 1, plan_hash: fakePlanHash(1), hash: fakePlanHash(1) },
    });
    expect(fakeRunner.requests.at(-1)?.path).toBe('/draft-pr/jobs/dpr-1/plans/1');
  });

  it('refuses a plan without a hash, since it could not be approved', async () => {
    fakeRunner.override('GET', /\/plan$/, { status: 200, body: { version: 1, plan: { summary: 'x' } } });

    const plan = await call('draftPrPlan', { jobId: 'dpr-1' });

    expect(plan).toMatchObject({ ok: false, error: { code: 'invalid_response' } });
  });

  it('remembers the draft PR job so the story panel shows it again', async () => {
    await call('draftPrCreate', { repos: ['https://github.com/acme/app.git'], mode: 'yolo' });

    const state = await call<PanelState>('getPanelState');

    expect(state.ok && state.data.jobs.draft_pr?.snapshot).toMatchObject({ status: 'awaiting_approval' });
  });

  it('refuses a draft PR without repositories and empty feedback', async () => {
    expect(await call('draftPrCreate', { repos: [], mode: 'normal' })).toMatchObject({
      ok: false,
      error: { details: { field: 'repos' } },
    });
    expect(await call('draftPrRevise', { jobId: 'dpr-1', feedback: '  ' })).toMatchObject({
      ok: false,
      error: { details: { field: 'feedback' } },
    });
  });
});
