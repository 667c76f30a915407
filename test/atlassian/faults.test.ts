/**
 * Fault tests: rate limits, 5xx, dropped connections and lost answers injected by the emulator, and
 * the guarantees that must hold anyway: every issue exactly once, every link exactly once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createAtlassianClients } from '../../runner/src/adapters/http/atlassian-clients.js';
import { SiteLimiters } from '../../runner/src/adapters/http/site-limiter.js';
import { idempotencyLabel } from '../../runner/src/adapters/jira/idempotency.js';
import type { JiraClient, NewIssue } from '../../runner/src/adapters/jira/jira-types.js';
import { DEMO_EPIC_KEY, demoSeed, type Emulator, type FaultRule, startEmulator } from '../emulator/index.js';
import { authFor, clientsFor, FAST_RETRY } from './helpers.js';

let emu: Emulator;
afterEach(async () => {
  await emu?.close();
});

/** About 30% of requests fail; a third of those after the server has already acted. */
const THIRTY_PERCENT: FaultRule[] = [
  { path: '/rest/*', probability: 0.1, fault: { type: 'status', status: 429, retryAfter: 1 } },
  { path: '/rest/*', probability: 0.05, fault: { type: 'status', status: 503 } },
  { path: '/rest/*', probability: 0.05, fault: { type: 'drop' } },
  { path: '/rest/*', probability: 0.05, phase: 'after', fault: { type: 'status', status: 500 } },
  { path: '/rest/*', probability: 0.1, phase: 'after', fault: { type: 'drop' } },
];

const runStory = (run: string, i: number): NewIssue => ({
  projectKey: 'DEMO',
  issueType: 'Story',
  summary: `Story ${i} of ${run}`,
  description: `Generated story **${i}**`,
  parentKey: DEMO_EPIC_KEY,
  storyPoints: (i % 5) + 1,
  labels: [run],
});

/** A 50-issue job: create every story once, then chain them with Blocks links (i-1 blocks i, i-2 blocks i). */
async function creationJob(jira: JiraClient, run: string) {
  const created = await Promise.all(
    Array.from({ length: 50 }, (_, i) => jira.createIssueOnce(runStory(run, i), `${run}:story:${i}`)),
  );
  const pairs: [string, string][] = [];
  for (let i = 1; i < 50; i++) {
    pairs.push([created[i - 1]!.key, created[i]!.key]);
    if (i >= 2 && i % 2 === 0) pairs.push([created[i - 2]!.key, created[i]!.key]);
  }
  const links = await Promise.all(pairs.map(([a, b]) => jira.linkOnce(a, b)));
  return { created, pairs, links };
}

function linkCounts(emu: Emulator): Map<string, number> {
  const counts = new Map<string, number>();
  for (const l of emu.state.links)
    counts.set(`${l.inward}>${l.outward}`, (counts.get(`${l.inward}>${l.outward}`) ?? 0) + 1);
  return counts;
}

