import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const repoRoot = resolve(import.meta.dirname, '../..');
const script = join(repoRoot, 'scripts/bundle-forge.cjs');

interface Report {
  node?: { outputDir: string; files: string[] };
  resources: { key: string; outputDir: string; files: string[] }[];
  errors: string[];
}

let report: Report | undefined;
afterAll(() => {
  for (const dir of [report?.node?.outputDir, ...(report?.resources ?? []).map((r) => r.outputDir)]) {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
});

describe('Forge bundle (npm run forge:bundle)', () => {
  // The same @forge/bundler and webpack configuration as `forge deploy`: a source layout Forge cannot bundle
  // (an import it cannot resolve, a handler that is not exported) fails here rather than at deploy time.
  it('bundles the function and every UI Kit resource, exporting each manifest handler', {
    timeout: 600_000,
  }, async () => {
    let stdout = '';
    try {
      ({ stdout } = await promisify(execFile)(process.execPath, [script, '--json'], {
        cwd: repoRoot,
        maxBuffer: 16 * 1024 * 1024,
      }));
    } catch (error) {
      stdout = (error as { stdout?: string }).stdout ?? '';
      if (!stdout) throw error;
    }
    report = JSON.parse(stdout) as Report;
    expect(report.errors).toEqual([]);
    const manifest = parse(readFileSync(join(repoRoot, 'manifest.yml'), 'utf8')) as {
      resources: { key: string }[];
    };
    expect(report.node?.files).toContain('index.cjs');
    expect(report.resources.map((r) => r.key).sort()).toEqual(manifest.resources.map((r) => r.key).sort());
    for (const r of report.resources) {
      expect(r.files).toContain('index.html');
      expect(r.files).toContain(`${r.key}.js`);
    }
  });
});
