import { beforeEach, describe, expect, it, vi } from 'vitest';
import { issuePanelHandler } from '../../../src/index';
import { callResolver, storyContext } from '../testing/call-resolver';
import { fakeJira, fakeKvs, fakePlanHash, fakeRunner, fakeSession, resetFakes } from '../testing/forge-fakes';
import type { DraftPrPlan, JobSnapshot, PanelState, PreviewRef, StartOutcome, TrackedJob } from '../types';

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
    const res = await call<StartOutcome>('startAction', { action: 'description' });

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
    await call('startAction', { action: 'tasks' });
    fakeRunner.update('job-1', { status: 'active', progress: { stage: 'splitting tasks', percent: 40 } });

    const res = await call<PanelState>('getPanelState');

    expect(res.ok).toBe(true);
    if (!res.ok) return;
    expect(res.data.issueKey).toBe('PROJ-1');
    expect(res.data.jobs.tasks?.snapshot).toMatchObject({ status: 'active', progress: { percent: 40 } });
    expect(res.data.jobs.description).toBeUndefined();
  });

  it('forgets a remembered job the runner no longer knows', async () => {
    await call('startAction', { action: 'description' });
    fakeRunner.jobs.clear();

    const res = await call<PanelState>('getPanelState');

    expect(res.ok && res.data.jobs.description).toBeFalsy();
    expect(fakeKvs.data.has('job:PROJ-1:description')).toBe(false);
  });

  it('creates in Jira exactly the preview shown, naming its id and hash instead of generating again', async () => {
    await call('startAction', { action: 'tasks' });
    fakeRunner.complete('job-1', {
      story_types: ['api'],
      tasks: [{ summary: 'Build the API' }],
      relationships: [],
    });
    const preview = (fakeRunner.jobs.get('job-1')!.result as { preview: PreviewRef }).preview;

    const res = await call<TrackedJob>('applyPreview', {
      kind: 'tasks',
      jobId: 'job-1',
      previewHash: preview.preview_hash,
    });

    expect(res).toMatchObject({ ok: true, data: { job_id: 'job-2', dry_run: false, kind: 'tasks' } });
    // One generation only (the preview); the create names it.
    expect(fakeRunner.requestsTo('/plan/tasks/team-based')).toHaveLength(1);
    expect(fakeRunner.requestsTo(`/previews/${preview.preview_id}/apply`)[0]?.body).toEqual({
      preview_hash: preview.preview_hash,
    });
    expect(fakeKvs.data.get('job:PROJ-1:tasks')).toMatchObject({ job_id: 'job-2', dry_run: false });
  });

  it('refuses to apply a preview other than the one on screen, an unfinished one, or one applied already', async () => {
    await call('startAction', { action: 'description' });
    const early = await call('applyPreview', {
      kind: 'description',
      jobId: 'job-1',
      previewHash: 'a'.repeat(64),
    });
    expect(early).toMatchObject({ ok: false, error: { code: 'not_a_preview', status: 409 } });

    fakeRunner.complete('job-1', { description_markdown: 'Shown text' });
    const preview = (fakeRunner.jobs.get('job-1')!.result as { preview: PreviewRef }).preview;
    const other = await call('applyPreview', {
      kind: 'description',
      jobId: 'job-1',
      previewHash: 'b'.repeat(64),
    });
    expect(other).toMatchObject({ ok: false, error: { code: 'preview_changed', status: 409 } });

    const first = await call<TrackedJob>('applyPreview', {
      kind: 'description',
      jobId: 'job-1',
      previewHash: preview.preview_hash,
    });
    expect(first.ok).toBe(true);
    const again = await call('applyPreview', {
      kind: 'description',
      jobId: 'job-1',
      previewHash: preview.preview_hash,
    });
    expect(again).toMatchObject({
      ok: false,
      error: { code: 'preview_applied', status: 409, details: { existing_job_id: 'job-2' } },
    });
  });

  it('says so when the preview expired before it was applied', async () => {
    await call('startAction', { action: 'description' });
    fakeRunner.complete('job-1', { description_markdown: 'Shown text' });
    const preview = (fakeRunner.jobs.get('job-1')!.result as { preview: PreviewRef }).preview;
    fakeRunner.expirePreview(preview.preview_id);

    const res = await call('applyPreview', {
      kind: 'description',
      jobId: 'job-1',
      previewHash: preview.preview_hash,
    });

    expect(res).toMatchObject({ ok: false, error: { code: 'preview_expired', status: 409 } });
  });

  it('answers a duplicate start with the running job id and remembers that job', async () => {
    await call('startAction', { action: 'description' });

    const res = await call<StartOutcome>('startAction', { action: 'description' });

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
    await call('startAction', { action: 'description' });
    fakeKvs.data.delete('job:PROJ-1:description');

    const res = await call<TrackedJob>('trackJob', { kind: 'description', jobId: 'job-1' });

    expect(res.ok && res.data.snapshot?.status).toBe('waiting');
    expect(fakeKvs.data.get('job:PROJ-1:description')).toMatchObject({ job_id: 'job-1' });
  });

  it('returns synchronous test cases and coverage as results', async () => {
    const tests = await call<StartOutcome>('startAction', {
      action: 'tests',
      coverageLevel: 'basic',
    });
    const coverage = await call<StartOutcome>('startAction', { action: 'coverage' });

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

  it('leaves the LLM choice to the site settings on the runner, which apply in Jira and Confluence alike', async () => {
    await fakeKvs.set('settings:llm', { provider: 'claude', model: 'claude-sonnet-4-5' });

    await call('startAction', { action: 'description' });

    expect(fakeRunner.requestsTo('/generate/single')[0]?.body).toEqual({
      ticket_key: 'PROJ-1',
      dry_run: true,
      async_mode: true,
    });
  });

  it('takes the issue from the Forge context, not the payload, and refuses without one', async () => {
    const res = await call(
      'startAction',
      { action: 'description', issueKey: 'OTHER-9' },
      {
        extension: {},
      },
    );

    expect(res).toMatchObject({ ok: false, error: { code: 'missing_context', status: 400 } });
    expect(fakeRunner.requests).toHaveLength(0);
  });

  it('rejects an unknown action with the field name', async () => {
    const res = await call('startAction', { action: 'deploy' });

    expect(res).toMatchObject({ ok: false, error: { code: 'bad_request', details: { field: 'kind' } } });
  });

  it('passes the runner validation error through with its field names', async () => {
    fakeRunner.override('POST', /^\/generate\/single$/, {
      status: 400,
      body: {
        error: { code: 'validation_error', message: 'Invalid request', details: { field: 'ticket_key' } },
      },
    });

    const res = await call('startAction', { action: 'description' });

    expect(res).toMatchObject({ ok: false, error: { code: 'validation_error', status: 400 } });
    if (!res.ok) expect(res.error.message).toContain('ticket_key');
  });

  it('reports an unreachable runner as a readable failure after retrying the read', async () => {
    await call('startAction', { action: 'description' });
    fakeRunner.failTransport(new Error('connect ECONNREFUSED'), 3);

    const res = await call('getJob', { jobId: 'job-1' });

    expect(fakeRunner.requestsTo('/jobs/job-1')).toHaveLength(0);

    expect(res).toMatchObject({ ok: false, error: { code: 'runner_unreachable', status: 0 } });
    if (!res.ok)
      expect(res.error.message).toMatch(/Could not reach the Augment runner: connect ECONNREFUSED/);
  });

  it('follows a job and cancels it', async () => {
    await call('startAction', { action: 'description' });

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
    await call('draftPrCreate', { repos: ['https://github.com/acme/app.git'], mode: 'normal' });
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
    await call('draftPrCreate', { repos: ['https://github.com/acme/app.git'], mode: 'normal' });
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

/** Starts a preview as the default user and finishes it, so there is something to apply. */
async function finishedPreview(action: 'description' | 'tasks') {
  fakeSession.accountId = 'user-1';
  const started = await call<StartOutcome>('startAction', { action });
  if (!started.ok || started.data.mode !== 'job') throw new Error('expected a job');
  const jobId = started.data.job.job_id;
  fakeRunner.complete(jobId, { shown: action });
  const preview = (fakeRunner.jobs.get(jobId)!.result as { preview: PreviewRef }).preview;
  return { jobId, previewHash: preview.preview_hash };
}

const RUNNER_WRITES = (r: { method: string; path: string }) =>
  r.method !== 'GET' && !['/generate/single', '/plan/tasks/team-based'].includes(r.path);

describe('the calling user’s own Jira permissions', () => {
  it('refuses a viewer without edit permission on every write resolver, and the runner gets no write', async () => {
    const description = await finishedPreview('description');
    const tasks = await finishedPreview('tasks');
    const draft = await call<TrackedJob>('draftPrCreate', {
      repos: ['https://github.com/acme/app.git'],
      mode: 'normal',
    });
    if (!draft.ok) throw new Error('expected a draft PR job');
    const writesBefore = fakeRunner.requests.filter(RUNNER_WRITES).length;
    fakeSession.accountId = 'viewer-1';

    const attempts: [string, unknown, string[]][] = [
      ['applyPreview', { kind: 'description', ...description }, ['EDIT_ISSUES']],
      ['applyPreview', { kind: 'tasks', ...tasks }, ['CREATE_ISSUES', 'LINK_ISSUES', 'EDIT_ISSUES']],
      [
        'draftPrCreate',
        { repos: ['https://github.com/acme/other.git'], mode: 'normal' },
        ['EDIT_ISSUES', 'ADD_COMMENTS'],
      ],
      [
        'draftPrCreate',
        { repos: ['https://github.com/acme/other.git'], mode: 'yolo' },
        ['EDIT_ISSUES', 'ADD_COMMENTS'],
      ],
      [
        'draftPrApprove',
        { jobId: draft.data.job_id, planHash: fakePlanHash(1) },
        ['EDIT_ISSUES', 'ADD_COMMENTS'],
      ],
      [
        'draftPrRevise',
        { jobId: draft.data.job_id, feedback: 'smaller please' },
        ['EDIT_ISSUES', 'ADD_COMMENTS'],
      ],
    ];
    for (const [fn, payload, missing] of attempts) {
      const res = await call(fn, payload);
      expect(res, fn).toMatchObject({
        ok: false,
        error: { code: 'permission_denied', status: 403, details: { missing_permissions: missing } },
      });
      if (!res.ok) expect(res.error.message).toMatch(/PROJ-1/);
    }
    expect(fakeRunner.requests.filter(RUNNER_WRITES)).toHaveLength(writesBefore);
    expect(fakeRunner.draftPrs.get(draft.data.job_id)?.approved_hash).toBeNull();
  });

  it('lets a viewer preview and follow work, which changes nothing in Jira', async () => {
    fakeSession.accountId = 'viewer-1';

    const started = await call<StartOutcome>('startAction', { action: 'description' });
    expect(started).toMatchObject({ ok: true, data: { mode: 'job' } });
    expect((await call('getJob', { jobId: 'job-1' })).ok).toBe(true);
    // Stopping a preview changes nothing either.
    expect((await call('cancelJob', { jobId: 'job-1' })).ok).toBe(true);
  });

  it('refuses to cancel a real run for a user who could not have started it', async () => {
    const { jobId, previewHash } = await finishedPreview('description');
    const applied = await call<TrackedJob>('applyPreview', { kind: 'description', jobId, previewHash });
    if (!applied.ok) throw new Error('expected the apply job');
    fakeSession.accountId = 'viewer-1';

    const res = await call('cancelJob', { jobId: applied.data.job_id });

    expect(res).toMatchObject({ ok: false, error: { code: 'permission_denied' } });
    expect(fakeRunner.requests.filter((r) => r.method === 'DELETE')).toHaveLength(0);
  });

  it('refuses a call that names no signed-in user', async () => {
    const { jobId, previewHash } = await finishedPreview('description');
    fakeSession.accountId = undefined;

    const res = await call('applyPreview', { kind: 'description', jobId, previewHash });

    expect(res).toMatchObject({ ok: false, error: { code: 'not_signed_in', status: 401 } });
  });

  it('refuses when Jira cannot say what the user may do (fails closed)', async () => {
    const { jobId, previewHash } = await finishedPreview('description');
    fakeJira.permissionStatus = 503;

    const res = await call('applyPreview', { kind: 'description', jobId, previewHash });

    expect(res).toMatchObject({ ok: false, error: { code: 'permission_check_failed' } });
    expect(fakeRunner.requests.filter((r) => r.path.startsWith('/previews/'))).toHaveLength(0);
  });

  it('lets Forge ask for the user’s consent instead of answering an error', async () => {
    const { jobId, previewHash } = await finishedPreview('description');
    fakeJira.needsConsent = true;

    await expect(
      issuePanelHandler(
        {
          call: { functionKey: 'applyPreview', payload: { kind: 'description', jobId, previewHash } },
          context: storyContext,
        },
        { principal: { accountId: 'user-1' } },
      ),
    ).rejects.toMatchObject({ name: 'NEEDS_AUTHENTICATION_ERR', status: 401 });
  });
});

describe('jobs belong to the issue that started them', () => {
  const secretContext = {
    ...storyContext,
    extension: { ...storyContext.extension, issue: { key: 'SECRET-9', id: '20009', type: 'Story' } },
  };

  it('answers "not from here" when another issue’s panel names its job id', async () => {
    const secret = await call<StartOutcome>('startAction', { action: 'description' }, secretContext);
    if (!secret.ok || secret.data.mode !== 'job') throw new Error('expected a job');
    const secretJob = secret.data.job.job_id;
    fakeRunner.complete(secretJob, { description_markdown: 'Secret roadmap' });
    const preview = (fakeRunner.jobs.get(secretJob)!.result as { preview: PreviewRef }).preview;
    const draft = await call<TrackedJob>(
      'draftPrCreate',
      { repos: ['https://github.com/acme/app.git'], mode: 'normal' },
      secretContext,
    );
    if (!draft.ok) throw new Error('expected a draft PR job');
    const seen = fakeRunner.requests.length;

    const attempts: [string, unknown][] = [
      ['getJob', { jobId: secretJob }],
      ['cancelJob', { jobId: secretJob }],
      ['trackJob', { kind: 'description', jobId: secretJob }],
      ['applyPreview', { kind: 'description', jobId: secretJob, previewHash: preview.preview_hash }],
      ['draftPrStatus', { jobId: draft.data.job_id }],
      ['draftPrPlan', { jobId: draft.data.job_id }],
      ['draftPrPlans', { jobId: draft.data.job_id }],
      ['draftPrCompare', { jobId: draft.data.job_id, from: 1, to: 1 }],
      ['draftPrProgress', { jobId: draft.data.job_id }],
      ['draftPrApprove', { jobId: draft.data.job_id, planHash: fakePlanHash(1) }],
      ['draftPrRevise', { jobId: draft.data.job_id, feedback: 'x' }],
    ];
    for (const [fn, payload] of attempts) {
      expect(await call(fn, payload), fn).toMatchObject({
        ok: false,
        error: { code: 'unknown_job', status: 404 },
      });
    }
    // Nothing about SECRET-9 was read or changed through PROJ-1's panel.
    expect(fakeRunner.requests.slice(seen)).toEqual([]);
    expect(fakeKvs.data.get('job:PROJ-1:description')).toBeUndefined();
  });
});
