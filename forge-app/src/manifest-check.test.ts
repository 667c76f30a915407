import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repoRoot = resolve(import.meta.dirname, '../..');
const script = join(repoRoot, 'scripts/check-manifest.mjs');
const scratch = mkdtempSync(join(tmpdir(), 'augment-manifest-'));

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function check(
  manifestPath: string,
  env: Record<string, string | undefined> = {},
): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [script, manifestPath], {
      cwd: repoRoot,
      env: { ...withoutRunnerUrl(), ...env },
    });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

function withoutRunnerUrl(): NodeJS.ProcessEnv {
  const { AUGMENT_RUNNER_URL: _unset, ...rest } = process.env;
  return rest;
}

describe('manifest check (npm run lint:manifest)', () => {
  it('leaves the runner URL without a default, so Forge’s own parsing (forge deploy) refuses to go without it', {
    timeout: 120_000,
  }, async () => {
    // The parser `forge deploy` runs, with and without the variable.
    const parse = `require('@forge/manifest').validate(false, ${JSON.stringify(join(repoRoot, 'manifest.yml'))}).then((r) => console.log(JSON.stringify(r.errors.map((e) => e.message))))`;
    const missing = await run(process.execPath, ['-e', parse], { cwd: repoRoot, env: withoutRunnerUrl() });
    expect(missing.stdout).toContain("could not find environment variable 'AUGMENT_RUNNER_URL'");
    const set = await run(process.execPath, ['-e', parse], {
      cwd: repoRoot,
      env: { ...withoutRunnerUrl(), AUGMENT_RUNNER_URL: 'https://runner.example.org' },
    });
    expect(JSON.parse(set.stdout)).toEqual([]);
  });

  // All runs in parallel: each loads @forge/manifest and @forge/lint, which validate the manifest several times.
  it('passes the repository manifest (a placeholder for an unset runner URL) and fails one whose handler is not exported or whose runner URL is not https', {
    timeout: 600_000,
  }, async () => {
    const broken = readFileSync(join(repoRoot, 'manifest.yml'), 'utf8').replace(
      'handler: index.adminHandler',
      'handler: index.noSuchHandler',
    );
    expect(broken).toContain('index.noSuchHandler');
    writeFileSync(join(scratch, 'manifest.yml'), broken);
    symlinkSync(join(repoRoot, 'src'), join(scratch, 'src'));
    symlinkSync(join(repoRoot, 'forge-app'), join(scratch, 'forge-app'));

    const [good, bad, insecure] = await Promise.all([
      check(join(repoRoot, 'manifest.yml')),
      check(join(scratch, 'manifest.yml')),
      check(join(repoRoot, 'manifest.yml'), { AUGMENT_RUNNER_URL: 'http://runner.example.org' }),
    ]);

    expect(good.output).toContain('manifest check: 0 error(s)');
    expect(good.output).toContain('note: AUGMENT_RUNNER_URL is not set');
    expect(good.code).toBe(0);
    expect(insecure.code).toBe(1);
    expect(insecure.output).toContain("AUGMENT_RUNNER_URL must be the runner's public https:// URL");
    expect(bad.code).toBe(1);
    expect(bad.output).toMatch(/noSuchHandler/);
  });
});
