import type { JobStore, SettingsStore } from '../services/job-store';
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
  settings: SettingsStore;
  jira: JiraReader;
  now(): Date;
}
