import { beforeEach, describe, expect, it, vi } from 'vitest';
import { prdMacroHandler } from '../../../src/index';
import { callResolver, pageContext } from '../testing/call-resolver';
import { fakeConfluence, fakeKvs, fakeRunner, fakeSession, resetFakes } from '../testing/forge-fakes';
import type { PanelState, PreviewRef, StartOutcome, TrackedJob } from '../types';

vi.mock('@forge/api', async () => (await import('../testing/forge-fakes')).forgeApiModule());
vi.mock('@forge/kvs', async () => (await import('../testing/forge-fakes')).forgeKvsModule());

const call = <T>(fn: string, payload: unknown = {}, context: Record<string, unknown> = pageContext) =>
  callResolver<T>(prdMacroHandler, fn, payload, context);

beforeEach(() => {
  resetFakes();
  vi.spyOn(console, 'error').mockImplementation(() => {});
});

describe('PRD macro resolvers', () => {
  it('previews the page by its URL and remembers the sync job per page', async () => {
    const res = await call<StartOutcome>('syncPrd', { existingTicketAction: 'skip' });

    expect(res).toMatchObject({ ok: true, data: { mode: 'job', job: { kind: 'prd_sync', dry_run: true } } });
    expect(fakeRunner.requestsTo('/plan/stories/sync-from-prd')[0]?.body).toEqual({
      prd_url: 'https://example.atlassian.net/wiki/spaces/PRD/pages/123456',
      existing_ticket_action: 'skip',
      dry_run: true,
      async_mode: true,
    });
    expect(fakeKvs.data.get('job:page-123456:prd_sync')).toMatchObject({ job_id: 'job-1' });
    const state = await call<PanelState & { prdUrl: string }>('getPrdState');
    expect(state.ok && state.data.jobs.prd_sync?.job_id).toBe('job-1');
  });

  it('previews under an epic with the chosen action, then syncs exactly that preview', async () => {
    await call('syncPrd', { epicKey: 'proj-10', existingTicketAction: 'update' });
    fakeRunner.complete('job-1', { rows: [{ title: 'Guest checkout', action: 'update' }] });
    const preview = (fakeRunner.jobs.get('job-1')!.result as { preview: PreviewRef }).preview;

    const res = await call<TrackedJob>('applyPreview', {
      kind: 'prd_sync',
      jobId: 'job-1',
      previewHash: preview.preview_hash,
    });

    expect(fakeRunner.requestsTo('/plan/stories/sync-from-prd')[0]?.body).toMatchObject({
      epic_key: 'PROJ-10',
      existing_ticket_action: 'update',
      dry_run: true,
    });
    expect(res).toMatchObject({ ok: true, data: { job_id: 'job-2', dry_run: false, kind: 'prd_sync' } });
    expect(fakeRunner.jobs.get('job-2')?.input).toMatchObject({ epic_key: 'PROJ-10', dry_run: false });
  });

  it('refuses a user who cannot edit the page, since even the preview writes markers into it', async () => {
    await call('syncPrd', { existingTicketAction: 'skip' });
    fakeRunner.complete('job-1', { rows: [] });
    const preview = (fakeRunner.jobs.get('job-1')!.result as { preview: PreviewRef }).preview;
    fakeSession.accountId = 'viewer-1';

    const start = await call('syncPrd', { existingTicketAction: 'skip' });
    const apply = await call('applyPreview', {
      kind: 'prd_sync',
      jobId: 'job-1',
      previewHash: preview.preview_hash,
    });

    for (const res of [start, apply]) {
      expect(res).toMatchObject({ ok: false, error: { code: 'permission_denied', status: 403 } });
    }
    expect(fakeConfluence.calls).toContain('/wiki/rest/api/content/123456/permission/check');
    expect(fakeRunner.requests.filter((r) => r.method !== 'GET')).toHaveLength(1);
  });

  it('follows only the sync jobs of its own page', async () => {
    await call('syncPrd', { existingTicketAction: 'skip' });
    const otherPage = {
      ...pageContext,
      extension: { ...pageContext.extension, content: { id: '999', type: 'page' } },
    };

    expect(await call('getJob', { jobId: 'job-1' }, otherPage)).toMatchObject({
      ok: false,
      error: { code: 'unknown_job', status: 404 },
    });
    expect(await call('cancelJob', { jobId: 'job-1' }, otherPage)).toMatchObject({ ok: false });
    expect((await call('getJob', { jobId: 'job-1' })).ok).toBe(true);
  });

  it('refuses an epic key that is not an issue key', async () => {
    const res = await call('syncPrd', { epicKey: 'not a key', existingTicketAction: 'skip' });

    expect(res).toMatchObject({ ok: false, error: { details: { field: 'epicKey' } } });
  });

  it('explains that an unsaved page cannot be synced', async () => {
    const res = await call('syncPrd', { existingTicketAction: 'skip' }, { extension: { content: {} } });

    expect(res).toMatchObject({ ok: false, error: { code: 'missing_context' } });
  });
});
