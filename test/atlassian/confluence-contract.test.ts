/** Contract suite: every ConfluenceClient method through fetch against the emulator's REST v2 pages. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConfluenceClient } from '../../runner/src/adapters/confluence/confluence-types.js';
import { encodeTinyId } from '../../runner/src/adapters/confluence/page-ref.js';
import { DEMO_PRD_PAGE_ID, demoSeed, type Emulator, startEmulator } from '../emulator/index.js';
import { clientsFor, type Who } from './helpers.js';

const addMarker = (s: string) => (s.includes('<p>synced</p>') ? s : `${s}<p>synced</p>`);

describe.each<Who>(['basic', 'forge', 'gateway'])('ConfluenceClient contract (%s auth)', (who) => {
  let emu: Emulator;
  let confluence: ConfluenceClient;

  beforeEach(async () => {
    emu = await startEmulator({ seed: demoSeed() });
    confluence = clientsFor(emu, who).confluence;
  });
  afterEach(async () => {
    await emu.close();
  });

  const puts = () => emu.state.requests.filter((r) => r.method === 'PUT');

  it('reads a page in storage format with its version, by id or by any URL form', async () => {
    const page = await confluence.getPage(DEMO_PRD_PAGE_ID);
    expect(page).toMatchObject({ id: '1001', title: 'Checkout revamp PRD', version: 1, status: 'current' });
    expect(page.storage).toContain('<h2>Story List</h2>');
    expect(page.webUrl).toBe(`${emu.url}/wiki/spaces/DEMO/pages/1001/Checkout+revamp+PRD`);
    for (const ref of [
      `${emu.url}/wiki/spaces/DEMO/pages/1001/Checkout+revamp+PRD`,
      `${emu.url}/wiki/spaces/DEMO/pages/edit-v2/1001`,
      `${emu.url}/wiki/pages/viewpage.action?pageId=1001`,
      `${emu.url}/wiki/x/${encodeTinyId('1001')}`,
    ]) {
      expect(await confluence.resolvePageId(ref)).toBe('1001');
      expect((await confluence.getPage(ref)).id).toBe('1001');
    }
  });

  it('writes version + 1 and keeps the history', async () => {
    const res = await confluence.updatePage('1001', addMarker, { message: 'Augment: links' });
    expect(res).toMatchObject({ changed: true, rounds: 1 });
    expect(res.page.version).toBe(2);
    const stored = emu.state.pages.get('1001')!;
    expect(stored.version).toBe(2);
    expect(stored.storage.endsWith('<p>synced</p>')).toBe(true);
    expect(stored.history.map((h) => h.message)).toEqual(['', 'Augment: links']);
    expect((await confluence.getPage('1001')).version).toBe(2);
  });

  it('writes nothing when the change is already there', async () => {
    await confluence.updatePage('1001', addMarker);
    const before = puts().length;
    const res = await confluence.updatePage('1001', addMarker);
    expect(res.changed).toBe(false);
    expect(puts().length).toBe(before);
    expect(emu.state.pages.get('1001')!.version).toBe(2);
  });

  it('on a version conflict re-reads, re-applies the change and keeps the other edit', async () => {
    let calls = 0;
    const res = await confluence.updatePage('1001', (storage) => {
      calls++;
      if (calls === 1) {
        // Someone else saves between our read and our write.
        const page = emu.state.pages.get('1001')!;
        page.storage = `${page.storage}<p>edited by a colleague</p>`;
        page.version += 1;
      }
      return addMarker(storage);
    });
    expect(calls).toBe(2);
    expect(res).toMatchObject({ changed: true, rounds: 2 });
    const stored = emu.state.pages.get('1001')!;
    expect(stored.version).toBe(3);
    expect(stored.storage).toContain('<p>edited by a colleague</p><p>synced</p>');
    expect(emu.state.requests.filter((r) => r.status === 409)).toHaveLength(1);
  });

  it('gives up with a conflict error when the page keeps changing', async () => {
    const err = await confluence
      .updatePage(
        '1001',
        (storage) => {
          emu.state.pages.get('1001')!.version += 1;
          return `${storage}<p>x</p>`;
        },
        { maxConflictRetries: 3 },
      )
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'conflict', status: 409, service: 'confluence' });
    expect(puts()).toHaveLength(3);
  });

  it('passes on Confluence refusing malformed storage', async () => {
    await expect(confluence.updatePage('1001', (s) => `${s}<p>unclosed`)).rejects.toMatchObject({
      code: 'bad_request',
      message: expect.stringContaining('Error parsing xhtml'),
    });
    expect(emu.state.pages.get('1001')!.version).toBe(1);
  });

  it('renames a page when asked', async () => {
    const res = await confluence.updatePage('1002', (s) => s, { title: 'Checkout service split (v2)' });
    expect(res.changed).toBe(true);
    expect(emu.state.pages.get('1002')!.title).toBe('Checkout service split (v2)');
  });
});

describe('gateway routing', () => {
  it('sends Jira calls below /ex/jira/<cloudId> and Confluence calls below /ex/confluence/<cloudId>', async () => {
    const emu = await startEmulator({ seed: demoSeed() });
    try {
      const { jira, confluence } = clientsFor(emu, 'gateway');
      await jira.getIssue('DEMO-1');
      await confluence.getPage('1001');
      const raw = emu.state.requests.map((r) => r.rawPath);
      expect(raw).toContain('/ex/jira/cloud-1234/rest/api/3/field');
      expect(raw).toContain('/ex/jira/cloud-1234/rest/api/3/issue/DEMO-1');
      expect(raw).toContain('/ex/confluence/cloud-1234/wiki/api/v2/pages/1001');
    } finally {
      await emu.close();
    }
  });
});
