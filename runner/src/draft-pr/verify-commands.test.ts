import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCommand, runVerification, verificationCommands } from './verify-commands.js';

const cwd = mkdtempSync(join(tmpdir(), 'verify-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));
const env = { PATH: `${dirname(process.execPath)}:/usr/bin:/bin` };

describe('runVerification', () => {
  it('passes when every command exits 0 and keeps their output', async () => {
    const results = await runVerification(cwd, {
      commands: [
        { name: 'test', command: 'echo tests ok' },
        { name: 'lint', command: 'echo lint ok >&2' },
      ],
      timeoutMs: 10_000,
      env,
    });
    expect(results.map((r) => [r.name, r.passed, r.exit_code, r.output.trim()])).toEqual([
      ['test', true, 0, 'tests ok'],
      ['lint', true, 0, 'lint ok'],
    ]);
  });

  it('stops at the first failure and reports its exit code', async () => {
    const results = await runVerification(cwd, {
      commands: [
        { name: 'test', command: 'echo failing; exit 3' },
        { name: 'build', command: 'echo never' },
      ],
      timeoutMs: 10_000,
      env,
    });
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ passed: false, exit_code: 3, timed_out: false });
  });

  it('kills a command and its children at the time limit', async () => {
    const r = await runCommand(
      cwd,
      { name: 'test', command: 'sleep 30 & sleep 30; echo done' },
      { timeoutMs: 300, env },
    );
    expect(r).toMatchObject({ passed: false, timed_out: true, exit_code: null });
    expect(r.output).toContain('time limit');
    expect(r.output).not.toContain('done');
  });

  it('scrubs secrets and does not see variables it was not given', async () => {
    const r = await runCommand(
      cwd,
      { name: 'test', command: 'echo "token=s3cr3t-value"; echo "home=[$GITHUB_TOKEN]"' },
      { timeoutMs: 10_000, env, secrets: ['s3cr3t-value'] },
    );
    expect(r.output).toContain('token=[REDACTED]');
    expect(r.output).toContain('home=[]');
  });

  it('keeps the start and the end of very long output', async () => {
    const r = await runCommand(
      cwd,
      {
        name: 'build',
        command:
          'echo FIRST; i=0; while [ $i -lt 3000 ]; do echo filler-line-$i; i=$((i+1)); done; echo LAST',
      },
      { timeoutMs: 20_000, env, maxOutputBytes: 4096 },
    );
    expect(r.output.startsWith('FIRST')).toBe(true);
    expect(r.output.trim().endsWith('LAST')).toBe(true);
    expect(r.output).toMatch(/bytes of output omitted/);
    expect(r.output.length).toBeLessThan(4096 + 200);
  });

  it('lists configured commands in a fixed order and skips blank ones', () => {
    expect(
      verificationCommands({ build_command: 'make', test_command: 'npm test', lint_command: ' ' }),
    ).toEqual([
      { name: 'test', command: 'npm test' },
      { name: 'build', command: 'make' },
    ]);
  });
});
