/** The Docker sandbox against a fake Docker Engine API on a unix socket. */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  cleanupLeftovers,
  containerCreateOptions,
  createDockerDriver,
  type DockerDriverOptions,
  ensureImage,
  type OpenCodeConfig,
  type SandboxJob,
  selectSandboxDriver,
} from '../../runner/src/adapters/opencode/index.js';
import { createLogger } from '../../runner/src/logger.js';
import { type FakeDocker, type FakeDockerOptions, startFakeDocker } from './fake-docker-api.js';

let fake: FakeDocker | undefined;
let dir: string;
const lines: string[] = [];
const log = createLogger('info', [], { write: (s: string) => lines.push(s) });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'augment-docker-'));
  mkdirSync(join(dir, 'workspace'));
  lines.length = 0;
});
afterEach(async () => {
  await fake?.close();
  fake = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const job = (over: Partial<SandboxJob> = {}): SandboxJob => ({
  jobId: 'job-42',
  workspaceDir: join(dir, 'workspace'),
  configPath: join(dir, 'opencode.json'),
  stateDir: join(dir, 'state'),
  env: { ANTHROPIC_API_KEY: 'sk-ant-very-secret', LLM_PROVIDER: 'claude', LLM_MODEL: 'claude-haiku-4-5' },
  serverPassword: 'server-pass-123',
  ...over,
});

async function setup(fakeOpts: FakeDockerOptions = {}, driverOpts: Partial<DockerDriverOptions> = {}) {
  fake = await startFakeDocker(fakeOpts);
  const docker = new Docker({ socketPath: fake.socketPath });
  const opts: DockerDriverOptions = {
    docker,
    image: 'ghcr.io/anomalyco/opencode',
    workerId: 'worker-a',
    log,
    user: '1000:1000',
    startupTimeoutMs: 5_000,
    ...driverOpts,
  };
  return { docker, opts, driver: createDockerDriver(opts), fake };
}

const creates = () =>
  fake?.requests.filter((r) => r.method === 'POST' && r.path === '/containers/create') ?? [];

describe('Docker sandbox', () => {
  it('creates a hardened, labelled container with exactly these options', async () => {
    const { driver } = await setup(
      {},
      { egressProxyUrl: 'http://llm-egress:3128', noProxyHosts: ['atlassian-mcp'] },
    );
    const handle = await driver.start(job());
    await handle.stop();

    const [create] = creates();
    expect(create?.query.get('name')).toMatch(/^augment-opencode-job-42-[0-9a-f]{8}$/);
    const body = create?.body as Record<string, unknown>;
    expect(body).toEqual({
      name: create?.query.get('name'),
      Image: 'ghcr.io/anomalyco/opencode',
      Entrypoint: ['opencode'],
      Cmd: ['serve', '--hostname', '0.0.0.0', '--port', '4096'],
      User: '1000:1000',
      WorkingDir: '/workspace',
      Env: expect.any(Array),
      Labels: {
        'augment.managed': 'true',
        'augment.component': 'opencode',
        'augment.job_id': 'job-42',
        'augment.worker_id': 'worker-a',
      },
      ExposedPorts: { '4096/tcp': {} },
      StopTimeout: 5,
      HostConfig: {
        Binds: [
          `${join(dir, 'workspace')}:/workspace:rw`,
          `${join(dir, 'opencode.json')}:/app/opencode.json:ro`,
        ],
        ReadonlyRootfs: true,
        Tmpfs: {
          '/tmp': 'rw,noexec,nosuid,nodev,size=256m',
          '/home/opencode': 'rw,nosuid,nodev,size=512m,mode=1777',
        },
        SecurityOpt: ['no-new-privileges'],
        CapDrop: ['ALL'],
        Memory: 2147483648,
        MemorySwap: 2147483648,
        NanoCpus: 1500000000,
        PidsLimit: 256,
        NetworkMode: 'augment-mcp',
        Init: true,
        AutoRemove: false,
        Privileged: false,
      },
    });
    const env = Object.fromEntries(
      (body.Env as string[]).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]),
    );
    expect(env).toMatchObject({
      HOME: '/home/opencode',
      OPENCODE_CONFIG: '/app/opencode.json',
      OPENCODE_DISABLE_PROJECT_CONFIG: '1',
      OPENCODE_DISABLE_MODELS_FETCH: '1',
      OPENCODE_SERVER_PASSWORD: 'server-pass-123',
      ANTHROPIC_API_KEY: 'sk-ant-very-secret',
      LLM_PROVIDER: 'claude',
      LLM_MODEL: 'claude-haiku-4-5',
      HTTPS_PROXY: 'http://llm-egress:3128',
      NO_PROXY: 'localhost,127.0.0.1,atlassian-mcp',
    });
    // The secret travels only in Env, never in labels or the name.
    expect(JSON.stringify(body.Labels)).not.toContain('sk-ant');
  });

  it('returns the container address on the MCP network and removes the container on stop, once', async () => {
    const { driver } = await setup({ ipAddress: '172.30.0.9' });
    const handle = await driver.start(job());
    expect(handle.baseUrl).toBe('http://172.30.0.9:4096');
    expect(handle.info).toEqual({ kind: 'docker', containerId: 'c1' });
    await handle.stop();
    await handle.stop();
    expect(fake?.containers.get('c1')?.removed).toBe(true);
    const deletes = fake?.requests.filter((r) => r.method === 'DELETE') ?? [];
    expect(deletes).toHaveLength(1);
    expect(deletes[0]?.query.get('force')).toBe('true');
    expect((await handle.exited).code).not.toBeNull();
  });

  it('removes the container when OpenCode crashes before listening', async () => {
    const { driver } = await setup({ output: 'Error: boom with key sk-ant-very-secret\n', crashWithCode: 1 });
    const err = await driver.start(job()).catch((e) => e);
    expect(err).toMatchObject({ code: 'sandbox_failed' });
    expect(err.message).toContain('exited before listening');
    expect(err.message).not.toContain('sk-ant-very-secret');
    expect(fake?.containers.get('c1')?.removed).toBe(true);
  });

  it('removes the container when the job is cancelled during start-up', async () => {
    const { driver } = await setup({ output: 'still booting\n' });
    const cancel = new AbortController();
    const pending = driver.start(job({ signal: cancel.signal })).catch((e) => e);
    setTimeout(() => cancel.abort(), 100);
    expect(await pending).toMatchObject({ code: 'cancelled' });
    expect(fake?.containers.get('c1')?.removed).toBe(true);
  });

  it('maps paths and MCP addressing to the container view', async () => {
    const { driver } = await setup();
    expect(driver.sandboxPaths(job())).toEqual({
      workspaceDir: '/workspace',
      configPath: '/app/opencode.json',
    });
    expect(driver.mcpAddressing).toBe('network');
    expect(containerCreateOptions(job(), { docker: {} as Docker, image: 'x', workerId: 'w', log }).User).toBe(
      '1000:1000',
    );
  });

  it('pulls a missing image on worker start and logs the progress', async () => {
    const { docker } = await setup({ imagePresent: false });
    expect(await ensureImage(docker, 'ghcr.io/anomalyco/opencode', log)).toBe('pulled');
    const pulls = fake?.requests.filter((r) => r.path === '/images/create') ?? [];
    expect(pulls[0]?.query.get('fromImage')).toBe('ghcr.io/anomalyco/opencode');
    const text = lines.join('');
    expect(text).toContain('image pull progress');
    expect(text).toContain('Downloading');
    expect(text).toContain('OpenCode image pulled');
    expect(await ensureImage(docker, 'ghcr.io/anomalyco/opencode', log)).toBe('present');
    expect(fake?.requests.filter((r) => r.path === '/images/create')).toHaveLength(1);
  });

  it('cleans up stopped, own and stale leftovers but not the live containers of other workers', async () => {
    const { docker } = await setup();
    const now = Date.now();
    const labels = (worker: string) => ({
      'augment.managed': 'true',
      'augment.component': 'opencode',
      'augment.worker_id': worker,
    });
    fake?.addContainer({ id: 'mine', labels: labels('worker-a'), created: now / 1000 });
    fake?.addContainer({ id: 'stopped', labels: labels('worker-b'), created: now / 1000, state: 'exited' });
    fake?.addContainer({ id: 'stale', labels: labels('worker-b'), created: now / 1000 - 3600 });
    fake?.addContainer({ id: 'busy', labels: labels('worker-b'), created: now / 1000 - 60 });
    const removed = await cleanupLeftovers(docker, { workerId: 'worker-a', maxAgeMs: 30 * 60_000, log, now });
    expect(removed.sort()).toEqual(['mine', 'stale', 'stopped']);
    expect(fake?.containers.get('busy')?.removed).toBe(false);
    const list = fake?.requests.find((r) => r.path === '/containers/json');
    expect(JSON.parse(list?.query.get('filters') ?? '{}')).toEqual({
      label: ['augment.managed=true', 'augment.component=opencode'],
    });
  });

  it('reports a missing Docker engine clearly', async () => {
    const docker = new Docker({ socketPath: join(dir, 'no-such.sock') });
    const err = await ensureImage(docker, 'ghcr.io/anomalyco/opencode', log).catch((e) => e);
    expect(err).toMatchObject({ code: 'sandbox_unavailable' });
    expect(err.message).toMatch(/Docker is not available/);
    const driver = createDockerDriver({ docker, image: 'x', workerId: 'w', log });
    expect(await driver.start(job()).catch((e) => e)).toMatchObject({ code: 'sandbox_unavailable' });
  });
});

