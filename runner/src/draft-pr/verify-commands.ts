/**
 * VERIFY: the configured test, lint, build and security commands, run in the job's workspace through a
 * shell, one after another, each with a time limit (the whole process group is killed), output captured
 * (head and tail kept when long) and scrubbed of secrets. The draft PR is opened only when all pass.
 *
 * The commands come from the runner's configuration, never from requests. They run the repository's own
 * code, so they get only the environment given here: never the runner's, which holds its credentials.
 */
import { spawn } from 'node:child_process';
import type { VerificationKind, VerificationResult } from '@augment/shared';
import { scrubSecrets } from '../logger.js';

export interface VerificationCommand {
  name: VerificationKind;
  command: string;
}

export interface VerificationOptions {
  commands: readonly VerificationCommand[];
  /** Per command. */
  timeoutMs: number;
  /** The whole environment of the commands (PATH, HOME, CI=true...). */
  env: Record<string, string>;
  secrets?: readonly string[];
  /** Output kept per command (default 64 KiB: the first 8 KiB and the last 56 KiB). */
  maxOutputBytes?: number;
  /** Stop at the first failing command (default true). */
  stopOnFailure?: boolean;
  signal?: AbortSignal;
}

const KILL_GRACE_MS = 2_000;

/** Keeps the first and last bytes of a stream, dropping the middle once it is over the limit. */
class BoundedOutput {
  private head: Buffer[] = [];
  private headSize = 0;
  private tail: Buffer[] = [];
  private tailSize = 0;
  private dropped = 0;

  constructor(
    private readonly headMax: number,
    private readonly tailMax: number,
  ) {}

  push(chunk: Buffer): void {
    if (this.headSize < this.headMax) {
      const take = chunk.subarray(0, this.headMax - this.headSize);
      this.head.push(take);
      this.headSize += take.length;
      chunk = chunk.subarray(take.length);
    }
    if (!chunk.length) return;
    this.tail.push(chunk);
    this.tailSize += chunk.length;
    while (this.tailSize > this.tailMax && this.tail.length) {
      const first = this.tail[0]!;
      const excess = this.tailSize - this.tailMax;
      if (first.length <= excess) {
        this.tail.shift();
        this.tailSize -= first.length;
        this.dropped += first.length;
      } else {
        this.tail[0] = first.subarray(excess);
        this.tailSize -= excess;
        this.dropped += excess;
      }
    }
  }

  text(): string {
    const head = Buffer.concat(this.head).toString('utf8');
    const tail = Buffer.concat(this.tail).toString('utf8');
    return this.dropped ? `${head}\n… ${this.dropped} bytes of output omitted …\n${tail}` : head + tail;
  }
}

/** Runs one shell command in `cwd`; never rejects. */
export function runCommand(
  cwd: string,
  cmd: VerificationCommand,
  options: Omit<VerificationOptions, 'commands' | 'stopOnFailure'>,
): Promise<VerificationResult> {
  const max = options.maxOutputBytes ?? 64 * 1024;
  const output = new BoundedOutput(Math.floor(max / 8), max - Math.floor(max / 8));
  const started = performance.now();
  return new Promise((resolve) => {
    let timedOut = false;
    let settled = false;
    const child = spawn('/bin/sh', ['-c', cmd.command], {
      cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Own process group, so a time limit kills the command's children too.
      detached: true,
    });
    const killGroup = (signal: NodeJS.Signals) => {
      try {
        if (child.pid) process.kill(-child.pid, signal);
      } catch {}
    };
    const stop = () => {
      killGroup('SIGTERM');
      setTimeout(() => killGroup('SIGKILL'), KILL_GRACE_MS).unref();
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, options.timeoutMs);
    const onAbort = () => stop();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (c: Buffer) => output.push(c));
    child.stderr.on('data', (c: Buffer) => output.push(c));
    const finish = (exitCode: number | null, extra = '') => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      let text = output.text() + extra;
      if (timedOut) text += `\n[killed after ${Math.round(options.timeoutMs / 1000)} s time limit]`;
      resolve({
        name: cmd.name,
        command: cmd.command,
        exit_code: timedOut ? null : exitCode,
        passed: !timedOut && exitCode === 0,
        timed_out: timedOut,
        duration_ms: Math.round(performance.now() - started),
        output: scrubSecrets(text, options.secrets ?? []),
      });
    };
    child.on('error', (err) => finish(null, `\n[could not start: ${err.message}]`));
    child.on('close', (code) => finish(code));
  });
}

/** Runs the commands in order; see the module comment. */
export async function runVerification(
  cwd: string,
  options: VerificationOptions,
): Promise<VerificationResult[]> {
  const results: VerificationResult[] = [];
  for (const cmd of options.commands) {
    if (options.signal?.aborted) break;
    const result = await runCommand(cwd, cmd, options);
    results.push(result);
    if (!result.passed && options.stopOnFailure !== false) break;
  }
  return results;
}

/** The configured commands in their fixed order (test, lint, build, security), skipping empty ones. */
export function verificationCommands(config: {
  test_command?: string;
  lint_command?: string;
  build_command?: string;
  security_command?: string;
}): VerificationCommand[] {
  const list: [VerificationKind, string | undefined][] = [
    ['test', config.test_command],
    ['lint', config.lint_command],
    ['build', config.build_command],
    ['security', config.security_command],
  ];
  return list
    .filter((e): e is [VerificationKind, string] => !!e[1]?.trim())
    .map(([name, command]) => ({ name, command }));
}
