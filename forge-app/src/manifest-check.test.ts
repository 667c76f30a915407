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

async function check(manifestPath: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [script, manifestPath], { cwd: repoRoot });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

describe('manifest check (npm run lint:manifest)', () => {
  // Both runs in parallel: each loads @forge/manifest and @forge/lint, which validate the manifest several times.
  it('passes the repository manifest and fails one whose handler is not exported', {
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

    const [good, bad] = await Promise.all([
      check(join(repoRoot, 'manifest.yml')),
      check(join(scratch, 'manifest.yml')),
    ]);

    expect(good.output).toContain('manifest check: 0 error(s)');
    expect(good.code).toBe(0);
    expect(bad.code).toBe(1);
    expect(bad.output).toMatch(/noSuchHandler/);
  });
});
