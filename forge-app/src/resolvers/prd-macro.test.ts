import { beforeEach, describe, expect, it, vi } from 'vitest';
import { prdMacroHandler } from '../../../src/index';
import { callResolver, pageContext } from '../testing/call-resolver';
import { fakeKvs, fakeRunner, resetFakes } from '../testing/forge-fakes';
import type { PanelState, StartOutcome } from '../types';

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
    const res = await call<StartOutcome>('syncPrd', { dryRun: true, existingTicketAction: 'skip' });

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

  it('syncs under an epic with the chosen action for existing tickets', async () => {
    await call('syncPrd', { dryRun: false, epicKey: 'proj-10', existingTicketAction: 'update' });

    expect(fakeRunner.requestsTo('/plan/stories/sync-from-prd')[0]?.body).toMatchObject({
      epic_key: 'PROJ-10',
      existing_ticket_action: 'update',
      dry_run: false,
    });
  });

  it('refuses an epic key that is not an issue key', async () => {
    const res = await call('syncPrd', { dryRun: true, epicKey: 'not a key', existingTicketAction: 'skip' });

    expect(res).toMatchObject({ ok: false, error: { details: { field: 'epicKey' } } });
  });

  it('explains that an unsaved page cannot be synced', async () => {
    const res = await call(
      'syncPrd',
      { dryRun: true, existingTicketAction: 'skip' },
      { extension: { content: {} } },
    );

    expect(res).toMatchObject({ ok: false, error: { code: 'missing_context' } });
  });
});
