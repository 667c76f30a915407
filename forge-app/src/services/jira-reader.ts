/** Jira reads the app makes itself, as the current user (so users only see boards they may see). */
import type { JiraReader } from '../resolvers/deps';
import type { Board } from '../types';

export interface JiraResponse {
  ok: boolean;
  status: number;
  json(): Promise<unknown>;
}

export function createJiraReader(fetchBoards: (projectKey: string) => Promise<JiraResponse>): JiraReader {
  return {
    async listBoards(projectKey) {
      try {
        const res = await fetchBoards(projectKey);
        if (!res.ok) {
          return {
            ok: false,
            error: {
              code: 'jira_error',
              message: `Jira did not list the boards of ${projectKey} (HTTP ${res.status}); type the board id instead.`,
              status: res.status,
            },
          };
        }
        const body = (await res.json()) as { values?: { id?: unknown; name?: unknown }[] };
        const boards: Board[] = (body.values ?? [])
          .filter((b) => typeof b.id === 'number')
          .map((b) => ({ id: b.id as number, name: typeof b.name === 'string' ? b.name : `Board ${b.id}` }));
        return { ok: true, data: boards };
      } catch (error) {
        return {
          ok: false,
          error: {
            code: 'jira_error',
            message: `Could not read boards from Jira: ${error instanceof Error ? error.message : String(error)}`,
            status: 0,
          },
        };
      }
    },
  };
}
