/**
 * Local-process sandbox: `opencode serve` from the opencode-ai npm package as a child process in the
 * job's workspace, in its own process group, with an environment holding only what it needs and every
 * HOME/XDG directory inside the job's state directory. Killed as a group on stop, and on runner exit.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { scrubSecrets } from '../../logger.js';
import { DEFAULT_GIT_PATH } from '../git/index.js';
import { OpenCodeError } from './errors.js';
import {
  baseSandboxEnv,
  type SandboxDriver,
  type SandboxExit,
  type SandboxHandle,
  type SandboxJob,
} from './sandbox.js';

export interface ProcessDriverOptions {
  /** Path of the opencode binary; defaults to the one of the installed opencode-ai package. */
  binaryPath?: string;
  /** PATH of the child (git and a shell are looked up there). */
  pathEnv?: string;
  /** How long to wait for the "listening" line. */
  startupTimeoutMs?: number;
  /** Grace period between SIGTERM and SIGKILL. */
  killGraceMs?: number;
}

const LISTENING = /opencode server listening on (https?:\/\/\S+)/;
const OUTPUT_TAIL = 8_000;

/** The opencode binary shipped by the opencode-ai npm package (its postinstall puts the real one there). */
export function resolveOpenCodeBinary(): string {
  const require = createRequire(import.meta.url);
  const pkgPath = require.resolve('opencode-ai/package.json');
  const pkg = require(pkgPath) as { bin?: string | Record<string, string> };
  const bin = typeof pkg.bin === 'string' ? pkg.bin : (pkg.bin?.opencode ?? 'bin/opencode');
  return join(dirname(pkgPath), bin);
}

// Process groups still alive; killed if the runner exits without stopping them.
const live = new Set<number>();
let exitHookInstalled = false;
function trackGroup(pid: number): void {
  live.add(pid);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const p of live) {
      try {
        process.kill(-p, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is already gone
  }
}

export function createProcessDriver(opts: ProcessDriverOptions = {}): SandboxDriver {
  const startupTimeoutMs = opts.startupTimeoutMs ?? 60_000;
  const killGraceMs = opts.killGraceMs ?? 3_000;

  async function start(job: SandboxJob): Promise<SandboxHandle> {
    const home = join(job.stateDir, 'home');
    const dirs = {
      HOME: home,
      XDG_CONFIG_HOME: join(home, '.config'),
      XDG_DATA_HOME: join(home, '.local', 'share'),
      XDG_CACHE_HOME: join(home, '.cache'),
      XDG_STATE_HOME: join(home, '.local', 'state'),
      TMPDIR: join(job.stateDir, 'tmp'),
    };
    await Promise.all(Object.values(dirs).map((d) => mkdir(d, { recursive: true })));
    const env = {
      PATH: opts.pathEnv ?? DEFAULT_GIT_PATH,
      LANG: 'C.UTF-8',
      ...dirs,
      ...baseSandboxEnv(job.configPath, job.serverPassword),
      ...job.env,
    };
    const secrets = [
      job.serverPassword,
      ...Object.entries(job.env)
        .filter(([k]) => /KEY|TOKEN|PASSWORD/.test(k))
        .map(([, v]) => v),
    ];

    let child: ChildProcess;
    try {
      child = spawn(
        opts.binaryPath ?? resolveOpenCodeBinary(),
        ['serve', '--port', '0', '--hostname', '127.0.0.1'],
        {
          cwd: job.workspaceDir,
          env,
          detached: true,
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
    } catch (err) {
      throw new OpenCodeError(
        'sandbox_unavailable',
        `opencode could not be started: ${(err as Error).message}`,
        undefined,
        err,
      );
    }
    const pid = child.pid;
    if (pid !== undefined) trackGroup(pid);

    let output = '';
    const append = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-OUTPUT_TAIL);
    };
    child.stdout?.on('data', append);
    child.stderr?.on('data', append);

    const exited = new Promise<SandboxExit>((resolve) => {
      child.once('error', (err) => {
        if (pid !== undefined) live.delete(pid);
        resolve({ code: null, signal: null, output: scrubSecrets(`${output}\n${err.message}`, secrets) });
      });
      child.once('exit', (code, signal) => {
        // The server may have left children behind in its group.
        if (pid !== undefined) {
          killGroup(pid, 'SIGKILL');
          live.delete(pid);
        }
        resolve({ code, signal, output: scrubSecrets(output, secrets) });
      });
    });

    let stopping: Promise<void> | undefined;
    const stop = () => {
      stopping ??= (async () => {
        if (pid === undefined || child.exitCode !== null || child.signalCode !== null) {
          await Promise.race([exited, new Promise((r) => setTimeout(r, 100))]);
          return;
        }
        killGroup(pid, 'SIGTERM');
        const grace = setTimeout(() => killGroup(pid, 'SIGKILL'), killGraceMs);
        await exited;
        clearTimeout(grace);
      })();
      return stopping;
    };

    try {
      const baseUrl = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new OpenCodeError(
                'sandbox_failed',
                `opencode did not start listening within ${startupTimeoutMs} ms`,
              ),
            ),
          startupTimeoutMs,
        );
        const onAbort = () =>
          reject(new OpenCodeError('cancelled', 'The job was cancelled while OpenCode was starting'));
        job.signal?.addEventListener('abort', onAbort, { once: true });
        const cleanup = () => {
          clearTimeout(timer);
          job.signal?.removeEventListener('abort', onAbort);
          child.stdout?.off('data', onData);
        };
        const onData = () => {
          const m = output.match(LISTENING);
          if (m?.[1]) {
            cleanup();
            resolve(m[1]);
          }
        };
        child.stdout?.on('data', onData);
        void exited.then((e) => {
          cleanup();
          reject(
            new OpenCodeError(
              'sandbox_failed',
              `opencode exited before listening (code ${e.code ?? 'none'}, signal ${e.signal ?? 'none'}): ${e.output.trim().slice(-500)}`,
            ),
          );
        });
        if (job.signal?.aborted) onAbort();
      });
      return { baseUrl, exited, stop, info: { kind: 'process', ...(pid !== undefined ? { pid } : {}) } };
    } catch (err) {
      await stop();
      throw err;
    }
  }

  return {
    kind: 'process',
    mcpAddressing: 'localhost',
    sandboxPaths: (job) => ({ workspaceDir: job.workspaceDir, configPath: job.configPath }),
    start,
  };
}
