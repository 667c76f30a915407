/** `augment sprint plan FILE`, run as a user would: a child process of the real command. */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const EXAMPLE = join(ROOT, 'examples/sprint-plan.json');

function augment(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['runner/bin/augment.mjs', ...args],
      { cwd: ROOT, timeout: 30_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const tmp = mkdtempSync(join(tmpdir(), 'augment-sprint-cli-'));
const writeJson = (name: string, value: unknown) => {
  const path = join(tmp, name);
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
  return path;
};
const example = () => JSON.parse(readFileSync(EXAMPLE, 'utf8'));

describe('augment sprint plan', () => {
  it('prints the plan of the example file as JSON in the documented shape', async () => {
    const { code, stdout, stderr } = await augment('sprint', 'plan', EXAMPLE, '--json');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const plan = JSON.parse(stdout);
    const input = example();
    expect(plan.epic_key).toBe(input.epic_key);
    for (const s of plan.sprints) {
      expect(s).toMatchObject({
        name: expect.any(String),
        start_date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
        end_date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
        tasks: expect.any(Array),
        capacity: expect.any(Object),
        used: expect.any(Object),
      });
      for (const [team, used] of Object.entries(s.used)) expect(used).toBeLessThanOrEqual(s.capacity[team]);
    }
    expect(plan.sprints[0].start_date).toBe(input.start_date);
    expect(plan.timeline).toHaveLength(input.tasks.length);
    for (const e of plan.timeline) {
      expect(e).toMatchObject({
        key: expect.any(String),
        sprint: expect.any(String),
        start: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
        end: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      });
    }
    const at = new Map(plan.timeline.map((e: { key: string }) => [e.key, e]));
    for (const t of input.tasks as { key: string; depends_on?: string[] }[]) {
      for (const dep of t.depends_on ?? []) {
        const [a, b] = [at.get(dep) as { end: string }, at.get(t.key) as { start: string }];
        expect(a.end < b.start, `${dep} ends before ${t.key} starts`).toBe(true);
      }
    }
    expect(plan.critical_path[0]).toBe('SHOP-101');
    expect(plan.unscheduled).toEqual([]);
  });

  it('prints a readable text timeline without flags', async () => {
    const { code, stdout } = await augment('sprint', 'plan', EXAMPLE);
    expect(code).toBe(0);
    expect(stdout).toContain('SHOP-100 Sprint 1');
    expect(stdout).toMatch(/Critical path/);
    expect(stdout).toContain('SHOP-115');
  });

  it('writes a self-contained HTML page with --html and says where', async () => {
    const out = join(tmp, 'timeline.html');
    const { code, stdout } = await augment('sprint', 'plan', EXAMPLE, '--html', out);
    expect(code).toBe(0);
    expect(stdout).toContain(out);
    const html = readFileSync(out, 'utf8');
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toContain('SHOP-108');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href="http/i);
  });

  it('keeps stdout pure JSON when --json and --html are combined', async () => {
    const out = join(tmp, 'both.html');
    const { code, stdout, stderr } = await augment('sprint', 'plan', EXAMPLE, '--json', '--html', out);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).sprints.length).toBeGreaterThan(0);
    expect(stderr).toContain(out);
  });

  it('names the invalid field and exits 1', async () => {
    const input = example();
    input.tasks[2].estimate_days = -1;
    input.start_date = '2027-13-01';
    const { code, stdout, stderr } = await augment('sprint', 'plan', writeJson('bad.json', input));
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('tasks[2].estimate_days');
    expect(stderr).toContain('start_date');
  });

  it('names the tasks of a dependency cycle and exits 1', async () => {
    const input = example();
    input.tasks[0].depends_on = ['SHOP-103'];
    const { code, stderr } = await augment('sprint', 'plan', writeJson('cycle.json', input));
    expect(code).toBe(1);
    expect(stderr).toMatch(/cycle/);
    for (const key of ['SHOP-101', 'SHOP-102', 'SHOP-103']) expect(stderr).toContain(key);
  });

  it('explains a missing file or broken JSON and exits 1', async () => {
    const missing = await augment('sprint', 'plan', join(tmp, 'nope.json'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('ENOENT');
    const broken = await augment('sprint', 'plan', writeJson('broken.json', '{"epic_key": '));
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain('not valid JSON');
  });
});
