/**
 * The write-back helper the story create/update endpoints use to put Jira links into an epic's PRD
 * table, against the emulator's Confluence pages.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { writeStoryLinksToEpicPrd, writeStoryLinksToPrd } from '../../runner/src/prd-sync/prd-write-back.js';
import { clientsFor } from '../atlassian/helpers.js';
import { DEMO_PRD_PAGE_ID, demoSeed, type Emulator, startEmulator } from '../emulator/index.js';

let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

async function setup() {
  const seed = demoSeed();
  seed.issues!.push(
    { key: 'DEMO-20', projectKey: 'DEMO', issueType: 'Epic', summary: 'No PRD yet' },
    {
      key: 'DEMO-21',
      projectKey: 'DEMO',
      issueType: 'Epic',
      summary: 'Design notes only',
      fields: { PRD: '{{baseUrl}}/wiki/spaces/DEMO/pages/1002/Checkout+service+split' },
    },
  );
  emu = await startEmulator({ seed });
  return { emu, clients: clientsFor(emu) };
}

describe('writeStoryLinksToPrd', () => {
  it('links rows by title, adding the ticket column, and writes nothing when the links are there', async () => {
    const { emu, clients } = await setup();
    const links = [
      { jira_key: 'DEMO-2', title: 'Guest checkout' },
      { jira_key: 'DEMO-7', title: 'address AUTOCOMPLETE' },
      { jira_key: 'DEMO-8', title: 'Not in the table' },
    ];
    const site = 'https://acme.atlassian.net';
    const out = await writeStoryLinksToPrd(clients.confluence, {
      pageRef: `${emu.url}/wiki/spaces/DEMO/pages/${DEMO_PRD_PAGE_ID}/Checkout+revamp+PRD`,
      links,
      siteUrl: site,
    });
    expect(out).toMatchObject({ page_id: '1001', changed: true, column_added: true, version: 2, rounds: 1 });
    expect(out.rows.map((r) => r.status)).toEqual(['written', 'written', 'not_found']);
    const stored = emu.state.pages.get(DEMO_PRD_PAGE_ID)!;
    expect(stored.storage).toContain(`<a href="${site}/browse/DEMO-2">DEMO-2</a>`);
    expect(stored.storage).toContain(`<a href="${site}/browse/DEMO-7">DEMO-7</a>`);
    expect(stored.history.at(-1)!.message).toBe('Augment: linked 3 Jira issues');

    const again = await writeStoryLinksToPrd(clients.confluence, { pageRef: '1001', links, siteUrl: site });
    expect(again.changed).toBe(false);
    expect(again.rows.map((r) => r.status)).toEqual(['unchanged', 'unchanged', 'not_found']);
    expect(emu.state.pages.get(DEMO_PRD_PAGE_ID)!.version).toBe(2);
  });

  it('replaces a dry-run marker found by its temp id, whatever the row is called now', async () => {
    const { emu, clients } = await setup();
    const id = '3f2b8a1e-4c5d-4e6f-8a9b-0c1d2e3f4a5b';
    const p = emu.state.pages.get(DEMO_PRD_PAGE_ID)!;
    p.storage = p.storage
      .replace('<col /><col /><col /></colgroup>', '<col /><col /><col /><col /></colgroup>')
      .replace(
        '<strong>Acceptance Criteria</strong></p></th>',
        '<strong>Acceptance Criteria</strong></p></th><th><p>JIRA Ticket</p></th>',
      )
      .replace(/<\/td><\/tr>/g, '</td><td><p></p></td></tr>')
      .replace(
        '<td><p></p></td></tr><tr><td><p>Address autocomplete',
        `<td><p>[TEMP-${id}](placeholder)</p></td></tr><tr><td><p>Address autocomplete`,
      )
      .replace('Order confirmation e-mail', 'Order confirmation email');
    const out = await writeStoryLinksToPrd(clients.confluence, {
      pageRef: '1001',
      links: [{ jira_key: 'DEMO-9', temp_id: id, title: 'Order confirmation e-mail' }],
      siteUrl: 'https://acme.atlassian.net',
    });
    expect(out.rows[0]).toMatchObject({ status: 'written', matched_by: 'temp_id' });
    const stored = emu.state.pages.get(DEMO_PRD_PAGE_ID)!.storage;
    expect(stored).not.toContain('TEMP-');
    expect(stored).toContain('<p>Order confirmation email</p>');
    expect(stored).toContain('<a href="https://acme.atlassian.net/browse/DEMO-9">DEMO-9</a>');
  });
});

describe('writeStoryLinksToEpicPrd', () => {
  it("writes into the PRD named by the epic's PRD field", async () => {
    const { emu, clients } = await setup();
    const out = await writeStoryLinksToEpicPrd(clients, {
      epicKey: 'DEMO-1',
      links: [{ jira_key: 'DEMO-3', title: 'Saved cards' }],
      siteUrl: emu.url,
    });
    expect(out).toMatchObject({ status: 'written', changed: true, page_id: '1001' });
  });

  it('reports an epic without a PRD, or a PRD without a story table, as an outcome instead of failing', async () => {
    const { emu, clients } = await setup();
    const none = await writeStoryLinksToEpicPrd(clients, { epicKey: 'DEMO-20', links: [], siteUrl: emu.url });
    expect(none).toEqual({ status: 'no_prd', reason: 'Epic DEMO-20 has no PRD URL.' });
    const noTable = await writeStoryLinksToEpicPrd(clients, {
      epicKey: 'DEMO-21',
      links: [{ jira_key: 'DEMO-2', title: 'Guest checkout' }],
      siteUrl: emu.url,
    });
    expect(noTable).toMatchObject({ status: 'no_story_table' });
    expect(emu.state.pages.get('1002')!.version).toBe(1);
  });
});
