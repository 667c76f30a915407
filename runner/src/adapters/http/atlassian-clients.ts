/** One call per job: the Jira and Confluence clients of one site, sharing its concurrency limit. */
import { createConfluenceClient } from '../confluence/confluence-client.js';
import type { ConfluenceClient } from '../confluence/confluence-types.js';
import { createJiraClient, type JiraClientOptions } from '../jira/jira-client.js';
import type { JiraClient } from '../jira/jira-types.js';
import { type AtlassianAuth, checkAuth } from './atlassian-auth.js';

/**
 * The Jira client's options (field names from JIRA_PRD_FIELD/JIRA_RFC_FIELD/JIRA_STORY_POINTS_FIELD, the
 * per-site limit from JIRA_MAX_CONCURRENCY), shared by Confluence, plus Confluence's own credentials.
 */
export interface AtlassianClientOptions extends Omit<JiraClientOptions, 'blocksLinkType'> {
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
