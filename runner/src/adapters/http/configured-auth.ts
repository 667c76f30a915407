/**
 * The site credentials configured in the environment (for automation callers and the CLI), as the
 * AtlassianAuth objects the clients take. Forge invocations bring their own auth instead.
 */
import type { Env } from '../../env.js';
import type { JiraFieldNamesInput } from '../jira/jira-types.js';
import type { AtlassianAuth } from './atlassian-auth.js';

export type AtlassianEnv = Pick<
  Env,
  | 'JIRA_SERVER_URL'
  | 'JIRA_USERNAME'
  | 'JIRA_API_TOKEN'
  | 'CONFLUENCE_SERVER_URL'
  | 'CONFLUENCE_USERNAME'
  | 'CONFLUENCE_API_TOKEN'
>;

/**
 * Basic auth for Jira (and Confluence, which falls back to the Jira values field by field), or
 * undefined when Jira is not configured.
 */
export function configuredAtlassianAuth(
  env: AtlassianEnv,
): { auth: AtlassianAuth; confluenceAuth: AtlassianAuth } | undefined {
  if (!env.JIRA_SERVER_URL || !env.JIRA_USERNAME || !env.JIRA_API_TOKEN) return undefined;
  const auth: AtlassianAuth = {
    kind: 'basic',
    siteUrl: env.JIRA_SERVER_URL,
    email: env.JIRA_USERNAME,
    apiToken: env.JIRA_API_TOKEN,
  };
  const confluenceAuth: AtlassianAuth = {
    kind: 'basic',
    siteUrl: env.CONFLUENCE_SERVER_URL ?? env.JIRA_SERVER_URL,
    email: env.CONFLUENCE_USERNAME ?? env.JIRA_USERNAME,
    apiToken: env.CONFLUENCE_API_TOKEN ?? env.JIRA_API_TOKEN,
  };
  return { auth, confluenceAuth };
}

export function configuredFieldNames(
  env: Pick<Env, 'JIRA_PRD_FIELD' | 'JIRA_RFC_FIELD' | 'JIRA_STORY_POINTS_FIELD'>,
): Partial<JiraFieldNamesInput> {
  return { prdUrl: env.JIRA_PRD_FIELD, rfcUrl: env.JIRA_RFC_FIELD, storyPoints: env.JIRA_STORY_POINTS_FIELD };
}
