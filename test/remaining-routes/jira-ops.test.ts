/**
 * Direct Jira operations end to end: runner (API, real Redis) against the emulator. Each route in a dry
 * run (nothing written) and for real, idempotent re-runs, per-item results of bulk calls, and the link
 * written into the epic's PRD table after a story create or update.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_EPIC_KEY, DEMO_PRD_PAGE_ID } from '../emulator/index.js';
import { adfText, issuePosts, issuePuts, pagePuts, READY_STORY, type Started, start } from './setup.js';

let s: Started | undefined;
afterEach(async () => {
  await s?.stop();
  s = undefined;
});

const go = async () => {
  s = await start();
  return s;
};
const link = (emu: Started['emu'], key: string) => `<a href="${emu.url}/browse/${key}">${key}</a>`;
const prd = (emu: Started['emu']) => emu.state.pages.get(DEMO_PRD_PAGE_ID)!;

describe('POST /jira/create-ticket', () => {
  const body = {
    project_key: 'DEMO',
    issue_type: 'Task',
    summary: 'Add rate limiting to the payments API',
    description: 'Protect the payments API from bursts.',
    acceptance_criteria: ['More than 100 requests per minute from one client get 429'],
    test_cases: [
      {
        title: 'Burst over the limit is refused',
        type: 'integration',
        steps: ['Send 101 requests within a minute'],
        expected_result: 'The 101st answer is 429 with Retry-After',
      },
    ],
    labels: ['payments'],
    estimate_days: 1.5,
  };

  it('previews by default: the ADF it would write, and nothing in Jira', async () => {
    const { emu, client } = await go();
    const before = emu.state.issues.size;
    const res = await client.post('/jira/create-ticket', body);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({
      dry_run: true,
      action: 'would_create',
      key: null,
      issue: { project_key: 'DEMO', issue_type: 'Task', original_estimate: '1d 4h', labels: ['payments'] },
    });
    expect(res.body.description_adf.type).toBe('doc');
    const text = adfText(res.body.description_adf);
    expect(text).toContain('Acceptance criteria');
    expect(text).toContain('Burst over the limit is refused');
    expect(emu.state.issues.size).toBe(before);
    expect(issuePosts(emu)).toHaveLength(0);
  });

  it('creates the ticket with an ADF description once; the same call again finds it', async () => {
    const { emu, client } = await go();
    const res = await client.post('/jira/create-ticket', { ...body, dry_run: false });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ dry_run: false, action: 'created' });
    const issue = emu.state.issues.get(res.body.key)!;
    expect(issue.summary).toBe(body.summary);
    expect((issue.description as any).type).toBe('doc');
    const types = JSON.stringify(issue.description);
    expect(types).toContain('"heading"');
    expect(types).toContain('"bulletList"');
    expect(adfText(issue.description)).toContain('The 101st answer is 429 with Retry-After');
    expect(issue.originalEstimateSeconds).toBe(12 * 3600);
    expect(issue.labels).toContain('payments');
    expect(res.body.url).toBe(`${emu.url}/browse/${res.body.key}`);

    const size = emu.state.issues.size;
    const again = await client.post('/jira/create-ticket', { ...body, dry_run: false });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ action: 'existing', key: res.body.key });
    expect(emu.state.issues.size).toBe(size);
    const preview = await client.post('/jira/create-ticket', body);
    expect(preview.body).toMatchObject({ action: 'would_reuse', key: res.body.key });
  });

  it('names the field in 400s and 404s', async () => {
    const { client } = await go();
    const noProject = await client.post('/jira/create-ticket', { summary: 'x' });
    expect(noProject.status).toBe(400);
    expect(noProject.body.error.details.field).toBe('project_key');
    const twoLines = await client.post('/jira/create-ticket', { project_key: 'DEMO', summary: 'a\nb' });
    expect(twoLines.status).toBe(400);
    expect(twoLines.body.error.details.field).toBe('summary');
    const badParent = await client.post('/jira/create-ticket', { parent_key: 'DEMO-999', summary: 'Child' });
    expect(badParent.status).toBe(404);
    expect(badParent.body.error.details.field).toBe('parent_key');
  });
});

describe('POST /jira/update-ticket', () => {
  it('replaces only the given section, keeps the rest, previews first, and a repeat changes nothing', async () => {
    const { emu, client } = await go();
    const original = JSON.stringify(emu.state.issues.get(READY_STORY)!.description);
    const patch = {
      ticket_key: READY_STORY,
      acceptance_criteria: ['A customer can download an issued invoice as a PDF within 2 seconds'],
      labels: ['billing'],
    };
    const preview = await client.post('/jira/update-ticket', patch);
    expect(preview.status, preview.text).toBe(200);
    expect(preview.body).toMatchObject({ dry_run: true, action: 'would_update' });
    expect(preview.body.changes).toEqual(['description', 'labels']);
    expect(preview.body.description_markdown).toContain('within 2 seconds');
    expect(JSON.stringify(emu.state.issues.get(READY_STORY)!.description)).toBe(original);
    expect(issuePuts(emu)).toHaveLength(0);

    const res = await client.post('/jira/update-ticket', { ...patch, dry_run: false });
    expect(res.body).toMatchObject({ dry_run: false, action: 'updated' });
    const issue = emu.state.issues.get(READY_STORY)!;
    const text = adfText(issue.description);
    expect(text).toContain('within 2 seconds');
    expect(text).not.toContain('A draft invoice cannot be downloaded');
    // The prose above the criteria is untouched.
    expect(text).toContain('As a customer, I want to download an issued invoice as a PDF');
    expect(issue.labels).toContain('billing');

    const puts = issuePuts(emu).length;
    const again = await client.post('/jira/update-ticket', { ...patch, dry_run: false });
    expect(again.body).toMatchObject({ action: 'unchanged', changes: [] });
    expect(issuePuts(emu)).toHaveLength(puts);
  });

  it('appends test cases with description_mode append, and refuses an empty update', async () => {
    const { emu, client } = await go();
    const res = await client.post('/jira/update-ticket', {
      ticket_key: READY_STORY,
      description_mode: 'append',
      test_cases: [{ title: 'Draft invoice download is refused', expected_result: '409 Conflict' }],
      dry_run: false,
    });
    expect(res.status, res.text).toBe(200);
    const text = adfText(emu.state.issues.get(READY_STORY)!.description);
    expect(text).toContain('A draft invoice cannot be downloaded');
    expect(text).toContain('Draft invoice download is refused');

    const empty = await client.post('/jira/update-ticket', { ticket_key: READY_STORY });
    expect(empty.status).toBe(400);
    expect(empty.body.error.details.field).toBe('body');
    const missing = await client.post('/jira/update-ticket', { ticket_key: 'DEMO-404', summary: 'x' });
    expect(missing.status).toBe(404);
    expect(missing.body.error.details.field).toBe('ticket_key');
  });
});

describe('POST /jira/create-story-ticket and /jira/update-story-ticket', () => {
  it('creates a story under the epic and links it in the PRD row of the same title, once', async () => {
    const { emu, client } = await go();
    const body = {
      epic_key: DEMO_EPIC_KEY,
      title: 'Order confirmation e-mail',
      description: 'Shoppers receive an e-mail with the order summary.',
      acceptance_criteria: ['The e-mail is sent within a minute of payment'],
      story_points: 3,
    };
    const preview = await client.post('/jira/create-story-ticket', body);
    expect(preview.status, preview.text).toBe(200);
    expect(preview.body).toMatchObject({ action: 'would_create', prd: { status: 'would_write' } });
    expect(pagePuts(emu)).toHaveLength(0);

    const res = await client.post('/jira/create-story-ticket', { ...body, dry_run: false });
    expect(res.status, res.text).toBe(201);
    const key = res.body.key;
    const issue = emu.state.issues.get(key)!;
    expect(issue.parentKey).toBe(DEMO_EPIC_KEY);
    expect(emu.state.issueTypes.find((t) => t.id === issue.issueTypeId)?.name).toBe('Story');
    expect(adfText(issue.description)).toContain('The e-mail is sent within a minute of payment');
    expect(res.body.prd).toMatchObject({ status: 'written', page_id: DEMO_PRD_PAGE_ID });
    expect(prd(emu).storage).toContain(link(emu, key));

    const version = prd(emu).version;
    const again = await client.post('/jira/create-story-ticket', { ...body, dry_run: false });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ action: 'existing', key, prd: { status: 'unchanged' } });
    expect(prd(emu).version).toBe(version);
  });

  it('writes the link of an updated story into its PRD row (found by title)', async () => {
    const { emu, client } = await go();
    expect(prd(emu).storage).not.toContain(link(emu, 'DEMO-2'));
    const res = await client.post('/jira/update-story-ticket', {
      story_key: 'DEMO-2',
      acceptance_criteria: [
        'Given a cart with an item, when the shopper continues as guest, then the payment step opens',
      ],
      dry_run: false,
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ action: 'updated', prd: { status: 'written' } });
    expect(prd(emu).storage).toContain(link(emu, 'DEMO-2'));
    expect(adfText(emu.state.issues.get('DEMO-2')!.description)).toContain('the payment step opens');
  });

  it('reports a story without a PRD, and 404s naming epic_key and story_key', async () => {
    const { emu, client } = await go();
    emu.state.issues.get(DEMO_EPIC_KEY)!.custom = {};
    const res = await client.post('/jira/create-story-ticket', {
      epic_key: DEMO_EPIC_KEY,
      title: 'Gift cards',
      dry_run: false,
    });
    expect(res.status).toBe(201);
    expect(res.body.prd).toMatchObject({ status: 'no_prd' });
    const noEpic = await client.post('/jira/create-story-ticket', { epic_key: 'DEMO-404', title: 'x' });
    expect(noEpic.status).toBe(404);
    expect(noEpic.body.error.details.field).toBe('epic_key');
    const noStory = await client.post('/jira/update-story-ticket', { story_key: 'DEMO-404', title: 'x' });
    expect(noStory.status).toBe(404);
    expect(noStory.body.error.details.field).toBe('story_key');
    const noTitle = await client.post('/jira/create-story-ticket', { epic_key: DEMO_EPIC_KEY });
    expect(noTitle.status).toBe(400);
    expect(noTitle.body.error.details.field).toBe('title');
  });
});

describe('bulk story operations', () => {
  it('creates many stories, reusing existing ones, reporting each, with one PRD update', async () => {
    const { emu, client } = await go();
    const stories = [
      { title: 'Order confirmation e-mail', acceptance_criteria: ['The e-mail lists every item'] },
      { title: 'Address autocomplete', description: 'Suggest addresses while typing.' },
      { title: 'Guest checkout' },
    ];
    const preview = await client.post('/jira/bulk-create-stories', { epic_key: DEMO_EPIC_KEY, stories });
    expect(preview.status, preview.text).toBe(200);
    expect(preview.body.items.map((i: any) => i.action)).toEqual([
      'would_create',
      'would_create',
      'would_reuse',
    ]);
    expect(issuePosts(emu)).toHaveLength(0);

    const pageWrites = pagePuts(emu).length;
    const res = await client.post('/jira/bulk-create-stories', {
      epic_key: DEMO_EPIC_KEY,
      stories,
      dry_run: false,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'completed', counts: { created: 2, existing: 1, error: 0 } });
    expect(res.body.items[2]).toMatchObject({ action: 'existing', key: 'DEMO-2' });
    expect(pagePuts(emu).length).toBe(pageWrites + 1);
    for (const item of res.body.items) expect(prd(emu).storage).toContain(link(emu, item.key));

    const size = emu.state.issues.size;
    const again = await client.post('/jira/bulk-create-stories', {
      epic_key: DEMO_EPIC_KEY,
      stories,
      dry_run: false,
    });
    expect(again.body.counts).toEqual({ existing: 3, error: 0 });
    expect(emu.state.issues.size).toBe(size);
  });

  it('reports the story Jira refuses without failing the others (partial)', async () => {
    const { emu, client } = await go();
    // Jira refuses the bulk request because of one element, then that element alone.
    emu.setFaults([
      { method: 'POST', path: '/rest/api/3/issue/bulk', count: 1, fault: { type: 'status', status: 400 } },
      {
        method: 'POST',
        path: '/rest/api/3/issue',
        count: 1,
        fault: {
          type: 'status',
          status: 400,
          body: { errorMessages: [], errors: { summary: 'A validator refused this summary.' } },
        },
      },
    ]);
    const res = await client.post('/jira/bulk-create-stories', {
      epic_key: DEMO_EPIC_KEY,
      dry_run: false,
      stories: [
        { title: 'Refused story' },
        { title: 'Order confirmation e-mail' },
        { title: 'Address autocomplete' },
      ],
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ status: 'partial', counts: { created: 2, error: 1 } });
    expect(res.body.items[0]).toMatchObject({
      status: 'error',
      error: { code: 'jira_refused', field: 'stories[0]' },
    });
    expect(res.body.items[0].error.message).toContain('A validator refused this summary.');
    const created = res.body.items.slice(1).map((i: any) => i.key);
    for (const key of created) expect(emu.state.issues.get(key)!.parentKey).toBe(DEMO_EPIC_KEY);
    // Only the stories that exist are linked in the PRD.
    expect(res.body.prd).toEqual([expect.objectContaining({ status: 'written' })]);
    for (const key of created) expect(prd(emu).storage).toContain(link(emu, key));
  });

  it('creates a story without the points a project has no field for, says so, and refuses duplicates in one request', async () => {
    const { emu, client } = await go();
    emu.state.fields = emu.state.fields.filter((f) => !/story point/i.test(f.name));
    const res = await client.post('/jira/bulk-create-stories', {
      epic_key: DEMO_EPIC_KEY,
      dry_run: false,
      stories: [{ title: 'Loyalty points', story_points: 5 }, { title: 'Loyalty  Points!' }],
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.status).toBe('partial');
    expect(res.body.items[0]).toMatchObject({ status: 'ok', action: 'created' });
    expect(res.body.items[0].warning).toMatch(/without story points/);
    expect(res.body.items[1]).toMatchObject({
      status: 'error',
      error: { code: 'duplicate_in_request', field: 'stories[1].title' },
    });
  });

  it('updates many stories, each on its own, and links them in the PRD', async () => {
    const { emu, client } = await go();
    const res = await client.post('/jira/bulk-update-stories', {
      dry_run: false,
      stories: [
        { story_key: 'DEMO-2', description: 'Pay without an account.' },
        { story_key: 'DEMO-404', description: 'Nobody' },
        { story_key: 'DEMO-3', acceptance_criteria: ['A saved card can be removed'] },
      ],
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.status).toBe('partial');
    expect(res.body.items[1]).toMatchObject({
      status: 'error',
      error: { status: 404, field: 'stories[1].story_key' },
    });
    expect(res.body.items[0]).toMatchObject({ status: 'ok', action: 'updated', prd: { status: 'written' } });
    expect(res.body.prd).toEqual([expect.objectContaining({ epic_key: DEMO_EPIC_KEY, status: 'written' })]);
    expect(prd(emu).storage).toContain(link(emu, 'DEMO-2'));
    expect(prd(emu).storage).toContain(link(emu, 'DEMO-3'));
    expect(adfText(emu.state.issues.get('DEMO-2')!.description)).toContain('Pay without an account.');
  });
});

describe('POST /jira/bulk-create-tasks', () => {
  const tasks = [
    {
      summary: 'Expose GET /cards',
      team: 'backend',
      estimate_days: 2,
      acceptance_criteria: ['A saved card can be removed'],
    },
    {
      summary: 'Card picker component',
      team: 'frontend',
      depends_on: ['Expose GET /cards'],
      test_cases: [{ title: 'Picker lists saved cards', expected_result: 'Last four digits are shown' }],
    },
    { summary: 'Test saved cards end to end', team: 'qa', depends_on: [0, 1] },
  ];

  it('previews, then creates sub-tasks under the story with Blocks links (blocker inward), once', async () => {
    const { emu, client } = await go();
    const preview = await client.post('/jira/bulk-create-tasks', { story_key: 'DEMO-3', tasks });
    expect(preview.status, preview.text).toBe(200);
    expect(preview.body.items.map((i: any) => i.action)).toEqual([
      'would_create',
      'would_create',
      'would_create',
    ]);
    expect(preview.body.links).toHaveLength(3);
    expect(issuePosts(emu)).toHaveLength(0);

    const linksBefore = emu.state.links.length;
    const res = await client.post('/jira/bulk-create-tasks', { story_key: 'DEMO-3', tasks, dry_run: false });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ status: 'completed', counts: { created: 3, error: 0 } });
    const [be, fe, qa] = res.body.items.map((i: any) => i.key);
    for (const key of [be, fe, qa]) expect(emu.state.issues.get(key)!.parentKey).toBe('DEMO-3');
    expect(emu.state.issues.get(fe)!.labels).toContain('team:frontend');
    expect(adfText(emu.state.issues.get(fe)!.description)).toContain('Picker lists saved cards');
    const blocks = emu.state.links.slice(linksBefore).map((l) => `${l.inward}>${l.outward}`);
    expect(blocks.sort()).toEqual([`${be}>${fe}`, `${be}>${qa}`, `${fe}>${qa}`].sort());

    const again = await client.post('/jira/bulk-create-tasks', {
      story_key: 'DEMO-3',
      tasks,
      dry_run: false,
    });
    expect(again.body.counts).toMatchObject({ existing: 3 });
    expect(again.body.links.every((l: any) => l.status === 'exists')).toBe(true);
    expect(emu.state.links.length).toBe(linksBefore + 3);
  });

  it('fails only the tasks of an unknown story or with a dependency that names no task', async () => {
    const { client } = await go();
    const res = await client.post('/jira/bulk-create-tasks', {
      dry_run: false,
      tasks: [
        { story_key: 'DEMO-3', summary: 'Vault integration', team: 'backend' },
        { story_key: 'DEMO-404', summary: 'Nowhere', team: 'backend' },
        { story_key: 'DEMO-3', summary: 'Dangling', team: 'frontend', depends_on: ['No such task'] },
      ],
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.status).toBe('partial');
    expect(res.body.items[0]).toMatchObject({ status: 'ok', action: 'created' });
    expect(res.body.items[1]).toMatchObject({
      status: 'error',
      error: { status: 404, field: 'tasks[1].story_key' },
    });
    expect(res.body.items[2]).toMatchObject({
      status: 'error',
      error: { code: 'unknown_dependency', field: 'tasks[2].depends_on[0]' },
    });
    const noStory = await client.post('/jira/bulk-create-tasks', { tasks: [{ summary: 'x', team: 'qa' }] });
    expect(noStory.status).toBe(400);
    expect(noStory.body.error.details.field).toBe('tasks.0.story_key');
  });
});
