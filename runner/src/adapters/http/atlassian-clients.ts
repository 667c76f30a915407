/** One call per job: the Jira and Confluence clients of one site, sharing its concurrency limit. */
import { createConfluenceClient } from '../confluence/confluence-client.js';
import type { ConfluenceClient } from '../confluence/confluence-types.js';
import { createJiraClient } from '../jira/jira-client.js';
import type { JiraClient, JiraFieldNamesInput } from '../jira/jira-types.js';
import { type AtlassianAuth, checkAuth } from './atlassian-auth.js';
import type { AdapterLogger } from './call-runner.js';
import type { RetryOptions } from './retry.js';
import type { SiteLimiters } from './site-limiter.js';

export interface AtlassianClientOptions {
  /** Display names of the custom fields (env JIRA_PRD_FIELD, JIRA_RFC_FIELD, JIRA_STORY_POINTS_FIELD). */
  fieldNames?: Partial<JiraFieldNamesInput>;
  retry?: Partial<RetryOptions>;
  /** Requests in flight at once per site (env JIRA_MAX_CONCURRENCY). Default 4. */
  maxConcurrency?: number;
  timeoutMs?: number;
  log?: AdapterLogger;
  limiters?: SiteLimiters;
  /** Separate credentials for Confluence (env CONFLUENCE_*); default: the same as Jira. */
  confluenceAuth?: AtlassianAuth;
}

export interface AtlassianClients {
  jira: JiraClient;
  confluence: ConfluenceClient;
}

export function createAtlassianClients(
  auth: AtlassianAuth,
  opts: AtlassianClientOptions = {},
): AtlassianClients {
  const { confluenceAuth, ...shared } = opts;
  const jiraAuth = checkAuth(auth, 'jira');
  return {
    jira: createJiraClient(jiraAuth, shared),
    confluence: createConfluenceClient(
      confluenceAuth ? checkAuth(confluenceAuth, 'confluence') : jiraAuth,
      shared,
    ),
  };
}
