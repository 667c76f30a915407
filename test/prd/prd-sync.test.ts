/**
 * PRD -> story sync end to end: the runner (API + worker, real Redis) against the Jira/Confluence
 * emulator seeded with the demo epic DEMO-1 and its PRD page 1001 ("Story List" table, four rows; the
 * epic already has stories "Guest checkout" DEMO-2 and "Saved cards" DEMO-3).
 */
import { readFileSync } from 'node:fs';
import { PrdSyncRequest } from '@augment/shared';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { prdStorySyncProcessor } from '../../runner/src/jobs/processors/prd-story-sync.js';
import type { JobContext } from '../../runner/src/jobs/types.js';
import type { Runner } from '../../runner/src/server.js';
import { clientsFor } from '../atlassian/helpers.js';
import {
  DEMO_EPIC_KEY,
  DEMO_PRD_PAGE_ID,
  demoSeed,
  type Emulator,
  type FaultRule,
  type SeedData,
  startEmulator,
} from '../emulator/index.js';
import { api, cleanPrefix, testEnv, waitFor, withRunner } from '../helpers/runner.js';

const PATH = '/plan/stories/sync-from-prd';
const FIXTURES = new URL('../fixtures/prd/', import.meta.url);

let emu: Emulator | undefined;
let runner: Runner | undefined;
const prefixes: string[] = [];

afterEach(async () => {
  await runner?.stop();
  await emu?.close();
  runner = undefined;
  emu = undefined;
});
afterAll(async () => {
  await Promise.all(prefixes.map(cleanPrefix));
});

async function start(opts: { seed?: SeedData; faults?: FaultRule[] } = {}) {
  emu = await startEmulator({ seed: opts.seed ?? demoSeed(), faults: opts.faults });
  const { email, apiToken } = emu.credentials.admin;
  const env = testEnv({
    JIRA_SERVER_URL: emu.url,
    JIRA_USERNAME: email,
    JIRA_API_TOKEN: apiToken,
    CONFLUENCE_SERVER_URL: `${emu.url}/wiki`,
  });
  prefixes.push(env.QUEUE_PREFIX);
  runner = await withRunner(env);
  return { emu, client: api(runner) };
}

const page = (e: Emulator, id = DEMO_PRD_PAGE_ID) => e.state.pages.get(id)!;
const issueCount = (e: Emulator) => e.state.issues.size;
const issuePosts = (e: Emulator) =>
  e.state.requests.filter((r) => r.method === 'POST' && /^\/rest\/api\/3\/issue(\/bulk)?$/.test(r.path));
const markers = (storage: string) =>
  [...storage.matchAll(/\[TEMP-([0-9a-f-]{36})\]\(placeholder\)/g)].map((m) => m[1]);
const rowOf = (body: any, title: string) => body.result.rows.find((r: any) => r.title === title);
const adfText = (node: any): string =>
  node?.text ?? (Array.isArray(node?.content) ? node.content.map(adfText).join(' ') : '');
const adfTypes = (node: any): string[] => [
  node?.type,
  ...(Array.isArray(node?.content) ? node.content.flatMap(adfTypes) : []),
];

/** The page with the ticket column taken out (its `col`, and the last cell of every row). */
function withoutTicketColumn(storage: string): string {
  return storage
    .replace(/<col \/><\/colgroup>/, '</colgroup>')
    .replace(/<col\/><\/colgroup>/, '</colgroup>')
    .replace(/<t([hd])>(?:(?!<t[hd][ >]).)*?<\/t\1><\/tr>/g, '</tr>');
}

function addPage(e: Emulator, id: string, title: string, storage: string) {
  const now = new Date().toISOString();
  e.state.pages.set(id, {
    ...page(e),
    id,
    title,
    storage,
    version: 1,
    createdAt: now,
    history: [{ number: 1, title, storage, message: '', authorId: '', createdAt: now }],
  });
}

