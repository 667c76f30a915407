/** Shared pieces of the planning suites: start an emulator + runner, wait for jobs, read Jira state. */
import type { Runner } from '../../runner/src/server.js';
import { type Emulator, type FaultRule, type SeedData, startEmulator } from '../emulator/index.js';
import { api, testEnv, waitFor, withRunner } from '../helpers/runner.js';

export interface Harness {
  emu: Emulator;
  runner: Runner;
  client: ReturnType<typeof api>;
  prefix: string;
}

export async function startHarness(
  seed: SeedData,
  env: Record<string, string> = {},
  faults: FaultRule[] = [],
): Promise<Harness> {
  const emu = await startEmulator({ seed, faults });
  const { email, apiToken } = emu.credentials.admin;
  const e = testEnv({
    JIRA_SERVER_URL: emu.url,
    JIRA_USERNAME: email,
    JIRA_API_TOKEN: apiToken,
    CONFLUENCE_SERVER_URL: `${emu.url}/wiki`,
    ...env,
  });
  const runner = await withRunner(e);
  return { emu, runner, client: api(runner), prefix: e.QUEUE_PREFIX };
}

/** Waits for a queued job to finish and returns its view. */
export async function finished(h: Harness, jobId: string, timeoutMs = 60_000) {
  return waitFor(async () => {
    const j = await h.client.get(`/jobs/${jobId}`);
    return ['completed', 'failed', 'cancelled'].includes(j.body?.status) ? j.body : undefined;
  }, timeoutMs);
}

/** Starts an async job and waits for it to complete (failing the test otherwise). */
export async function runJob(h: Harness, path: string, body: Record<string, unknown>, timeoutMs?: number) {
  const res = await h.client.post(path, { ...body, async_mode: true });
  if (res.status !== 202) throw new Error(`${path} answered ${res.status}: ${res.text}`);
  const view = await finished(h, res.body.job_id, timeoutMs);
  if (view.status !== 'completed') throw new Error(`${path} job ${view.status}: ${view.error}`);
  return view;
}

export const issuesOf = (h: Harness) => [...h.emu.state.issues.values()];
export const childrenIn = (h: Harness, parent: string) => issuesOf(h).filter((i) => i.parentKey === parent);
export const typeName = (h: Harness, id: string) => h.emu.state.issueTypes.find((t) => t.id === id)?.name;
export const blocksLinks = (h: Harness) => {
  const blocks = h.emu.state.linkTypes.find((t) => t.name === 'Blocks')!;
  return h.emu.state.links.filter((l) => l.typeId === blocks.id);
};
/** Text of an ADF document in the emulator's state: the one ADF -> text walker (the emulator's). */
export { adfText } from '../emulator/jira.js';
