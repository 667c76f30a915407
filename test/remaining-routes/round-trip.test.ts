/**
 * What Augment writes to Jira reads back the same, end to end through the real routes: runner (API,
 * real Redis) against the emulator with the demo epic and its PRD. A generated description is a fixed
 * point of generation; a story synced from the PRD reads back with its description as the description
 * and its footer as a footer; an update of the criteria keeps every other part of the description.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_EPIC_KEY } from '../emulator/index.js';
import { adfText, type Started, start } from './setup.js';

let s: Started | undefined;
afterEach(async () => {
  await s?.stop();
  s = undefined;
});

const SYNCED = /Synced from the PRD/;

/** Syncs the demo PRD for real and returns the key of the story created for a row. */
async function syncedStory(started: Started, title: string): Promise<string> {
  const res = await started.client.post('/plan/stories/sync-from-prd', {
    epic_key: DEMO_EPIC_KEY,
    dry_run: false,
  });
  expect(res.status, res.text).toBe(200);
  const row = res.body.result.rows.find((r: { title: string }) => r.title === title);
  expect(row).toMatchObject({ outcome: 'created' });
  return row.jira_key as string;
}

describe('POST /generate/single, run again on its own output', () => {
  it('gives the same description the second and third time', async () => {
    s = await start();
    const descriptions: unknown[] = [];
    const criteria: string[][] = [];
    for (let run = 0; run < 3; run++) {
      const res = await s.client.post('/generate/single', { ticket_key: 'DEMO-2', dry_run: false });
      expect(res.status, res.text).toBe(200);
      expect(res.body.result.status).toBe('updated');
      descriptions.push(structuredClone(s.emu.state.issues.get('DEMO-2')!.description));
      criteria.push(res.body.result.acceptance_criteria);
    }
    const lengths = descriptions.map((d) => adfText(d).length);
    expect(lengths[1], `description lengths ${lengths.join(' -> ')}`).toBe(lengths[0]);
    expect(descriptions[1]).toEqual(descriptions[0]);
    expect(descriptions[2]).toEqual(descriptions[0]);
    expect(criteria[2]).toEqual(criteria[0]);

    const text = adfText(descriptions[2]);
    expect(text.match(/As a shopper I can pay without creating an account/g)).toHaveLength(1);
    expect(text.match(/\bScope\b/g)).toHaveLength(1);
  });

  it('reads back the criteria it proposed, without its "Proposed from the summary" note among them', async () => {
    s = await start();
    const res = await s.client.post('/generate/single', { ticket_key: 'DEMO-2', dry_run: false });
    expect(res.status, res.text).toBe(200);
    expect(adfText(s.emu.state.issues.get('DEMO-2')!.description)).toMatch(/Proposed from the summary/);
    const readiness = await s.client.get('/plan/readiness/DEMO-2');
    expect(readiness.status).toBe(200);
    expect(readiness.body.acceptance_criteria).toEqual(res.body.result.acceptance_criteria);
    for (const c of readiness.body.acceptance_criteria) expect(c).not.toMatch(/proposed|please review/i);
  });
});

describe('a story synced from the PRD, read back', () => {
  it('has its description as the description and its footer as no criterion', async () => {
    s = await start();
    const key = await syncedStory(s, 'Order confirmation e-mail');
    expect(adfText(s.emu.state.issues.get(key)!.description)).toMatch(SYNCED);

    const res = await s.client.get(`/plan/readiness/${key}`);
    expect(res.status, res.text).toBe(200);
    const { acceptance_criteria, reasons, suggestions } = res.body;
    expect(acceptance_criteria.length).toBeGreaterThan(0);
    for (const c of acceptance_criteria) {
      expect(c).not.toMatch(SYNCED);
      expect(c).not.toMatch(/^As a shopper/);
    }
    const description = reasons.find((r: { signal: string }) => r.signal === 'description');
    expect(description.message).not.toMatch(/No description/);
    expect(suggestions.join('\n')).not.toMatch(/No description/);
  });
});

describe('POST /jira/update-ticket with criteria only', () => {
  it('replaces the criteria and keeps the description and the "Synced from the PRD" footer as they were', async () => {
    s = await start();
    const key = await syncedStory(s, 'Order confirmation e-mail');
    const before = structuredClone(s.emu.state.issues.get(key)!.description) as { content: unknown[] };
    const res = await s.client.post('/jira/update-ticket', {
      ticket_key: key,
      acceptance_criteria: ['The e-mail names the order number and the amount paid'],
      dry_run: false,
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.action).toBe('updated');
    const after = s.emu.state.issues.get(key)!.description as { content: unknown[] };
    const text = adfText(after);
    expect(text).toMatch(SYNCED);
    expect(text).toContain('The e-mail names the order number and the amount paid');
    // The description paragraph and the footer are the very nodes that were there.
    expect(after.content[0]).toEqual(before.content[0]);
    expect(after.content.at(-1)).toEqual(before.content.at(-1));

    const readiness = await s.client.get(`/plan/readiness/${key}`);
    expect(readiness.body.acceptance_criteria).toEqual([
      'The e-mail names the order number and the amount paid',
    ]);
  });
});
