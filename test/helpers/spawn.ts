import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Env } from '../../runner/src/env.js';

const CHILD = fileURLToPath(new URL('./child-runner.ts', import.meta.url));

export interface ChildRunner {
  proc: ChildProcess;
  port: number;
  url: string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Spawns a runner process sharing `env`'s Redis and prefix; resolves once it prints READY. */
export function spawnRunner(env: Env, extra: Record<string, string> = {}): Promise<ChildRunner> {
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
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`child runner did not start: ${out}`)), 20_000);
    proc.stdout!.on('data', (d) => {
      out += String(d);
      const m = /READY (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        const port = Number(m[1]);
        resolve({
          proc,
          port,
          url: `http://127.0.0.1:${port}`,
          kill: (signal = 'SIGTERM') =>
            new Promise((r) => {
              if (proc.exitCode !== null || proc.signalCode !== null) return r();
              proc.once('exit', () => r());
              proc.kill(signal);
            }),
        });
      }
    });
    proc.once('exit', (code) => reject(new Error(`child runner exited with ${code}: ${out}`)));
  });
}
