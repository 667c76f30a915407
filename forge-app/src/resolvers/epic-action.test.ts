import { beforeEach, describe, expect, it, vi } from 'vitest';
import { epicActionHandler } from '../../../src/index';
import { callResolver, epicContext } from '../testing/call-resolver';
import { fakeJira, fakeKvs, fakeRunner, resetFakes } from '../testing/forge-fakes';
import type { Board, PanelState, StartOutcome } from '../types';

vi.mock('@forge/api', async () => (await import('../testing/forge-fakes')).forgeApiModule());
vi.mock('@forge/kvs', async () => (await import('../testing/forge-fakes')).forgeKvsModule());

const call = <T>(fn: string, payload: unknown = {}) =>
  callResolver<T>(epicActionHandler, fn, payload, epicContext);
const form = { boardId: 7, startDate: '2025-01-15', sprintDurationDays: 14 };

beforeEach(() => {
  resetFakes();
  vi.spyOn(console, 'error').mockImplementation(() => {});
});

describe('epic action resolvers', () => {
  it('previews the epic plan, then applies it, both remembered for the epic', async () => {
    const preview = await call<StartOutcome>('planEpic', { dryRun: true });
    fakeRunner.complete('job-1', { stories: [] });
    const apply = await call<StartOutcome>('planEpic', { dryRun: false });

    expect(preview).toMatchObject({
      ok: true,
      data: { mode: 'job', job: { kind: 'epic_plan', dry_run: true } },
    });
    expect(apply).toMatchObject({
      ok: true,
      data: { mode: 'job', job: { job_id: 'job-2', dry_run: false } },
    });
    expect(fakeRunner.requestsTo('/plan/epic/complete').map((r) => r.body)).toEqual([
      { epic_key: 'PROJ-10', dry_run: true, async_mode: true },
      { epic_key: 'PROJ-10', dry_run: false, async_mode: true },
    ]);
    const state = await call<PanelState>('getEpicState');
    expect(state.ok && state.data.jobs.epic_plan?.job_id).toBe('job-2');
  });

  it('sends the sprint form to the sprint plan and the timeline routes', async () => {
    await call('planSprints', { ...form, capacityDays: 10, dryRun: true });
    await call('planTimeline', { ...form, capacityDays: 10, dryRun: true });

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
    const res = await call('planSprints', { ...form, startDate: '2025-02-30x', dryRun: true });

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