describe('a 50-issue creation job under 30% injected faults', () => {
  it('ends with exactly 50 issues and no duplicate links, and a rerun changes nothing', async () => {
    emu = await startEmulator({ seed: demoSeed(), faults: THIRTY_PERCENT, randomSeed: 7 });
    const { jira } = clientsFor(emu);
    const { created, pairs } = await creationJob(jira, 'run-a');

    const issues = [...emu.state.issues.values()].filter((i) => i.labels.includes('run-a'));
    expect(issues).toHaveLength(50);
    expect(new Set(issues.map((i) => i.summary)).size).toBe(50);
    expect(new Set(created.map((c) => c.key)).size).toBe(50);
    for (let i = 0; i < 50; i++) {
      expect(emu.state.issues.get(created[i]!.key)!.labels).toContain(idempotencyLabel(`run-a:story:${i}`));
    }
    const counts = linkCounts(emu);
    for (const [a, b] of pairs) expect(counts.get(`${a}>${b}`)).toBe(1);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);

    // The faults really happened, including answers lost after the server acted.
    const faulted = emu.state.requests.filter((r) => r.fault);
    expect(faulted.length).toBeGreaterThan(30);
    expect(faulted.some((r) => r.fault === 'drop' && r.method === 'POST')).toBe(true);

    // The queue retries the whole job: nothing new is created.
    const issueCount = emu.state.issues.size;
    const linkCount = emu.state.links.length;
    const rerun = await creationJob(jira, 'run-a');
    expect(rerun.created.every((c) => !c.created)).toBe(true);
    expect(rerun.links.every((l) => !l.created)).toBe(true);
    expect(rerun.created.map((c) => c.key)).toEqual(created.map((c) => c.key));
    expect(emu.state.issues.size).toBe(issueCount);
    expect(emu.state.links.length).toBe(linkCount);
  });

  it('creates exactly 50 issues through bulk create as well', async () => {
    emu = await startEmulator({ seed: demoSeed(), faults: THIRTY_PERCENT, randomSeed: 11 });
    const { jira } = clientsFor(emu);
    const items = Array.from({ length: 50 }, (_, i) => ({
      input: runStory('run-b', i),
      idempotencyKey: `run-b:story:${i}`,
    }));
    const res = await jira.createIssuesOnce(items);
    expect(new Set(res.map((r) => r.key)).size).toBe(50);
    expect([...emu.state.issues.values()].filter((i) => i.labels.includes('run-b'))).toHaveLength(50);
    const again = await jira.createIssuesOnce(items);
    expect(again.map((r) => r.key)).toEqual(res.map((r) => r.key));
    expect([...emu.state.issues.values()].filter((i) => i.labels.includes('run-b'))).toHaveLength(50);
  });
});

