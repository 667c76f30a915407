import type { JobStore, LegacySettingsStore } from '../services/job-store';
import type { PermissionChecker } from '../services/permissions';
import type { RunnerClient } from '../services/runner-client';
import type { Board, Envelope } from '../types';

/** Jira reads the app does itself rather than through the runner. */
export interface JiraReader {
  listBoards(projectKey: string): Promise<Envelope<Board[]>>;
}

/** What the resolvers need; index.ts wires the Forge implementations, tests may pass their own. */
export interface ResolverDeps {
  runner: RunnerClient;
  jobs: JobStore;
  /** The LLM choice older versions kept in Forge storage; moved to the runner on first read. */
  legacySettings: LegacySettingsStore;
  /** The calling user's own Jira and Confluence permissions (asUser). */
  permissions: PermissionChecker;
  jira: JiraReader;
  now(): Date;
}
