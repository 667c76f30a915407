/**
 * Contract suite: every JiraClient method through jira.js against the emulator, once per way of
 * authenticating (Basic at the site, Bearer at a Forge apiBaseUrl, Bearer through the gateway form).
 */
import { AgileClient } from 'jira.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SiteLimiters } from '../../runner/src/adapters/http/site-limiter.js';
import { createJiraClient } from '../../runner/src/adapters/jira/jira-client.js';
import type { JiraClient } from '../../runner/src/adapters/jira/jira-types.js';
import {
  DEMO_EPIC_KEY,
  DEMO_PRD_PAGE_ID,
  demoSeed,
  type Emulator,
  startEmulator,
} from '../emulator/index.js';
import { authFor, clientsFor, FAST_RETRY, type Who } from './helpers.js';

const story = (summary: string, extra: Record<string, unknown> = {}) => ({
  projectKey: 'DEMO',
  issueType: 'Story',
  summary,
  parentKey: DEMO_EPIC_KEY,
  ...extra,
});

describe.each<Who>(['basic', 'forge', 'gateway'])('JiraClient contract (%s auth)', (who) => {
  let emu: Emulator;
  let jira: JiraClient;

  beforeEach(async () => {
    emu = await startEmulator({ seed: demoSeed() });
    jira = clientsFor(emu, who).jira;
  });
  afterEach(async () => {
    await emu.close();
  });

  const requests = (method: string, path: string | RegExp) =>
    emu.state.requests.filter(
      (r) => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path)),
    );

  it('reads an issue with its custom fields resolved by display name', async () => {
    const epic = await jira.getIssue(DEMO_EPIC_KEY);
    expect(epic).toMatchObject({
      key: 'DEMO-1',
      issueType: 'Epic',
      projectKey: 'DEMO',
      status: 'To Do',
      statusCategory: 'new',
    });
    expect(epic.prdUrl).toBe(`${emu.url}/wiki/spaces/DEMO/pages/${DEMO_PRD_PAGE_ID}/Checkout+revamp+PRD`);
    expect(epic.rfcUrl).toContain('/pages/1002/');
    expect(epic.descriptionText).toContain('guest checkout');

    const saved = await jira.getIssue('DEMO-3');
    expect(saved).toMatchObject({
      storyPoints: 8,
      originalEstimateSeconds: 5 * 8 * 3600,
      parentKey: 'DEMO-1',
      labels: ['backend'],
    });
    expect(saved.blocks).toEqual([{ id: expect.any(String), blocker: 'DEMO-4', blocked: 'DEMO-3' }]);
    expect((await jira.getIssue('DEMO-4')).sprintIds).toEqual([1]);
    // The field list is fetched once per client, however many issues are read.
    expect(requests('GET', '/rest/api/3/field')).toHaveLength(1);
  });

  it('asks Jira only for the fields it maps (plus the ones requested)', async () => {
    await jira.getIssue('DEMO-2', { fields: ['Story Points'] });
    const raw = await jira.getIssue('DEMO-2');
    expect(Object.keys(raw.fields)).toContain('customfield_10016');
    expect(Object.keys(raw.fields)).not.toContain('customfield_99999');
  });

  it('follows nextPageToken to the end of a JQL search', async () => {
    await jira.createIssues(Array.from({ length: 23 }, (_, i) => story(`Paged ${i}`, { labels: ['paged'] })));
    const before = requests('POST', '/rest/api/3/search/jql').length;
    const found = await jira.searchJql('labels = paged ORDER BY key ASC', { pageSize: 10 });
    expect(found.map((i) => i.summary)).toEqual(Array.from({ length: 23 }, (_, i) => `Paged ${i}`));
    expect(requests('POST', '/rest/api/3/search/jql').length - before).toBe(3);
    expect(await jira.searchJql('labels = paged', { pageSize: 10, limit: 12 })).toHaveLength(12);
  });

  it('lists the children of an epic through parent', async () => {
    const children = await jira.getEpicChildren(DEMO_EPIC_KEY);
    expect(children.map((c) => c.key)).toEqual(['DEMO-2', 'DEMO-3', 'DEMO-4']);
  });

  it('creates an issue with a markdown description stored as ADF and custom fields set', async () => {
    const created = await jira.createIssue(
      story('Address autocomplete', {
        description: '## Why\n\nFewer typos.\n\n- suggest after 3 characters',
        storyPoints: 3,
        originalEstimate: '2d 4h',
        prdUrl: 'https://acme.example/wiki/spaces/X/pages/1',
        labels: ['frontend'],
      }),
    );
    const stored = emu.state.issues.get(created.key)!;
    expect((stored.description as { content: { type: string }[] }).content.map((n) => n.type)).toEqual([
      'heading',
      'paragraph',
      'bulletList',
    ]);
    const back = await jira.getIssue(created.key);
    expect(back).toMatchObject({
      summary: 'Address autocomplete',
      storyPoints: 3,
      originalEstimateSeconds: 20 * 3600,
      prdUrl: 'https://acme.example/wiki/spaces/X/pages/1',
      parentKey: 'DEMO-1',
      labels: ['frontend'],
    });
  });

  it('creates in bulk, 50 per request, keeping the input order', async () => {
    const before = requests('POST', '/rest/api/3/issue/bulk').length;
    const created = await jira.createIssues(Array.from({ length: 120 }, (_, i) => story(`Bulk ${i}`)));
    expect(created).toHaveLength(120);
    expect(requests('POST', '/rest/api/3/issue/bulk').length - before).toBe(3);
    expect(created.map((c) => emu.state.issues.get(c.key)?.summary)).toEqual(
      created.map((_, i) => `Bulk ${i}`),
    );
  });

  it('reports which elements of a bulk create Jira rejected', async () => {
    const err = await jira
      .createIssues([story('Fine'), { ...story('Bad'), extraFields: { customfield_10016: 'not a number' } }])
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'bad_request', status: 400 });
    expect((err as Error).message).toContain('issue 2 "Bad"');
    expect((err as Error).message).toContain('must be a number');
    expect([...emu.state.issues.values()].filter((i) => i.summary === 'Fine')).toHaveLength(1);
  });

  it('updates fields, description and labels', async () => {
    await jira.updateIssue('DEMO-2', {
      summary: 'Guest checkout v2',
      description: 'New **text**',
      storyPoints: 13,
      addLabels: ['prd-sync'],
      removeLabels: ['frontend'],
    });
    const after = await jira.getIssue('DEMO-2');
    expect(after).toMatchObject({ summary: 'Guest checkout v2', storyPoints: 13, labels: ['prd-sync'] });
    expect(after.descriptionText).toBe('New text');
  });

  it('creates Blocks links with the blocker as inwardIssue and reads them from both sides', async () => {
    await jira.linkBlocks('DEMO-2', 'DEMO-3');
    const stored = emu.state.links.at(-1)!;
    expect(stored).toMatchObject({ inward: 'DEMO-2', outward: 'DEMO-3' });
    const fromBlocked = await jira.getBlocksLinks('DEMO-3');
    expect(fromBlocked.map((l) => [l.blocker, l.blocked])).toEqual([
      ['DEMO-4', 'DEMO-3'],
      ['DEMO-2', 'DEMO-3'],
    ]);
    const fromBlocker = await jira.getBlocksLinks('DEMO-2');
    expect(fromBlocker.map((l) => [l.blocker, l.blocked])).toEqual([['DEMO-2', 'DEMO-3']]);
  });

  it('links once, and deletes links idempotently', async () => {
    expect(await jira.linkOnce('DEMO-2', 'DEMO-3')).toEqual({ created: true });
    expect(await jira.linkOnce('DEMO-2', 'DEMO-3')).toEqual({ created: false });
    expect(emu.state.links.filter((l) => l.inward === 'DEMO-2' && l.outward === 'DEMO-3')).toHaveLength(1);
    const link = (await jira.getBlocksLinks('DEMO-2'))[0]!;
    await jira.deleteLink(link.id);
    await jira.deleteLink(link.id);
    expect(await jira.getBlocksLinks('DEMO-2')).toEqual([]);
  });

  it('creates an issue once per idempotency key, and finds it by that key', async () => {
    const first = await jira.createIssueOnce(story('Once'), 'job-7:story:once');
    const again = await jira.createIssueOnce(story('Once (retry)'), 'job-7:story:once');
    expect(first.created).toBe(true);
    expect(again).toEqual({ id: first.id, key: first.key, created: false });
    expect(await jira.findByIdempotencyKey('job-7:story:once')).toEqual({ id: first.id, key: first.key });
    expect(await jira.findByIdempotencyKey('job-7:story:other')).toBeNull();
    expect(emu.state.issues.get(first.key)!.properties['augment.idempotency']).toEqual({
      key: 'job-7:story:once',
    });
  });

  it('creates in bulk once per key, creating only what is missing', async () => {
    const pre = await jira.createIssueOnce(story('B'), 'bulk:b');
    const items = ['a', 'b', 'c'].map((k) => ({
      input: story(k.toUpperCase()),
      idempotencyKey: `bulk:${k}`,
    }));
    const res = await jira.createIssuesOnce(items);
    expect(res.map((r) => r.created)).toEqual([true, false, true]);
    expect(res[1]!.key).toBe(pre.key);
    const again = await jira.createIssuesOnce(items);
    expect(again.map((r) => r.key)).toEqual(res.map((r) => r.key));
    expect(again.every((r) => !r.created)).toBe(true);
  });

  it('adds comments, once per idempotency key when one is given', async () => {
    const a = await jira.addComment('DEMO-2', 'Planned by **Augment**', { idempotencyKey: 'job-1:comment' });
    const b = await jira.addComment('DEMO-2', 'Planned by **Augment**', { idempotencyKey: 'job-1:comment' });
    const c = await jira.addComment('DEMO-2', 'plain');
    expect(a.created).toBe(true);
    expect(b).toEqual({ id: a.id, created: false });
    expect(c.created).toBe(true);
    expect(emu.state.issues.get('DEMO-2')!.comments).toHaveLength(2);
  });

  it('reads and writes issue properties; a missing property is null', async () => {
    expect(await jira.getIssueProperty('DEMO-2', 'augment.plan')).toBeNull();
    await jira.setIssueProperty('DEMO-2', 'augment.plan', { version: 2, stories: ['a'] });
    expect(await jira.getIssueProperty('DEMO-2', 'augment.plan')).toEqual({ version: 2, stories: ['a'] });
    await expect(jira.getIssueProperty('DEMO-999', 'augment.plan')).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('lists boards and their sprints, filtered by project and state', async () => {
    expect(await jira.getBoards({ projectKey: 'DEMO' })).toEqual([
      { id: 1, name: 'DEMO board', type: 'scrum', projectKey: 'DEMO' },
    ]);
    expect(await jira.getBoards({ projectKey: 'NOPE' })).toEqual([]);
    const all = await jira.getBoardSprints(1);
    expect(all.map((s) => [s.name, s.state])).toEqual([
      ['DEMO Sprint 1', 'active'],
      ['DEMO Sprint 2', 'future'],
    ]);
    expect((await jira.getBoardSprints(1, { states: ['future'] })).map((s) => s.id)).toEqual([2]);
  });

  it('pages through many sprints', async () => {
    for (let i = 0; i < 60; i++) await jira.createSprint({ boardId: 1, name: `S${i}` });
    expect(await jira.getBoardSprints(1)).toHaveLength(62);
  });

  it('creates, reads, updates and starts a sprint; creating by name is idempotent', async () => {
    const s = await jira.createSprint({ boardId: 1, name: 'DEMO Sprint 3', goal: 'Cards' });
    expect(s).toMatchObject({ name: 'DEMO Sprint 3', state: 'future', boardId: 1, goal: 'Cards' });
    expect(await jira.getSprint(s.id)).toEqual(s);
    const once = await jira.createSprintOnce({ boardId: 1, name: 'DEMO Sprint 3' });
    expect(once).toMatchObject({ id: s.id, created: false });
    const renamed = await jira.updateSprint(s.id, {
      name: 'DEMO Sprint 3b',
      startDate: '2026-02-02T09:00:00.000Z',
      endDate: '2026-02-16T17:00:00.000Z',
    });
    expect(renamed).toMatchObject({ name: 'DEMO Sprint 3b', startDate: '2026-02-02T09:00:00.000Z' });
    await jira.updateSprint(1, { state: 'closed' });
    expect((await jira.updateSprint(s.id, { state: 'active' })).state).toBe('active');
  });

  it('moves issues into a sprint 50 at a time, lists them, and moves them back to the backlog', async () => {
    const created = await jira.createIssues(Array.from({ length: 120 }, (_, i) => story(`Move ${i}`)));
    const keys = created.map((c) => c.key);
    const before = requests('POST', '/rest/agile/1.0/sprint/2/issue').length;
    await jira.moveIssuesToSprint(2, keys);
    expect(requests('POST', '/rest/agile/1.0/sprint/2/issue').length - before).toBe(3);
    const inSprint = await jira.getSprintIssues(2);
    expect(inSprint.map((i) => i.key)).toEqual(keys);
    expect(inSprint[0]!.sprintIds).toEqual([2]);
    // Moving to another sprint leaves the first one.
    await jira.moveIssuesToSprint(1, keys.slice(0, 5));
    expect((await jira.getSprintIssues(2)).length).toBe(115);
    await jira.moveIssuesToBacklog(keys);
    expect(await jira.getSprintIssues(2)).toEqual([]);
    expect(await jira.getSprintIssues(1)).toHaveLength(1);
  });

  it('keeps sub-tasks in their parent sprint: they move with it and cannot move on their own', async () => {
    const { key: parent } = await jira.createIssue(story('Parent story'));
    const { key: early } = await jira.createIssue({
      projectKey: 'DEMO',
      issueType: 'Sub-task',
      summary: 'Early sub-task',
      parentKey: parent,
    });
    await jira.moveIssuesToSprint(2, [parent]);
    const { key: late } = await jira.createIssue({
      projectKey: 'DEMO',
      issueType: 'Sub-task',
      summary: 'Late sub-task',
      parentKey: parent,
    });
    for (const key of [parent, early, late]) expect((await jira.getIssue(key)).sprintIds).toEqual([2]);
    await expect(jira.moveIssuesToSprint(1, [early])).rejects.toMatchObject({ status: 400 });
    expect((await jira.getIssue(early)).sprintIds).toEqual([2]);
    await jira.moveIssuesToBacklog([parent]);
    expect((await jira.getIssue(late)).sprintIds).toEqual([]);
  });
});

