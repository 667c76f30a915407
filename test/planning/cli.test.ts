/** `augment plan FILE`, run as a user would: a child process of the real command, offline. */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { markdownToStorage } from './seed.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const EXAMPLE = join(ROOT, 'examples/epic-invoicing.md');

function augment(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['runner/bin/augment.mjs', ...args],
      // No AI key and no Atlassian site: the command must not need them.
      { cwd: ROOT, timeout: 60_000, maxBuffer: 20_000_000, env: { PATH: process.env.PATH ?? '' } },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const tmp = mkdtempSync(join(tmpdir(), 'augment-plan-cli-'));

describe('augment plan', () => {
  it('plans the example epic as JSON: stories, tasks per team, dependencies, tests and the estimate', async () => {
    const { code, stdout, stderr } = await augment('plan', EXAMPLE, '--json');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const plan = JSON.parse(stdout);
    expect(plan.summary).toBe('Invoicing for B2B customers');
    expect(plan.stories).toHaveLength(8);
    for (const team of ['backend', 'frontend', 'qa'])
      expect(plan.tasks_by_team[team].length).toBeGreaterThan(0);
    const ids = new Set(plan.tasks.map((t: { id: string }) => t.id));
    expect(plan.relationships.length).toBeGreaterThan(0);
    for (const r of plan.relationships) {
      expect(ids.has(r.from)).toBe(true);
      expect(ids.has(r.to)).toBe(true);
    }
    expect(plan.tasks.every((t: { estimate_days: number }) => t.estimate_days <= 3)).toBe(true);
    expect(plan.tasks.some((t: { test_cases: unknown[] }) => t.test_cases.length > 0)).toBe(true);
    const total = plan.tasks.reduce((n: number, t: { estimate_days: number }) => n + t.estimate_days, 0);
    expect(plan.estimate_total_days).toBeCloseTo(total, 5);
  });

  it('prints readable text with every section', async () => {
    const { code, stdout } = await augment('plan', EXAMPLE);
    expect(code).toBe(0);
    for (const heading of [
      'STORIES',
      'TASKS PER TEAM',
      'DEPENDENCIES (blocker -> blocked)',
      'TEST CASES',
      'ESTIMATE TOTAL',
    ])
      expect(stdout).toContain(heading);
    expect(stdout).toContain('Send invoices');
    expect(stdout).toMatch(/S\d-backend-\d+ -> S\d-frontend-\d+ {2}\(backend -> frontend\)/);
  });

  it('reads a PRD in Confluence storage format the same way', async () => {
    const file = join(tmp, 'prd.xml');
    writeFileSync(file, markdownToStorage(readFileSync(EXAMPLE, 'utf8')));
    const { code, stdout } = await augment('plan', file, '--json', '--coverage', 'minimal');
    expect(code).toBe(0);
    const plan = JSON.parse(stdout);
    expect(plan.stories.map((s: { story: { title: string } }) => s.story.title)).toContain(
      'Overdue reminders',
    );
    for (const t of plan.tasks) expect(t.test_cases.length).toBeLessThanOrEqual(2);
  });

  it('fails with a message for a missing file or a bad option', async () => {
    const missing = await augment('plan', join(tmp, 'nope.md'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('cannot read');
    const bad = await augment('plan', EXAMPLE, '--coverage', 'everything');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--coverage must be one of');
  });
});
