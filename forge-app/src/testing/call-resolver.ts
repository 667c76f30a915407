import type { Envelope } from '../types';
import { fakeSession } from './forge-fakes';

type DefinitionsHandler = (
  payload: { call: { functionKey: string; payload?: unknown }; context: Record<string, unknown> },
  backendRuntimePayload?: Record<string, unknown>,
) => Promise<unknown>;

/**
 * Calls a Forge function handler the way the platform does for a UI `invoke`, as the user in
 * `fakeSession` (whose Jira and Confluence permissions the fakes answer for).
 */
export async function callResolver<T = unknown>(
  handler: DefinitionsHandler,
  functionKey: string,
  payload: unknown,
  context: Record<string, unknown>,
): Promise<Envelope<T>> {
  return (await handler(
    { call: { functionKey, payload }, context },
    fakeSession.accountId ? { principal: { accountId: fakeSession.accountId } } : {},
  )) as Envelope<T>;
}

export const storyContext = {
  moduleKey: 'augment-issue-panel',
  siteUrl: 'https://example.atlassian.net',
  extension: {
    type: 'jira:issuePanel',
    issue: { key: 'PROJ-1', id: '10001', type: 'Story' },
    project: { key: 'PROJ', id: '10000' },
  },
};

export const epicContext = {
  moduleKey: 'augment-epic-action',
  siteUrl: 'https://example.atlassian.net',
  extension: {
    type: 'jira:issueAction',
    issue: { key: 'PROJ-10', id: '10010', type: 'Epic' },
    project: { key: 'PROJ', id: '10000' },
  },
};

export const pageContext = {
  moduleKey: 'augment-prd-sync',
  siteUrl: 'https://example.atlassian.net',
  extension: { type: 'macro', content: { id: '123456', type: 'page' }, space: { key: 'PRD' } },
};

export const adminContext = {
  moduleKey: 'augment-admin',
  siteUrl: 'https://example.atlassian.net',
  extension: { type: 'jira:adminPage' },
};
