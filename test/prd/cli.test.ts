/** `augment prd parse FILE [--json]` as a user runs it: a child process, offline, on corpus files. */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);

async function augment(...args: string[]) {
  try {
    const { stdout, stderr } = await run('node', ['runner/bin/augment.mjs', ...args], { cwd: ROOT });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const expected = (name: string) =>
  JSON.parse(readFileSync(`${ROOT}test/fixtures/prd/${name}.expected.json`, 'utf8'));

describe('augment prd parse', () => {
  it.each(['01-checkout-basic', '08-existing-tickets'])('prints the JSON contract for %s', async (name) => {
    const res = await augment('prd', 'parse', `test/fixtures/prd/${name}.xhtml`, '--json');
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toEqual(expected(name));
  });

  it('prints a readable table without --json', async () => {
    const res = await augment('prd', 'parse', 'test/fixtures/prd/01-checkout-basic.xhtml');
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('Section: Story Ticket List');
    expect(res.stdout).toMatch(/2\s+Saved cards\s+SHOP-142\s+bullets \(3\)/);
  });

  it('explains a page without a story table on stderr and exits 1', async () => {
    const res = await augment('prd', 'parse', 'test/fixtures/prd/bad-no-story-table.xhtml', '--json');
    expect(res.code).toBe(1);
    expect(res.stdout).toBe('');
    expect(res.stderr).toContain(expected('bad-no-story-table').error.message);
    expect(res.stderr).toContain('[no_story_table]');
  });

  it('says so when the file cannot be read', async () => {
    const res = await augment('prd', 'parse', 'test/fixtures/prd/missing.xhtml');
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('cannot read test/fixtures/prd/missing.xhtml: no such file');
  });
});
