import { beforeEach, describe, vi } from 'vitest';
import type { ContractBackend } from '../testing/runner-contract';

vi.mock('@forge/api', async () => (await import('../testing/forge-fakes')).forgeApiModule());
vi.mock('@forge/kvs', async () => (await import('../testing/forge-fakes')).forgeKvsModule());

const { fakeRunner, resetFakes } = await import('../testing/forge-fakes');
const { runnerContract } = await import('../testing/runner-contract');

/** The fake runner, driven as the contract needs; test/forge-contract runs the same suite on a real runner. */
const fake: ContractBackend = {
  reset: async () => resetFakes(),
  finish: async (jobId) => {
    const job = fakeRunner.jobs.get(jobId);
    fakeRunner.complete(jobId, { job_type: job?.job_type, echoed: job?.input });
  },
  expirePreview: async (previewId) => fakeRunner.expirePreview(previewId),
  refuseTokens: async () => fakeRunner.refuseTokens(),
  stall: async () => {
    for (const method of ['GET', 'POST', 'PUT', 'DELETE']) fakeRunner.override(method, /.*/, 'hang', false);
    return async () => fakeRunner.clearOverrides();
  },
  refusedAnswer: async () => {
    const res = await fakeRunner.invokeRemote('runner', { path: '/whoami', method: 'GET' });
    return { status: res.status, body: JSON.parse(await res.text()) };
  },
};

beforeEach(async () => {
  await fake.reset();
  vi.spyOn(console, 'error').mockImplementation(() => {});
});

describe('runner contract: the fake runner', () => runnerContract(() => fake));
