import { describe, expect, it, vi } from 'vitest';

await vi.hoisted(async () => (await import('../testing/fake-bridge')).installFakeBridge());
vi.mock('@forge/api', async () => (await import('../testing/forge-fakes')).forgeApiModule());
vi.mock('@forge/kvs', async () => (await import('../testing/forge-fakes')).forgeKvsModule());

const { prdMacroHandler } = await import('../../../src/index');
const { pageContext } = await import('../testing/call-resolver');
const { fakeRunner } = await import('../testing/forge-fakes');
const { setUpAppTests } = await import('../testing/app-harness');
const { PrdMacroApp } = await import('./prd-macro-app');

const render = setUpAppTests(prdMacroHandler, () => <PrdMacroApp pollMs={10} />, pageContext);

describe('PRD macro', () => {
  it('previews what each table row would do, then syncs and shows the outcome per row', async () => {
    const macro = await render();
    await macro.waitForText('PRD stories to Jira');

    await macro.type('epicKey', 'proj-100');
    await macro.choose('existingTicketAction', 'update');
    await macro.click('Preview stories');
    expect(fakeRunner.requestsTo('/plan/stories/sync-from-prd')[0]?.body).toEqual({
      prd_url: 'https://example.atlassian.net/wiki/spaces/PRD/pages/123456',
      epic_key: 'PROJ-100',
      existing_ticket_action: 'update',
      dry_run: true,
      async_mode: true,
    });
    fakeRunner.complete('job-1', {
      stories: [
        { title: 'Sign in', action: 'create', jira_key: null },
        { title: 'Sign out', action: 'update', jira_key: 'PROJ-7' },
      ],
    });
    await macro.waitForText('2 row(s) of the story table');
    expect(macro.hasText('create')).toBe(true);

    await macro.click('Sync to Jira');
    fakeRunner.complete('job-2', {
      created: 1,
      updated: 1,
      stories: [
        { title: 'Sign in', action: 'created', jira_key: 'PROJ-8' },
        { title: 'Sign out', action: 'updated', jira_key: 'PROJ-7' },
      ],
    });
    await macro.waitForText('PROJ-8');
    expect(macro.hasText('1 created, 1 updated')).toBe(true);
    expect(macro.hasText('Done in Jira')).toBe(true);
  });

  it('holds back a malformed epic key', async () => {
    const macro = await render();
    await macro.waitForText('PRD stories to Jira');

    await macro.type('epicKey', 'not a key');

    expect(macro.hasText('Epic key looks like PROJ-123.')).toBe(true);
    expect(macro.button('Preview stories')?.props.isDisabled).toBe(true);
  });

  it('explains a macro on an unsaved page', async () => {
    const macro = await render({ ...pageContext, extension: { content: {} } });

    await macro.waitForText('This macro is not on a saved Confluence page yet');
  });
});
