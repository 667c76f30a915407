/**
 * The shared set-up of the frontend tests: fresh fakes before each test, an app rendered with its resolver
 * behind the fake bridge, and after each test the app unmounted and no unexpected React console errors.
 * Import it after the test file has installed the fake bridge and mocked @forge/*.
 */
import type { ReactElement } from 'react';
import { afterEach, beforeEach, expect, vi } from 'vitest';
import { routeInvokesTo, unexpectedConsoleErrors } from './fake-bridge';
import { fakeSession, resetFakes } from './forge-fakes';
import { renderForge } from './forge-ui';

export type RenderedApp = Awaited<ReturnType<typeof renderForge>>;

/** Registers the hooks and returns `render(context?)`, which routes invokes to `handler` and renders `app()`. */
export function setUpAppTests(
  handler: Parameters<typeof routeInvokesTo>[0],
  app: () => ReactElement,
  defaultContext: Record<string, unknown>,
): (context?: Record<string, unknown>) => Promise<RenderedApp> {
  let ui: RenderedApp | undefined;
  let consoleError: ReturnType<typeof vi.spyOn>;
  beforeEach(() => {
    resetFakes();
    consoleError = vi.spyOn(console, 'error').mockImplementation(() => {});
  });
  afterEach(async () => {
    await ui?.unmount();
    ui = undefined;
    expect(unexpectedConsoleErrors(consoleError.mock.calls)).toEqual([]);
  });
  return async (context = defaultContext) => {
    routeInvokesTo(handler, context, () => fakeSession.accountId);
    ui = await renderForge(app());
    return ui;
  };
}