describe('a worker killed between creating and recording', () => {
  const lostAnswer = (path: string): FaultRule[] => [
    { method: 'POST', path, phase: 'after', count: 1, fault: { type: 'drop' } },
  ];

  it('does not create the issue twice when the job is retried by a new worker', async () => {
    emu = await startEmulator({ seed: demoSeed(), faults: lostAnswer('/rest/api/3/issue') });
    // The first worker never hears back and dies (no retries left).
    const dying = clientsFor(emu, 'basic', { ...FAST_RETRY, maxAttempts: 1 }).jira;
    const input = runStory('crash', 1);
    await expect(dying.createIssueOnce(input, 'crash:story:1')).rejects.toMatchObject({ code: 'network' });
    const label = idempotencyLabel('crash:story:1');
    const onServer = [...emu.state.issues.values()].filter((i) => i.labels.includes(label));
    expect(onServer).toHaveLength(1);

    const fresh = clientsFor(emu).jira;
    const res = await fresh.createIssueOnce(input, 'crash:story:1');
    expect(res).toEqual({ id: onServer[0]!.id, key: onServer[0]!.key, created: false });
    expect([...emu.state.issues.values()].filter((i) => i.labels.includes(label))).toHaveLength(1);
  });

  it('recovers within one call when the answer to a create is lost', async () => {
    emu = await startEmulator({ seed: demoSeed(), faults: lostAnswer('/rest/api/3/issue') });
    const { jira } = clientsFor(emu);
    const res = await jira.createIssueOnce(runStory('lost', 1), 'lost:1');
    expect(
      [...emu.state.issues.values()].filter((i) => i.labels.includes(idempotencyLabel('lost:1'))),
    ).toEqual([expect.objectContaining({ key: res.key })]);
    expect(
      emu.state.requests.filter((r) => r.method === 'POST' && r.path === '/rest/api/3/issue'),
    ).toHaveLength(1);
  });

  it('does not create a bulk batch twice when its answer is lost', async () => {
    emu = await startEmulator({ seed: demoSeed(), faults: lostAnswer('/rest/api/3/issue/bulk') });
    const { jira } = clientsFor(emu);
    const items = Array.from({ length: 10 }, (_, i) => ({
      input: runStory('bulk-lost', i),
      idempotencyKey: `bulk-lost:${i}`,
    }));
    const res = await jira.createIssuesOnce(items);
    // Found on the next round: made by this call's create, whose answer was lost.
    expect(res.every((r) => r.created)).toBe(true);
    expect([...emu.state.issues.values()].filter((i) => i.labels.includes('bulk-lost'))).toHaveLength(10);
  });

  it('does not link twice when the answer to a link is lost or a 500 follows it', async () => {
    emu = await startEmulator({
      seed: demoSeed(),
      faults: [
        {
          method: 'POST',
          path: '/rest/api/3/issueLink',
          phase: 'after',
          count: 1,
          fault: { type: 'status', status: 500 },
        },
      ],
    });
    const { jira } = clientsFor(emu);
    await jira.linkOnce('DEMO-2', 'DEMO-3');
    emu.setFaults(lostAnswer('/rest/api/3/issueLink'));
    await jira.linkOnce('DEMO-3', 'DEMO-2');
    expect(linkCounts(emu).get('DEMO-2>DEMO-3')).toBe(1);
    expect(linkCounts(emu).get('DEMO-3>DEMO-2')).toBe(1);
  });

  it('does not add an idempotent comment twice', async () => {
    emu = await startEmulator({ seed: demoSeed(), faults: lostAnswer('/rest/api/3/issue/*/comment') });
    const { jira } = clientsFor(emu);
    await jira.addComment('DEMO-2', 'Stories synced', { idempotencyKey: 'job-3:done' });
    expect(emu.state.issues.get('DEMO-2')!.comments).toHaveLength(1);
  });

  it('does not apply a Confluence update twice when the answer to the PUT is lost', async () => {
    emu = await startEmulator({
      seed: demoSeed(),
      faults: [
        { method: 'PUT', path: '/wiki/api/v2/pages/*', phase: 'after', count: 1, fault: { type: 'drop' } },
      ],
    });
    const { confluence } = clientsFor(emu);
    const res = await confluence.updatePage('1001', (s) => (s.includes('DEMO-9') ? s : `${s}<p>DEMO-9</p>`));
    expect(res.changed).toBe(true);
    const page = emu.state.pages.get('1001')!;
    expect(page.version).toBe(2);
    expect(page.storage.split('DEMO-9')).toHaveLength(2);
  });
});

