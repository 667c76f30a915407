import { beforeEach, describe, expect, it, vi } from 'vitest';

await vi.hoisted(async () => (await import('../testing/fake-bridge')).installFakeBridge());
vi.mock('@forge/api', async () => (await import('../testing/forge-fakes')).forgeApiModule());
vi.mock('@forge/kvs', async () => (await import('../testing/forge-fakes')).forgeKvsModule());

const handlers = await import('../../../src/index');
const contexts = await import('../testing/call-resolver');
const { routeInvokesTo, unexpectedConsoleErrors } = await import('../testing/fake-bridge');
const { resetFakes } = await import('../testing/forge-fakes');
const { attachToRender } = await import('../testing/forge-ui');

let consoleError: ReturnType<typeof vi.spyOn>;
beforeEach(() => {
  resetFakes();
  consoleError = vi.spyOn(console, 'error').mockImplementation(() => {});
});

// The resources named in manifest.yml render their app with ForgeReconciler on import.
describe('UI Kit entry modules', () => {
  it.each([
    [
      'issue-panel',
      () => import('./issue-panel'),
      handlers.issuePanelHandler,
      contexts.storyContext,
      'Generate the description',
    ],
    [
      'epic-action',
      () => import('./epic-action'),
      handlers.epicActionHandler,
      contexts.epicContext,
      'Plan PROJ-10',
    ],
    [
      'prd-macro',
      () => import('./prd-macro'),
      handlers.prdMacroHandler,
      contexts.pageContext,
      'PRD stories to Jira',
    ],
    [
      'admin-page',
      () => import('./admin-page'),
      handlers.adminHandler,
      contexts.adminContext,
      '2 team member(s)',
    ],
  ] as const)('%s renders its app through the bridge', async (_entry, load, handler, context, expected) => {
    routeInvokesTo(handler, context);

    const ui = await attachToRender(load);

    await ui.waitForText(expected);
    expect(ui.invokes().length).toBeGreaterThan(0);
    expect(unexpectedConsoleErrors(consoleError.mock.calls)).toEqual([]);
  });
});