describe('JiraClient field configuration', () => {
  let emu: Emulator;
  afterEach(async () => {
    await emu.close();
  });

  it('resolves renamed fields, the team-managed story points name, and rich-text URL fields', async () => {
    emu = await startEmulator({
      seed: {
        customFields: [
          { id: 'customfield_10016', name: 'Story point estimate', kind: 'number' },
          { id: 'customfield_10050', name: 'Product Doc', kind: 'textarea' },
        ],
        issues: [
          {
            key: 'TM-1',
            projectKey: 'TM',
            issueType: 'Epic',
            summary: 'Team-managed epic',
            fields: {
              'Product Doc': {
                type: 'doc',
                version: 1,
                content: [
                  {
                    type: 'paragraph',
                    content: [{ type: 'inlineCard', attrs: { url: 'https://acme.example/wiki/x/LIQHD' } }],
                  },
                ],
              },
            },
          },
        ],
      },
    });
    const jira = createJiraClient(authFor(emu), {
      fieldNames: { prdUrl: 'Product Doc', storyPoints: 'Story Points' },
      retry: FAST_RETRY,
      limiters: new SiteLimiters(),
    });
    expect((await jira.getIssue('TM-1')).prdUrl).toBe('https://acme.example/wiki/x/LIQHD');
    const c = await jira.createIssue({
      projectKey: 'TM',
      issueType: 'Epic',
      summary: 'Another',
      storyPoints: 2,
      prdUrl: 'https://acme.example/p',
    });
    const stored = emu.state.issues.get(c.key)!;
    expect(stored.custom.customfield_10016).toBe(2);
    // A rich-text field gets an ADF link, not a bare string (Jira v3 would refuse the string).
    expect(stored.custom.customfield_10050).toMatchObject({ type: 'doc' });
    expect((await jira.getIssue(c.key)).prdUrl).toBe('https://acme.example/p');
  });

  it('says which configured field is missing instead of sending a request Jira would refuse', async () => {
    emu = await startEmulator({ seed: demoSeed() });
    const jira = createJiraClient(authFor(emu), {
      fieldNames: { rfcUrl: 'Tech Design' },
      retry: FAST_RETRY,
      limiters: new SiteLimiters(),
    });
    await expect(jira.createIssue({ ...story('x'), rfcUrl: 'https://a.example' })).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringContaining('"Tech Design"'),
    });
    expect(emu.state.requests.filter((r) => r.method === 'POST')).toHaveLength(0);
  });

  it('emulator refuses a sprint move of more than 50 issues, as Jira does', async () => {
    emu = await startEmulator({ seed: demoSeed() });
    const { admin } = emu.credentials;
    const agile = new AgileClient({
      host: emu.url,
      authentication: { basic: { email: admin.email, apiToken: admin.apiToken } },
    });
    const keys = Array.from({ length: 51 }, () => 'DEMO-2');
    await expect(agile.sprint.moveIssuesToSprintAndRank({ sprintId: 2, issues: keys })).rejects.toMatchObject(
      { status: 400 },
    );
  });
});
