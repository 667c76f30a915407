/**
 * Story planning reads the PRD's own story table and recognises the stories the epic already has, through
 * the real routes (runner + queue + real Redis + the emulator seeded with the demo epic DEMO-1: a PRD with a
 * four-row "Story List" table, children DEMO-2 "Guest checkout" and DEMO-3 "Saved cards").
 */
import { afterEach, describe, expect, it } from 'vitest';
import { markdownToAdf } from '../../runner/src/adapters/jira/adf.js';
import { DEMO_EPIC_KEY, demoSeed, type SeedData } from '../emulator/index.js';
import { cleanPrefix } from '../helpers/runner.js';
import { childrenIn, type Harness, runJob, startHarness } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.runner.stop();
  await h?.emu.close();
  if (h) await cleanPrefix(h.prefix);
  h = undefined;
});

const ROWS = ['Guest checkout', 'Saved cards', 'Order confirmation e-mail', 'Address autocomplete'];

describe('POST /plan/stories/generate reads the PRD story table', () => {
  it('previews one story per row, in order, with the rows own criteria, and marks the existing ones', async () => {
    h = await startHarness(demoSeed());
    const res = await h.client.post('/plan/stories/generate', { epic_key: DEMO_EPIC_KEY });
    expect(res.status, res.text).toBe(200);
    const r = res.body.result;
    expect(r.stories.map((s: { title: string }) => s.title)).toEqual(ROWS);
    expect(r.stories[0].acceptance_criteria).toEqual([
      'Given a cart with at least one item, when the shopper chooses "Continue as guest", then they reach the payment step without signing up',
    ]);
    expect(r.stories[1].acceptance_criteria).toEqual([
      'The last four digits and expiry of each saved card are shown',
      'A saved card can be removed',
    ]);
    expect(
      r.stories.map((s: { jira: { action: string; key: string | null } }) => [s.jira.action, s.jira.key]),
    ).toEqual([
      ['existing', 'DEMO-2'],
      ['existing', 'DEMO-3'],
      ['create', null],
      ['create', null],
    ]);
  });

  it('creates only the rows the epic does not have, and a second run creates nothing', async () => {
    h = await startHarness(demoSeed());
    const before = childrenIn(h, DEMO_EPIC_KEY).length;
    const first = await runJob(h, '/plan/stories/generate', { epic_key: DEMO_EPIC_KEY, dry_run: false });
    expect(first.result.counts).toEqual({ existing: 2, created: 2 });
    const after = childrenIn(h, DEMO_EPIC_KEY);
    expect(after).toHaveLength(before + 2);
    expect(after.map((i) => i.summary)).toEqual(expect.arrayContaining(ROWS));
    const again = await runJob(h, '/plan/stories/generate', { epic_key: DEMO_EPIC_KEY, dry_run: false });
    expect(again.result.counts).toEqual({ existing: 4 });
    expect(childrenIn(h, DEMO_EPIC_KEY)).toHaveLength(before + 2);
  });

  it('recognises an existing story renamed in Jira by its description, and does not create it again', async () => {
    const seed: SeedData = demoSeed();
    const guest = seed.issues!.find((i) => i.key === 'DEMO-2')!;
    guest.summary = 'Pay as a guest';
    guest.description = markdownToAdf('As a shopper I can pay without creating an account.');
    h = await startHarness(seed);
    const run = await runJob(h, '/plan/stories/generate', { epic_key: DEMO_EPIC_KEY, dry_run: false });
    const first = run.result.stories[0];
    expect(first.title).toBe('Guest checkout');
    expect(first.jira).toMatchObject({ outcome: 'existing', key: 'DEMO-2' });
    expect(first.jira.reason).toMatch(/same description/);
    expect(childrenIn(h, DEMO_EPIC_KEY).filter((i) => /guest/i.test(i.summary))).toHaveLength(1);
  });
});
