/**
 * README examples run as written: every offline `npx augment ...` command of its bash blocks runs (in a
 * scratch directory that sees the repository's examples and fixtures) and succeeds, the sample outputs it
 * shows are what the command prints today, and every repository file it names exists.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const BIN = join(ROOT, 'runner/bin/augment.mjs');

/** The fenced blocks of the README with their language. */
function blocks(lang: string): string[] {
  const out: string[] = [];
  const re = /^```(\w*)\n([\s\S]*?)^```/gm;
  for (let m = re.exec(README); m; m = re.exec(README)) if (m[1] === lang) out.push(m[2]!);
  return out;
}

/** Commands that need nothing but the repository (no Redis, no Jira, no Docker). */
const OFFLINE = /^npx augment (plan|sprint plan|prd parse|mcp start --write-only)\b/;
const commands = blocks('bash')
  .flatMap((b) => b.split('\n'))
  .map((l) => l.replace(/\s+#.*$/, '').trim())
  .filter((l) => OFFLINE.test(l));

/** Splits a command line into words (the README's examples use no quoting). */
const words = (line: string) => line.split(/\s+/).slice(2);

// A scratch working directory with the repository's example files, so commands that write (`--html
// plan.html`, `--dir deploy/`) write there.
const work = mkdtempSync(join(tmpdir(), 'augment-readme-'));
for (const dir of ['examples', 'test']) symlinkSync(join(ROOT, dir), join(work, dir));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function augment(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: work, timeout: 60_000, maxBuffer: 20_000_000, env: { PATH: process.env.PATH ?? '' } },
      (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('README examples', () => {
  it('finds the offline commands', () => {
    expect(commands.length).toBeGreaterThanOrEqual(8);
  });

  it.each(commands)('%s', async (line) => {
    const res = await augment(words(line));
    expect(res.stderr.replace(/^wrote the timeline to .*\n/, '').replace(/^warning: not set: .*\n/, '')).toBe(
      '',
    );
    expect(res.code).toBe(0);
    expect(res.stdout.length).toBeGreaterThan(0);
  });

  it('shows sample outputs the commands really print (up to the elided parts)', async () => {
    const samples = blocks('text').filter((b) => b.startsWith('$ npx augment '));
    expect(samples.length).toBeGreaterThan(0);
    for (const sample of samples) {
      const [command, ...shown] = sample.trimEnd().split('\n');
      const printed = (await augment(words(command!.slice(2)))).stdout.split('\n');
      for (const line of shown) {
        const parts = line
          .split('...')
          .map((p) => p.trim())
          .filter(Boolean);
        if (parts.length === 0) continue;
        const pattern = new RegExp(parts.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*'));
        expect(
          printed.some((p) => pattern.test(p)),
          `"${line}" in the output of ${command}`,
        ).toBe(true);
      }
    }
  });

  it('names only files that exist', () => {
    const named = new Set(
      README.match(/\b(?:examples|test|shared|runner|forge-app|scripts|bench)\/[\w./*-]+/g),
    );
    const missing = [...named]
      .map((p) => p.replace(/[.,]+$/, ''))
      .filter((p) => {
        if (!p.includes('*')) return !existsSync(join(ROOT, p));
        // A glob: its folder exists and holds at least one match.
        const dir = join(ROOT, dirname(p.replace(/\*\*.*$/, 'x')));
        const base = new RegExp(`^${p.split('/').pop()!.replace(/\./g, '\\.').replace(/\*+/g, '.*')}$`);
        return !existsSync(dir) || !readdirSync(dir).some((f) => base.test(f));
      });
    expect(missing).toEqual([]);
  });
});
