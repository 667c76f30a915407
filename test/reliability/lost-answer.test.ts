/**
 * Issue 18 "Also": when Jira's answer to a create is lost after Jira made the issue, the retry finds the
 * issue by its idempotency marker. That issue was made by this same call, so the call reports "created"
 * (201), not "existing"; a later call for the same ticket reports "existing".
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Runner } from '../../runner/src/server.js';
import { demoSeed, type Emulator, startEmulator } from '../emulator/index.js';
import { api, cleanPrefix, testEnv, withRunner } from '../helpers/runner.js';

let emu: Emulator | undefined;
let runner: Runner | undefined;
let prefix: string | undefined;
afterEach(async () => {
  await runner?.stop();
  await emu?.close();
  if (prefix) await cleanPrefix(prefix);
});

const issuePosts = (e: Emulator) =>
  e.state.requests.filter((r) => r.method === 'POST' && /^\/rest\/api\/3\/issue(\/bulk)?$/.test(r.path));

describe('a create whose answer was lost', () => {
  for (const fault of [
    { type: 'drop' as const, name: 'the connection dropped' },
    { type: 'status' as const, status: 503, name: 'a 503 after the write' },
  ]) {
    it(`reports "created" for the issue this call made (${fault.name})`, async () => {
      emu = await startEmulator({
        seed: demoSeed(),
        faults: [
          {
            method: 'POST',
            path: '/rest/api/3/issue*',
            phase: 'after',
            count: 1,
            fault: fault.type === 'drop' ? { type: 'drop' } : { type: 'status', status: fault.status! },
          },
        ],
      });
      const { email, apiToken } = emu.credentials.admin;
      const env = testEnv({
        JIRA_SERVER_URL: emu.url,
        JIRA_USERNAME: email,
        JIRA_API_TOKEN: apiToken,
        CONFLUENCE_SERVER_URL: `${emu.url}/wiki`,
      });
      prefix = env.QUEUE_PREFIX;
      runner = await withRunner(env, { role: 'api' });
      const client = api(runner);
      const before = emu.state.issues.size;
      const body = { project_key: 'DEMO', summary: 'Rotate the signing keys', dry_run: false };

      const res = await client.post('/jira/create-ticket', body);
      expect(res.status, res.text).toBe(201);
      expect(res.body).toMatchObject({ action: 'created', dry_run: false });
      // The answer really was lost once, and the issue exists exactly once.
      expect(issuePosts(emu).filter((r) => r.fault)).toHaveLength(1);
      expect(emu.state.issues.size).toBe(before + 1);
      expect(emu.state.issues.get(res.body.key)?.summary).toBe(body.summary);

      const again = await client.post('/jira/create-ticket', body);
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ action: 'existing', key: res.body.key });
      expect(emu.state.issues.size).toBe(before + 1);
    });
  }
});
