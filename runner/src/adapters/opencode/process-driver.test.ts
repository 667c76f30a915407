import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProcessDriver, resolveOpenCodeBinary } from './process-driver.js';
import type { SandboxJob } from './sandbox.js';

let dir: string;
/** Running, not a zombie waiting for a reaper (PID 1 of a container may never reap). */
const alive = (pid: number) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
};

/** A stand-in for the opencode binary: dumps its env, starts a grandchild, prints `listen`. */
function fakeBinary(body: string): string {
  const path = join(dir, 'fake-opencode.sh');
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

const job = (over: Partial<SandboxJob> = {}): SandboxJob => ({
  jobId: 'job-1',
  workspaceDir: join(dir, 'workspace'),
  configPath: join(dir, 'opencode.json'),
  stateDir: join(dir, 'state'),
  env: { OPENAI_API_KEY: 'sk-child-only-key', LLM_PROVIDER: 'openai', LLM_MODEL: 'm' },
  serverPassword: 'pw-123456',
  ...over,
});

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'augment-procdrv-'));
  mkdirSync(join(dir, 'workspace'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('local-process sandbox', () => {
  it('finds the opencode binary of the installed npm package', () => {
    expect(resolveOpenCodeBinary()).toMatch(/opencode-ai\/bin\/opencode/);
  });

  it('runs in the workspace with only its own variables and HOME/XDG inside the job', async () => {
    const bin = fakeBinary(
      `env > "${dir}/env.txt"; pwd > "${dir}/cwd.txt"; echo "opencode server listening on http://127.0.0.1:4999"; exec sleep 60`,
    );
    const driver = createProcessDriver({ binaryPath: bin });
    const handle = await driver.start(job());
    expect(handle.baseUrl).toBe('http://127.0.0.1:4999');
    await handle.stop();

    const env = Object.fromEntries(
      readFileSync(join(dir, 'env.txt'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    expect(readFileSync(join(dir, 'cwd.txt'), 'utf8').trim()).toBe(join(dir, 'workspace'));
    expect(env).toMatchObject({
      HOME: join(dir, 'state', 'home'),
      XDG_CONFIG_HOME: join(dir, 'state', 'home', '.config'),
      XDG_DATA_HOME: join(dir, 'state', 'home', '.local', 'share'),
      OPENCODE_CONFIG: join(dir, 'opencode.json'),
      OPENCODE_DISABLE_MODELS_FETCH: '1',
      OPENCODE_DISABLE_PROJECT_CONFIG: '1',
      OPENCODE_SERVER_PASSWORD: 'pw-123456',
      OPENAI_API_KEY: 'sk-child-only-key',
      npm_config_offline: 'true',
    });
    // Nothing of the runner's own environment leaks in.
    const own = Object.keys(env).filter(
      (k) =>
        !/^(PATH|PWD|SHLVL|_|LANG|HOME|TMPDIR|NO_COLOR|XDG_\w+|OPENCODE_\w+|npm_config_offline|OPENAI_API_KEY|LLM_\w+)$/.test(
          k,
        ),
    );
    expect(own).toEqual([]);
  });

  it('kills the whole process group on stop, grandchildren included', async () => {
    const bin = fakeBinary(
      `sleep 300 & echo $! > "${dir}/grandchild.pid"; echo "opencode server listening on http://127.0.0.1:4998"; wait`,
    );
    const handle = await createProcessDriver({ binaryPath: bin }).start(job());
    const grandchild = Number(readFileSync(join(dir, 'grandchild.pid'), 'utf8'));
    expect(alive(grandchild)).toBe(true);
    await handle.stop();
    await new Promise((r) => setTimeout(r, 50));
    expect(alive(handle.info.pid as number)).toBe(false);
    expect(alive(grandchild)).toBe(false);
  });

  it('reports a server that exits before listening, with its output scrubbed', async () => {
    const bin = fakeBinary('echo "fatal: bad key sk-child-only-key" >&2; exit 3');
    const err = await createProcessDriver({ binaryPath: bin })
      .start(job())
      .catch((e) => e);
    expect(err).toMatchObject({ code: 'sandbox_failed' });
    expect(err.message).toContain('code 3');
    expect(err.message).not.toContain('sk-child-only-key');
  });

  it('gives up when the server never listens, and leaves nothing running', async () => {
    const bin = fakeBinary(`echo $$ > "${dir}/pid"; exec sleep 60`);
    const err = await createProcessDriver({ binaryPath: bin, startupTimeoutMs: 500 })
      .start(job())
      .catch((e) => e);
    expect(err).toMatchObject({ code: 'sandbox_failed' });
    expect(alive(Number(readFileSync(join(dir, 'pid'), 'utf8')))).toBe(false);
  });

  it('stops starting when the job is cancelled', async () => {
    const bin = fakeBinary(`echo $$ > "${dir}/pid"; exec sleep 60`);
    const cancel = new AbortController();
    const pending = createProcessDriver({ binaryPath: bin })
      .start(job({ signal: cancel.signal }))
      .catch((e) => e);
    setTimeout(() => cancel.abort(), 200);
    expect(await pending).toMatchObject({ code: 'cancelled' });
    expect(alive(Number(readFileSync(join(dir, 'pid'), 'utf8')))).toBe(false);
  });

  it('resolves `exited` when the server dies on its own', async () => {
    const bin = fakeBinary('echo "opencode server listening on http://127.0.0.1:4997"; sleep 0.2; exit 7');
    const handle = await createProcessDriver({ binaryPath: bin }).start(job());
    expect((await handle.exited).code).toBe(7);
    await handle.stop();
  });
});
