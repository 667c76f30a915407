/** Start-up says what is missing: a runner nobody can call warns once, in its JSON log, and says how to fix it. */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Runner } from '../../runner/src/server.js';
import { api, cleanPrefix, logSink, testEnv, withRunner } from '../helpers/runner.js';

const runners: Runner[] = [];
const prefixes: string[] = [];
afterEach(async () => {
  await Promise.all(runners.splice(0).map((r) => r.stop()));
});
afterAll(async () => {
  await Promise.all(prefixes.map(cleanPrefix));
});

async function start(vars: Record<string, string>) {
  const env = testEnv({ LOG_LEVEL: 'info', ...vars });
  const sink = logSink();
  const runner = await withRunner(env, { logDestination: sink.stream });
  runners.push(runner);
  prefixes.push(env.QUEUE_PREFIX);
  const lines = () =>
    sink
      .text()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { runner, lines };
}

const about401 = (l: Record<string, unknown>) =>
  String(l.msg).includes('every route but /health will answer 401');

describe('start-up without any way to authenticate', () => {
  it('warns once that every route but /health will answer 401, and how to set a key', async () => {
    const { runner, lines } = await start({ API_KEYS: '' });
    const warnings = lines().filter(about401);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({
      level: 'warn',
      missing: ['API_KEYS', 'FORGE_APP_ID'],
      public_paths: ['/health'],
    });
    expect(String(warnings[0]!.msg)).toContain('API_KEYS=');
    expect(String(warnings[0]!.msg)).toContain('FORGE_APP_ID');
    // And it is true.
    const client = api(runner, '');
    expect((await client.get('/health')).status).toBe(200);
    expect((await client.get('/jobs')).status).toBe(401);
    expect((await api(runner, 'any-key').get('/jobs')).status).toBe(401);
  });

  it('says nothing of the kind when an API key or FORGE_APP_ID is set', async () => {
    const withKey = await start({});
    const withForge = await start({ API_KEYS: '', FORGE_APP_ID: '00000000-0000-0000-0000-000000000000' });
    expect(withKey.lines().filter(about401)).toEqual([]);
    expect(withForge.lines().filter(about401)).toEqual([]);
    expect(withKey.lines().some((l) => l.msg === 'runner listening')).toBe(true);
  });
});