describe('retry policy against the emulator', () => {
  it('honours Retry-After in seconds and as an HTTP date', async () => {
    emu = await startEmulator({
      seed: demoSeed(),
      faults: [
        {
          method: 'GET',
          path: '/rest/api/3/issue/DEMO-2',
          count: 1,
          fault: { type: 'status', status: 429, retryAfter: 7 },
        },
        {
          method: 'GET',
          path: '/wiki/api/v2/pages/1001',
          count: 1,
          fault: { type: 'status', status: 429, retryAfter: new Date(Date.now() + 40_000).toUTCString() },
        },
      ],
    });
    const delays: number[] = [];
    const { jira, confluence } = clientsFor(emu, 'basic', {
      ...FAST_RETRY,
      maxRetryAfterMs: 120_000,
      sleep: async (ms) => {
        delays.push(ms);
      },
    });
    await jira.getIssue('DEMO-2');
    await confluence.getPage('1001');
    expect(delays).toHaveLength(2);
    expect(delays[0]).toBeGreaterThanOrEqual(7000);
    expect(delays[1]).toBeGreaterThanOrEqual(30_000);
    expect(delays[1]).toBeLessThanOrEqual(41_000);
  });

  it('retries reads through 5xx and dropped connections, up to the attempt limit', async () => {
    emu = await startEmulator({
      seed: demoSeed(),
      faults: [
        { method: 'GET', path: '/rest/api/3/issue/DEMO-2', count: 1, fault: { type: 'status', status: 503 } },
        { method: 'GET', path: '/rest/api/3/issue/DEMO-2', count: 1, fault: { type: 'drop' } },
        { method: 'GET', path: '/rest/api/3/issue/DEMO-3', fault: { type: 'status', status: 502 } },
      ],
    });
    const { jira } = clientsFor(emu, 'basic', { ...FAST_RETRY, maxAttempts: 4 });
    expect((await jira.getIssue('DEMO-2')).key).toBe('DEMO-2');
    expect(emu.state.requests.filter((r) => r.path === '/rest/api/3/issue/DEMO-2')).toHaveLength(3);
    const err = await jira.getIssue('DEMO-3').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'unavailable', upstreamStatus: 502, status: 503, attempts: 4 });
    expect(emu.state.requests.filter((r) => r.path === '/rest/api/3/issue/DEMO-3')).toHaveLength(4);
  });

  it('does not retry other 4xx answers', async () => {
    emu = await startEmulator({ seed: demoSeed() });
    const { jira } = clientsFor(emu);
    await expect(jira.getIssue('DEMO-999')).rejects.toMatchObject({ code: 'not_found' });
    expect(emu.state.requests.filter((r) => r.path === '/rest/api/3/issue/DEMO-999')).toHaveLength(1);
    const reader = clientsFor(emu, 'reader').jira;
    await expect(reader.createIssue(runStory('ro', 1))).rejects.toMatchObject({ code: 'forbidden' });
    expect(
      emu.state.requests.filter((r) => r.method === 'POST' && r.path === '/rest/api/3/issue'),
    ).toHaveLength(1);
  });

  it('does not blindly resend a plain create after a 5xx: the outcome is reported as unknown', async () => {
    emu = await startEmulator({
      seed: demoSeed(),
      faults: [
        { method: 'POST', path: '/rest/api/3/issue', count: 1, fault: { type: 'status', status: 503 } },
      ],
    });
    const { jira } = clientsFor(emu);
    await expect(jira.createIssue(runStory('plain', 1))).rejects.toMatchObject({ code: 'unavailable' });
    expect(
      emu.state.requests.filter((r) => r.method === 'POST' && r.path === '/rest/api/3/issue'),
    ).toHaveLength(1);
  });

  it('retries a read that timed out', async () => {
    emu = await startEmulator({
      seed: demoSeed(),
      faults: [
        { method: 'GET', path: '/wiki/api/v2/pages/1001', count: 1, fault: { type: 'latency', ms: 400 } },
      ],
    });
    const { confluence } = clientsFor(emu, 'basic', FAST_RETRY, { timeoutMs: 100 });
    expect((await confluence.getPage('1001')).id).toBe('1001');
    expect(emu.state.requests.filter((r) => r.path === '/wiki/api/v2/pages/1001')).toHaveLength(2);
  });

  it('keeps at most maxConcurrency requests in flight per site, Jira and Confluence together', async () => {
    emu = await startEmulator({ seed: demoSeed(), faults: [{ fault: { type: 'latency', ms: 15 } }] });
    const limiters = new SiteLimiters();
    const { jira, confluence } = createAtlassianClients(authFor(emu), {
      retry: FAST_RETRY,
      limiters,
      maxConcurrency: 2,
    });
    // A second pair of clients for the same site shares the limit.
    const other = createAtlassianClients(authFor(emu), { retry: FAST_RETRY, limiters, maxConcurrency: 2 });
    await Promise.all([
      ...Array.from({ length: 6 }, () => jira.getIssue('DEMO-2')),
      ...Array.from({ length: 6 }, () => confluence.getPage('1001')),
      ...Array.from({ length: 6 }, () => other.confluence.getPage('1002')),
    ]);
    expect(emu.state.load.maxInFlight).toBe(2);
  });
});