describe('selectSandboxDriver', () => {
  const config = (driver: OpenCodeConfig['driver']) =>
    ({ driver, dockerImage: 'ghcr.io/anomalyco/opencode', timeoutMs: 60_000 }) as OpenCodeConfig;

  it('falls back to the local process when Docker is absent and the driver is auto', async () => {
    const docker = new Docker({ socketPath: join(dir, 'absent.sock') });
    const driver = await selectSandboxDriver(config('auto'), { log, workerId: 'w', docker });
    expect(driver.kind).toBe('process');
  });

  it('refuses to run without Docker when OPENCODE_DRIVER=docker', async () => {
    const docker = new Docker({ socketPath: join(dir, 'absent.sock') });
    const err = await selectSandboxDriver(config('docker'), { log, workerId: 'w', docker }).catch((e) => e);
    expect(err).toMatchObject({ code: 'sandbox_unavailable' });
    expect(err.message).toContain('OPENCODE_DRIVER=docker');
  });

  it('prepares Docker on worker start: internal network, leftovers, image', async () => {
    const { docker } = await setup({ imagePresent: false });
    fake?.addContainer({
      id: 'old',
      labels: { 'augment.managed': 'true', 'augment.component': 'opencode', 'augment.worker_id': 'w' },
    });
    const driver = await selectSandboxDriver(config('auto'), { log, workerId: 'w', docker });
    expect(driver.kind).toBe('docker');
    const net = fake?.requests.find((r) => r.path === '/networks/create');
    expect(net?.body).toMatchObject({ Name: 'augment-mcp', Internal: true });
    expect(fake?.containers.get('old')?.removed).toBe(true);
    expect(fake?.requests.some((r) => r.path === '/images/create')).toBe(true);
  });
});
