/** One CLI error format: every offline command reports a problem the user can fix the same way. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function augment(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['runner/bin/augment.mjs', ...args],
      { cwd: ROOT, timeout: 60_000, env: { PATH: process.env.PATH ?? '' } },
      (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('CLI errors', () => {
  it.each([
    [['plan', 'nope/epic.md'], 'nope/epic.md'],
    [['sprint', 'plan', 'nope/sprint.json'], 'nope/sprint.json'],
    [['prd', 'parse', 'nope/page.xhtml'], 'nope/page.xhtml'],
  ])('augment %s: one line in the one format, exit code 1', async (args, file) => {
    const res = await augment(...args);
    expect(res.code).toBe(1);
    expect(res.stdout).toBe('');
    expect(res.stderr).toBe(`error: cannot read ${file}: no such file (ENOENT)\n`);
  });

  it('a PRD without a story table is reported in the same format', async () => {
    const res = await augment('prd', 'parse', 'test/fixtures/prd/bad-no-story-table.xhtml');
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(
      /^error: test\/fixtures\/prd\/bad-no-story-table\.xhtml: .+ \[no_story_table\]\n$/,
    );
  });
});