describe('POST /plan/stories/sync-from-prd', () => {
  it('previews by default: writes placeholder markers into the table and creates nothing in Jira', async () => {
    const { emu, client } = await start();
    const before = page(emu).storage;
    const issuesBefore = issueCount(emu);

    const res = await client.post(PATH, { epic_key: DEMO_EPIC_KEY });
    expect(res.status, res.text).toBe(200);
    const { result } = res.body;
    expect(result).toMatchObject({
      dry_run: true,
      status: 'previewed',
      section: 'Story List',
      epic_key: 'DEMO-1',
    });
    expect(result.counts).toEqual({ create: 2, update: 0, skip: 2, error: 0 });
    // The epic already has these two stories: they are matched by title, not created again.
    expect(rowOf(res.body, 'Guest checkout')).toMatchObject({
      action: 'skip',
      jira_key: 'DEMO-2',
      matched_by: 'epic_title',
    });
    expect(rowOf(res.body, 'Saved cards')).toMatchObject({ action: 'skip', jira_key: 'DEMO-3' });
    const toCreate = result.rows.filter((r: any) => r.action === 'create');
    expect(toCreate.map((r: any) => r.title)).toEqual(['Order confirmation e-mail', 'Address autocomplete']);
    for (const r of toCreate) expect(r.temp_id).toMatch(/^[0-9a-f-]{36}$/);

    expect(issueCount(emu)).toBe(issuesBefore);
    expect(issuePosts(emu)).toHaveLength(0);
    const after = page(emu);
    expect(after.version).toBe(2);
    expect(markers(after.storage)).toEqual(toCreate.map((r: any) => r.temp_id));
    expect(after.storage).toContain('<th><p><strong>JIRA Ticket</strong></p></th>');
    // Outside the new ticket column the page is unchanged, byte for byte.
    expect(withoutTicketColumn(after.storage)).toBe(before);

    // A second preview keeps the markers (same ids) and does not save a new version.
    const again = await client.post(PATH, { epic_key: DEMO_EPIC_KEY, dry_run: true });
    expect(again.status).toBe(200);
    expect(
      again.body.result.rows.filter((r: any) => r.action === 'create').map((r: any) => r.temp_id),
    ).toEqual(toCreate.map((r: any) => r.temp_id));
    expect(page(emu).version).toBe(2);
    expect(again.body.result.write_back.changed).toBe(false);
  });

  it('creates the stories under the epic with their acceptance criteria, links them in the table, and a re-sync duplicates nothing', async () => {
    const { emu, client } = await start();
    const original = page(emu).storage;
    const preview = await client.post(PATH, { epic_key: DEMO_EPIC_KEY });
    const tempIds = preview.body.result.rows
      .filter((r: any) => r.action === 'create')
      .map((r: any) => r.temp_id);
    const issuesBefore = issueCount(emu);

    const res = await client.post(PATH, { epic_key: DEMO_EPIC_KEY, dry_run: false });
    expect(res.status, res.text).toBe(200);
    const { result } = res.body;
    expect(result).toMatchObject({ dry_run: false, status: 'completed' });
    expect(result.counts).toEqual({ created: 2, updated: 0, skipped: 2, error: 0 });
    expect(issueCount(emu)).toBe(issuesBefore + 2);

    const confirmation = rowOf(res.body, 'Order confirmation e-mail');
    const address = rowOf(res.body, 'Address autocomplete');
    for (const row of [confirmation, address]) {
      expect(row).toMatchObject({ outcome: 'created', write_back: { status: 'written' } });
      expect(row.jira_url).toBe(`${emu.url}/browse/${row.jira_key}`);
      const issue = emu.state.issues.get(row.jira_key)!;
      expect(issue.parentKey).toBe('DEMO-1');
      expect(emu.state.issueTypes.find((t) => t.id === issue.issueTypeId)?.name).toBe('Story');
      expect(issue.summary).toBe(row.title);
    }
    const gwt = emu.state.issues.get(address.jira_key)!.description;
    expect(adfTypes(gwt)).toContain('bulletList');
    expect(adfText(gwt)).toMatch(/Acceptance criteria/i);
    expect(adfText(gwt)).toContain('the shopper types three characters of a street');
    expect(adfText(gwt)).toContain('up to five addresses are listed');
    expect(adfText(emu.state.issues.get(confirmation.jira_key)!.description)).toContain(
      'The e-mail is sent within a minute of payment',
    );
    expect(rowOf(res.body, 'Guest checkout')).toMatchObject({ outcome: 'skipped', jira_key: 'DEMO-2' });

    // Markers became links; every row now shows its ticket; nothing else on the page changed.
    const stored = page(emu).storage;
    expect(markers(stored)).toEqual([]);
    for (const id of tempIds) expect(stored).not.toContain(id);
    for (const key of ['DEMO-2', 'DEMO-3', confirmation.jira_key, address.jira_key]) {
      expect(stored).toContain(`<a href="${emu.url}/browse/${key}">${key}</a>`);
    }
    expect(withoutTicketColumn(stored)).toBe(original);

    // Re-sync: everything is linked now, so everything is skipped and nothing is written.
    const version = page(emu).version;
    const posts = issuePosts(emu).length;
    const again = await client.post(PATH, { epic_key: DEMO_EPIC_KEY, dry_run: false });
    expect(again.status).toBe(200);
    expect(again.body.result.counts).toEqual({ created: 0, updated: 0, skipped: 4, error: 0 });
    expect(issueCount(emu)).toBe(issuesBefore + 2);
    expect(issuePosts(emu).length).toBe(posts);
    expect(page(emu).version).toBe(version);
  });

  it('with existing_ticket_action "update" rewrites the description and criteria of the linked stories', async () => {
    const { emu, client } = await start();
    await client.post(PATH, { epic_key: DEMO_EPIC_KEY, dry_run: false });
    const issuesBefore = issueCount(emu);
    // The author rewrites the criteria of "Saved cards" in the PRD.
    const p = page(emu);
    p.storage = p.storage.replace('A saved card can be removed', 'A saved card can be removed or renamed');
    p.version += 1;

    const res = await client.post(PATH, {
      epic_key: DEMO_EPIC_KEY,
      dry_run: false,
      existing_ticket_action: 'update',
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.result.counts).toEqual({ created: 0, updated: 4, skipped: 0, error: 0 });
    expect(issueCount(emu)).toBe(issuesBefore);
    const saved = emu.state.issues.get('DEMO-3')!;
    expect(adfText(saved.description)).toContain('A saved card can be removed or renamed');
    expect(adfTypes(saved.description)).toContain('bulletList');
    // Already linked rows keep their links: the page is not saved again.
    expect(page(emu).version).toBe(p.version);
  });

  it('reports a row whose linked ticket cannot be updated as an error and still updates the others', async () => {
    const { emu, client } = await start();
    const p = page(emu);
    p.storage = p.storage
      .replace('<col /><col /><col /></colgroup>', '<col /><col /><col /><col /></colgroup>')
      .replace(
        '<strong>Acceptance Criteria</strong></p></th>',
        '<strong>Acceptance Criteria</strong></p></th><th><p>Jira</p></th>',
      )
      .replace(/<\/td><\/tr>/g, '</td><td><p></p></td></tr>')
      .replace(
        '<td><p></p></td></tr><tr><td><p>Saved cards',
        '<td><p>DEMO-99</p></td></tr><tr><td><p>Saved cards',
      );
    const res = await client.post(PATH, {
      epic_key: DEMO_EPIC_KEY,
      dry_run: false,
      existing_ticket_action: 'update',
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.result.status).toBe('partial');
    expect(rowOf(res.body, 'Guest checkout')).toMatchObject({ outcome: 'error', jira_key: 'DEMO-99' });
    expect(rowOf(res.body, 'Guest checkout').reason).toContain('DEMO-99');
    // The title match to DEMO-3 counts as an existing ticket: updated, and linked in the table.
    expect(rowOf(res.body, 'Saved cards')).toMatchObject({ outcome: 'updated', jira_key: 'DEMO-3' });
    expect(res.body.result.counts).toEqual({ created: 2, updated: 1, skipped: 0, error: 1 });
    expect(page(emu).storage).toContain('<td><p>DEMO-99</p></td>');
  });

  it('with existing_ticket_action "error" stops at the first existing ticket and creates nothing', async () => {
    const { emu, client } = await start();
    const before = page(emu).storage;
    const issuesBefore = issueCount(emu);
    const res = await client.post(PATH, {
      epic_key: DEMO_EPIC_KEY,
      dry_run: false,
      existing_ticket_action: 'error',
    });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('existing_tickets');
    expect(res.body.error.message).toContain('"Guest checkout" -> DEMO-2');
    expect(res.body.error.message).toContain('"Saved cards" -> DEMO-3');
    expect(issueCount(emu)).toBe(issuesBefore);
    expect(issuePosts(emu)).toHaveLength(0);
    expect(page(emu).storage).toBe(before);

    // The preview shows the same stop without writing markers.
    const preview = await client.post(PATH, { epic_key: DEMO_EPIC_KEY, existing_ticket_action: 'error' });
    expect(preview.body.result).toMatchObject({ status: 'halted', write_back: null });
    expect(preview.body.result.halt_reason).toContain('DEMO-2');
    expect(page(emu).storage).toBe(before);
  });

  it('explains a page without a story table and creates nothing', async () => {
    const { emu, client } = await start();
    addPage(emu, '2001', 'Notes', readFileSync(new URL('bad-no-story-table.xhtml', FIXTURES), 'utf8'));
    const res = await client.post(PATH, {
      epic_key: DEMO_EPIC_KEY,
      prd_url: `${emu.url}/wiki/spaces/DEMO/pages/2001/Notes`,
      dry_run: false,
    });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({
      code: 'no_story_table',
      details: { field: 'prd_url', page_id: '2001' },
    });
    expect(res.body.error.message).toContain('No story table found');
    expect(issuePosts(emu)).toHaveLength(0);
    expect(page(emu, '2001').version).toBe(1);
  });

  it('explains a story table without a title column', async () => {
    const { emu, client } = await start();
    addPage(emu, '2002', 'No titles', readFileSync(new URL('bad-no-title-column.xhtml', FIXTURES), 'utf8'));
    const res = await client.post(PATH, { prd_url: '2002' });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('no_title_column');
    expect(page(emu, '2002').version).toBe(1);
  });

  it('refuses to edit a page whose story table is not closed properly, and writes nothing', async () => {
    const { emu, client } = await start();
    addPage(emu, '2003', 'Flags', readFileSync(new URL('bad-truncated.xhtml', FIXTURES), 'utf8'));
    const res = await client.post(PATH, { epic_key: DEMO_EPIC_KEY, prd_url: '2003' });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('malformed_xhtml');
    expect(res.body.error.message).toContain('not closed properly');
    expect(page(emu, '2003').version).toBe(1);
    expect(issuePosts(emu)).toHaveLength(0);
  });

  it('refuses a malformed page reference, naming the field', async () => {
    const { client } = await start();
    const res = await client.post(PATH, { prd_url: 'see the PRD on the wiki', dry_run: false });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'invalid_prd_url', details: { field: 'prd_url' } });
    expect(res.body.error.message).toContain('Malformed Confluence page reference');

    const missing = await client.post(PATH, { dry_run: false });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details.field).toBe('prd_url');
  });

  it('names epic_key when the epic has no PRD URL, or does not exist', async () => {
    const seed = demoSeed();
    seed.issues!.push({ key: 'DEMO-9', projectKey: 'DEMO', issueType: 'Epic', summary: 'Loyalty points' });
    const { client } = await start({ seed });
    const res = await client.post(PATH, { epic_key: 'DEMO-9' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'prd_url_missing', details: { field: 'epic_key' } });
    expect(res.body.error.message).toContain('DEMO-9');

    const unknown = await client.post(PATH, { epic_key: 'DEMO-404' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({ code: 'epic_not_found', details: { field: 'epic_key' } });
  });

  it('needs an epic (or project) for a real run from a bare PRD URL, and previews without one', async () => {
    const { emu, client } = await start();
    const url = `${emu.url}/wiki/spaces/DEMO/pages/${DEMO_PRD_PAGE_ID}/Checkout+revamp+PRD`;
    const real = await client.post(PATH, { prd_url: url, dry_run: false });
    expect(real.status).toBe(400);
    expect(real.body.error).toMatchObject({ code: 'epic_key_required', details: { field: 'epic_key' } });
    expect(issuePosts(emu)).toHaveLength(0);

    const preview = await client.post(PATH, { prd_url: url });
    expect(preview.status).toBe(200);
    // No epic: nothing to match by title, so all four rows would be created.
    expect(preview.body.result.counts.create).toBe(4);
  });

  it('re-applies the links when a colleague saves the page during the write-back (409)', async () => {
    const { emu, client } = await start({
      faults: [
        {
          method: 'PUT',
          path: `/wiki/api/v2/pages/${DEMO_PRD_PAGE_ID}`,
          count: 1,
          fault: { type: 'latency', ms: 300 },
        },
      ],
    });
    const pending = client.post(PATH, { epic_key: DEMO_EPIC_KEY, dry_run: false });
    // While our PUT is held, the colleague's save lands first.
    await waitFor(async () => emu.state.requests.some((r) => r.method === 'PUT'));
    const p = page(emu);
    p.storage = p.storage.replace(
      '<p>Split payments and gift cards.</p>',
      '<p>Split payments, gift cards and vouchers.</p>',
    );
    p.version += 1;

    const res = await pending;
    expect(res.status, res.text).toBe(200);
    expect(res.body.result.write_back.rounds).toBe(2);
    expect(emu.state.requests.filter((r) => r.method === 'PUT' && r.status === 409)).toHaveLength(1);
    const stored = page(emu).storage;
    expect(stored).toContain('Split payments, gift cards and vouchers.');
    for (const r of res.body.result.rows) expect(stored).toContain(`>${r.jira_key}</a>`);
    expect(page(emu).version).toBe(3);
  });

  it('after a failure between creating the stories and writing the links, a re-run creates nothing twice', async () => {
    const { emu, client } = await start();
    await client.post(PATH, { epic_key: DEMO_EPIC_KEY }); // markers in the table
    emu.setFaults([
      {
        method: 'PUT',
        path: `/wiki/api/v2/pages/${DEMO_PRD_PAGE_ID}`,
        count: 1,
        fault: { type: 'status', status: 400 },
      },
    ]);
    const failed = await client.post(PATH, { epic_key: DEMO_EPIC_KEY, dry_run: false });
    expect(failed.status).toBe(400);
    const created = issueCount(emu);
    expect(markers(page(emu).storage)).toHaveLength(2);

    const res = await client.post(PATH, { epic_key: DEMO_EPIC_KEY, dry_run: false });
    expect(res.status, res.text).toBe(200);
    expect(issueCount(emu)).toBe(created);
    expect(res.body.result.counts).toMatchObject({ created: 2, error: 0 });
    for (const title of ['Order confirmation e-mail', 'Address autocomplete']) {
      expect(rowOf(res.body, title)).toMatchObject({
        outcome: 'created',
        already_existed: true,
        matched_by: 'earlier_run',
      });
    }
    expect(markers(page(emu).storage)).toEqual([]);
  });

  it('runs in the background with async_mode, and a job retried after the write-back failed creates nothing twice', async () => {
    const { emu, client } = await start({
      // Confluence is down for every attempt of the job's first run (the client retries 5 times).
      faults: [
        {
          method: 'PUT',
          path: `/wiki/api/v2/pages/${DEMO_PRD_PAGE_ID}`,
          count: 5,
          fault: { type: 'status', status: 503, retryAfter: 0 },
        },
      ],
    });
    const issuesBefore = issueCount(emu);
    const queued = await client.post(PATH, { epic_key: DEMO_EPIC_KEY, dry_run: false, async_mode: true });
    expect(queued.status, queued.text).toBe(202);
    const done = await waitFor(async () => {
      const r = await client.get(`/jobs/${queued.body.job_id}`);
      return ['completed', 'failed'].includes(r.body?.status) ? r.body : undefined;
    }, 40_000);
    expect(done.status, done.error).toBe('completed');
    expect(done.attempts_made).toBeGreaterThanOrEqual(1);
    expect(done.progress).toMatchObject({ stage: 'done', percent: 100 });
    expect(done.result.counts).toEqual({ created: 2, updated: 0, skipped: 2, error: 0 });
    expect(issueCount(emu)).toBe(issuesBefore + 2);
    const keys = done.result.rows.map((r: any) => r.jira_key);
    for (const key of keys) expect(page(emu).storage).toContain(`>${key}</a>`);
    // Both runs created through the same row keys: the second found the issues of the first.
    expect(done.result.rows.filter((r: any) => r.already_existed)).toHaveLength(2);
  }, 60_000);
});

describe('prd_story_sync processor', () => {
  it('reports its stages: resolving, fetching, parsing, planning, creating n/m, writing back, done', async () => {
    emu = await startEmulator({ seed: demoSeed() });
    const clients = clientsFor(emu);
    const stages: { stage: string; percent: number; detail?: Record<string, unknown> }[] = [];
    const ctx = {
      jobId: 'j1',
      attempt: 1,
      signal: new AbortController().signal,
      services: { env: testEnv({ JIRA_SERVER_URL: emu.url }), atlassian: () => clients },
      credentials: undefined,
      progress: async (stage: string, percent: number, detail?: Record<string, unknown>) => {
        stages.push({ stage, percent, ...(detail ? { detail } : {}) });
      },
    } as unknown as JobContext;
    const input = PrdSyncRequest.parse({ epic_key: DEMO_EPIC_KEY, dry_run: false });
    const result = await prdStorySyncProcessor(input, ctx);
    expect(result.counts).toEqual({ created: 2, updated: 0, skipped: 2, error: 0 });
    expect([...new Set(stages.map((s) => s.stage))]).toEqual([
      'resolving PRD',
      'fetching page',
      'parsing',
      'planning',
      'creating stories',
      'writing back',
      'done',
    ]);
    const creating = stages.filter((s) => s.stage === 'creating stories').map((s) => s.detail);
    expect(creating).toEqual([
      { done: 0, total: 2 },
      { done: 2, total: 2 },
    ]);
    const percents = stages.map((s) => s.percent);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
  });
});
