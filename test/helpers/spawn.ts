import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Env } from '../../runner/src/env.js';

const CHILD = fileURLToPath(new URL('./child-runner.ts', import.meta.url));

export interface ChildRunner {
  proc: ChildProcess;
  port: number;
  url: string;
  /** Every line the process wrote (stdout, and stderr when captured), in order; the READY line left out. */
  lines: string[];
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export interface SpawnOptions {
  /** Collect stderr into `lines` too (default: stderr goes to the test's own stderr). */
  captureStderr?: boolean;
}

/** Spawns a runner process sharing `env`'s Redis and prefix; resolves once it prints READY. */
export function spawnRunner(
  env: Env,
  extra: Record<string, string> = {},
  opts: SpawnOptions = {},
): Promise<ChildRunner> {
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      REDIS_URL: env.REDIS_URL,
      QUEUE_PREFIX: env.QUEUE_PREFIX,
      API_KEYS: env.API_KEYS.join(','),
      ...extra,
    },
    stdio: ['ignore', 'pipe', opts.captureStderr ? 'pipe' : 'inherit'],
  });
  const lines: string[] = [];
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    proc.once('exit', (code, signal) => r({ code, signal })),
  );
  const collect = (stream: NodeJS.ReadableStream | null, onLine?: (line: string) => void) => {
    let rest = '';
    stream?.on('data', (d) => {
      rest += String(d);
      const parts = rest.split('\n');
      rest = parts.pop() ?? '';
      for (const line of parts) {
        if (/^READY \d+$/.test(line)) onLine?.(line);
        else lines.push(line);
      }
    });
    stream?.on('end', () => {
      if (rest) lines.push(rest);
    });
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`child runner did not start: ${lines.join('\n')}`)),
      40_000,
    );
    collect(opts.captureStderr ? proc.stderr : null);
    collect(proc.stdout, (line) => {
      clearTimeout(timer);
      const port = Number(line.slice('READY '.length));
      resolve({
        proc,
        port,
        url: `http://127.0.0.1:${port}`,
        lines,
        exited,
        kill: (signal = 'SIGTERM') =>
          new Promise((r) => {
            if (proc.exitCode !== null || proc.signalCode !== null) return r();
            proc.once('exit', () => r());
            proc.kill(signal);
          }),
      });
    });
    proc.once('exit', (code) => reject(new Error(`child runner exited with ${code}: ${lines.join('\n')}`)));
  });
}
