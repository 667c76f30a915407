/**
 * The Forge resolvers against a real runner process, as Forge Remote calls it: every request carries a
 * Forge Invocation Token signed by a test JWKS (the runner verifies signature, issuer, audience and
 * lifetime) and the app system token. The suite is the one the fake runner passes
 * (forge-app/src/testing/runner-contract.ts), so the fake cannot drift from the runner.
 */
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, vi } from 'vitest';
import type { ContractBackend } from '../../forge-app/src/testing/runner-contract.js';
import { startForgeJwks, TEST_APP_UUID } from '../helpers/forge-jwks.js';
import { cleanPrefix, REDIS_URL, testEnv, waitFor } from '../helpers/runner.js';
import { type ChildRunner, spawnRunner } from '../helpers/spawn.js';

vi.mock('@forge/api', async () =>
  (await import('../../forge-app/src/testing/forge-fakes.js')).forgeApiModule(),
);
vi.mock('@forge/kvs', async () =>
  (await import('../../forge-app/src/testing/forge-fakes.js')).forgeKvsModule(),
);

const { fakeSession, remote, resetFakes } = await import('../../forge-app/src/testing/forge-fakes.js');
const { runnerContract } = await import('../../forge-app/src/testing/runner-contract.js');

const OTHER_APP = 'ari:cloud:ecosystem::app/99999999-0000-0000-0000-000000000000';
const SITE = 'https://api.atlassian.com/ex/jira/contract-site';
let jwks: Awaited<ReturnType<typeof startForgeJwks>>;
let child: ChildRunner;
let redis: Redis;
let refusing = false;
const env = testEnv();
const dataDir = `/tmp/augment-contract-${randomUUID().slice(0, 8)}`;

/** A token as Forge Remote signs it for this app (or, once refusing, for another app). */
const token = () =>
  jwks.sign({
    apiBaseUrl: SITE,
    accountId: fakeSession.accountId ?? null,
    ...(refusing ? { aud: OTHER_APP } : {}),
  });

async function runnerFetch(path: string, init: RequestInit = {}) {
  return fetch(child.url + path, {
    ...init,
    headers: {
      ...(init.headers as Record<string, string>),
      authorization: `Bearer ${await token()}`,
      'x-forge-oauth-system': 'contract-system-token',
    },
  });
}

const real: ContractBackend = {
  async reset() {
    resetFakes();
    refusing = false;
    // Tests share the runner: wait until the previous test's jobs are done.
    await waitFor(async () => {
      const [waiting, active] = await Promise.all(
        ['waiting', 'active'].map(
          async (s) => ((await (await runnerFetch(`/jobs?status=${s}`)).json()) as { total: number }).total,
        ),
      );
      return waiting === 0 && active === 0;
    });
  },
  async finish(jobId) {
    await waitFor(
      async () =>
        ((await (await runnerFetch(`/jobs/${jobId}`)).json()) as { status: string }).status === 'completed',
    );
  },
  async expirePreview(previewId) {
    // What Redis does when the preview's TTL runs out.
    await redis.del(`${env.QUEUE_PREFIX}:preview:${previewId}`);
  },
  async refuseTokens() {
    refusing = true;
  },
  async stall() {
    // A hung runner: the process is stopped, so requests reach its socket and get no answer.
    child.proc.kill('SIGSTOP');
    return async () => {
      child.proc.kill('SIGCONT');
    };
  },
  async refusedAnswer() {
    const res = await runnerFetch('/whoami');
    return { status: res.status, body: await res.json() };
  },
};

beforeAll(async () => {
  jwks = await startForgeJwks();
  child = await spawnRunner(env, {
    FORGE_APP_ID: TEST_APP_UUID,
    FORGE_JWKS_URL: jwks.url,
    CHILD_ECHO: '1',
    CHILD_HOLD_PREFIX: 'HOLD-',
    DATA_DIR: dataDir,
    DATABASE_PATH: ':memory:',
  });
  redis = new Redis(REDIS_URL);
  // Forge Remote: the path and method the app asks for, a fresh invocation token, the app system token.
  remote.invoke = async (remoteKey, options) => {
    if (remoteKey !== 'runner') throw new Error(`Invalid remote key provided: "${remoteKey}"`);
    const res = await runnerFetch(options.path, {
      method: options.method ?? 'GET',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: typeof options.body === 'string' ? options.body : undefined,
      signal: options.signal,
    });
    return {
      ok: res.ok,
      status: res.status,
      statusText: res.statusText,
      headers: res.headers,
      text: () => res.text(),
    };
  };
}, 60_000);
afterAll(async () => {
  await child?.kill();
  await jwks?.close();
  await redis?.quit();
  await cleanPrefix(env.QUEUE_PREFIX);
  rmSync(dataDir, { recursive: true, force: true });
});

beforeEach(async () => {
  await real.reset();
  vi.spyOn(console, 'error').mockImplementation(() => {});
});

describe('runner contract: a real runner process with signed invocation tokens', () =>
  runnerContract(() => real));
