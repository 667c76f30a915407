import { beforeEach, describe, expect, it, vi } from 'vitest';
import { epicActionHandler } from '../../../src/index';
import { callResolver, epicContext } from '../testing/call-resolver';
import { fakeJira, fakeKvs, fakeRunner, fakeSession, resetFakes } from '../testing/forge-fakes';
import type { Board, PanelState, PreviewRef, StartOutcome, TrackedJob } from '../types';

vi.mock('@forge/api', async () => (await import('../testing/forge-fakes')).forgeApiModule());
vi.mock('@forge/kvs', async () => (await import('../testing/forge-fakes')).forgeKvsModule());

const call = <T>(fn: string, payload: unknown = {}) =>
  callResolver<T>(epicActionHandler, fn, payload, epicContext);
const form = { boardId: 7, startDate: '2025-01-15', sprintDurationDays: 14 };
const previewOf = (jobId: string) => (fakeRunner.jobs.get(jobId)!.result as { preview: PreviewRef }).preview;

beforeEach(() => {
  resetFakes();
  vi.spyOn(console, 'error').mockImplementation(() => {});
});

describe('epic action resolvers', () => {
  it('previews the epic plan, then applies that preview, both remembered for the epic', async () => {
    const preview = await call<StartOutcome>('planEpic');
    fakeRunner.complete('job-1', { stories: [{ title: 'Guest checkout' }] });
    const shown = previewOf('job-1');
    const apply = await call<TrackedJob>('applyPreview', {
      kind: 'epic_plan',
      jobId: 'job-1',
      previewHash: shown.preview_hash,
    });

    expect(preview).toMatchObject({
      ok: true,
      data: { mode: 'job', job: { kind: 'epic_plan', dry_run: true } },
    });
    expect(apply).toMatchObject({ ok: true, data: { job_id: 'job-2', dry_run: false } });
    expect(fakeRunner.requestsTo('/plan/epic/complete').map((r) => r.body)).toEqual([
      { epic_key: 'PROJ-10', dry_run: true, async_mode: true },
    ]);
    expect(fakeRunner.jobs.get('job-2')?.input).toMatchObject({ epic_key: 'PROJ-10', dry_run: false });
    const state = await call<PanelState>('getEpicState');
    expect(state.ok && state.data.jobs.epic_plan?.job_id).toBe('job-2');
  });

  it('refuses a user without the Jira permissions each plan needs, before anything is created', async () => {
    await call('planEpic');
    await call('planSprints', form);
    await call('planTimeline', form);
    for (const id of ['job-1', 'job-2', 'job-3']) fakeRunner.complete(id, { planned: id });
    fakeSession.accountId = 'viewer-1';

    const cases: [string, string, string[]][] = [
      ['epic_plan', 'job-1', ['CREATE_ISSUES', 'EDIT_ISSUES', 'LINK_ISSUES']],
      ['sprint_plan', 'job-2', ['MANAGE_SPRINTS_PERMISSION', 'SCHEDULE_ISSUES']],
      ['timeline', 'job-3', ['SCHEDULE_ISSUES']],
    ];
    for (const [kind, jobId, missing] of cases) {
      const res = await call('applyPreview', { kind, jobId, previewHash: previewOf(jobId).preview_hash });
      expect(res, kind).toMatchObject({
        ok: false,
        error: { code: 'permission_denied', status: 403, details: { missing_permissions: missing } },
      });
    }
    expect(fakeRunner.requests.filter((r) => r.path.startsWith('/previews/'))).toEqual([]);
  });

  it('sends the sprint form to the sprint plan and the timeline routes', async () => {
    await call('planSprints', { ...form, capacityDays: 10 });
    await call('planTimeline', { ...form, capacityDays: 10 });

    expect(fakeRunner.requestsTo('/sprint/plan/epic')[0]?.body).toEqual({
      epic_key: 'PROJ-10',
      board_id: 7,
      start_date: '2025-01-15',
      sprint_duration_days: 14,
      sprint_capacity_days: 10,
      dry_run: true,
      async_mode: true,
    });
    expect(fakeRunner.requestsTo('/sprint/timeline')[0]?.body).toMatchObject({
      team_capacity_days: 10,
      board_id: 7,
    });
    expect(fakeKvs.data.get('job:PROJ-10:sprint_plan')).toMatchObject({ job_id: 'job-1' });
    expect(fakeKvs.data.get('job:PROJ-10:timeline')).toMatchObject({ job_id: 'job-2' });
  });

  it('refuses an invalid start date before calling the runner', async () => {
    const res = await call('planSprints', { ...form, startDate: '2025-02-30x' });

    expect(res).toMatchObject({ ok: false, error: { code: 'bad_request', details: { field: 'startDate' } } });
    expect(fakeRunner.requests).toHaveLength(0);
  });

  it('lists the boards of the epic project as the user', async () => {
    const res = await call<Board[]>('listBoards');

    expect(res).toEqual({
      ok: true,
      data: [
        { id: 7, name: 'PROJ board' },
        { id: 9, name: 'PROJ kanban' },
      ],
    });
    expect(fakeJira.calls[0]).toBe('/rest/agile/1.0/board?projectKeyOrId=PROJ&maxResults=100');
  });

  it('explains when Jira does not list boards', async () => {
    fakeJira.status = 403;

    const res = await call<Board[]>('listBoards');

    expect(res).toMatchObject({ ok: false, error: { code: 'jira_error', status: 403 } });
    if (!res.ok) expect(res.error.message).toMatch(/type the board id/);
  });
});
