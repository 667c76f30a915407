import { describe, expect, it } from 'vitest';
import { planPrdSync, prdLinkEdit, prdPlaceholderEdits } from './plan-prd-sync.js';
import type { PrdParseResult, PrdStory } from './prd-schemas.js';
import { PrdSyncPlan } from './prd-schemas.js';

function story(row: number, title: string, extra: Partial<PrdStory> = {}): PrdStory {
  return {
    title,
    description: title,
    acceptance_criteria: { format: 'text', items: [] },
    jira_key: null,
    temp_id: null,
    row_index: row,
    ...extra,
  };
}

const parsed: PrdParseResult = {
  section: 'Story List',
  columns: { title: 'Title', description: null, acceptance_criteria: null, jira_ticket: 'JIRA Ticket' },
  stories: [
    story(1, 'New story'),
    story(2, 'Linked story', { jira_key: 'ABC-7' }),
    story(3, 'Dry-run story', { temp_id: '0f8fad5b-d9cb-469f-a165-70867728950e' }),
    story(4, '', { description: 'Orphan' }),
  ],
  skipped_rows: [],
};

const ids = () => {
  let n = 0;
  return () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
};

describe('planPrdSync', () => {
  it('creates new rows, reuses dry-run markers and skips linked rows by default', () => {
    const plan = planPrdSync(parsed, undefined, { newId: ids() });
    expect(PrdSyncPlan.parse(plan)).toEqual(plan);
    expect(plan.rows.map((r) => [r.row_index, r.action, r.temp_id, r.jira_key])).toEqual([
      [1, 'create', '00000000-0000-4000-8000-000000000001', null],
      [2, 'skip', null, 'ABC-7'],
      [3, 'create', '0f8fad5b-d9cb-469f-a165-70867728950e', null],
      [4, 'error', null, null],
    ]);
    expect(plan.rows[1]?.reason).toBe('Already linked to ABC-7.');
    expect(plan.rows[3]?.reason).toBe('Row 4 has content but no title.');
    expect(plan.counts).toEqual({ create: 2, update: 0, skip: 1, error: 1 });
    expect(plan.halted).toBe(false);
  });

  it('updates linked rows when asked to', () => {
    const plan = planPrdSync(parsed, 'update', { newId: ids() });
    expect(plan.rows[1]).toMatchObject({ action: 'update', jira_key: 'ABC-7', reason: null });
    expect(plan.counts).toEqual({ create: 2, update: 1, skip: 0, error: 1 });
  });

  it('halts the whole sync on an existing ticket when the action is error, creating nothing', () => {
    const plan = planPrdSync(parsed, 'error', { newId: ids() });
    expect(plan.halted).toBe(true);
    expect(plan.halt_reason).toContain('Row 2 ("Linked story") already has ticket ABC-7');
    expect(plan.rows.map((r) => r.action)).toEqual(['skip', 'error', 'skip', 'error']);
    expect(plan.counts.create).toBe(0);
  });

  it('does not halt with the error action when no row has a ticket', () => {
    const fresh = { ...parsed, stories: [story(1, 'A'), story(2, 'B')] };
    const plan = planPrdSync(fresh, 'error', { newId: ids() });
    expect(plan.halted).toBe(false);
    expect(plan.counts.create).toBe(2);
  });

  it('makes random UUIDs when no id maker is given', () => {
    const plan = planPrdSync({ ...parsed, stories: [story(1, 'A'), story(2, 'B')] });
    const [a, b] = plan.rows.map((r) => r.temp_id);
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a).not.toBe(b);
  });

  it('builds placeholder edits for the rows to create and a link edit for a created row', () => {
    const plan = planPrdSync(parsed, 'skip', { newId: ids() });
    expect(prdPlaceholderEdits(plan)).toEqual([
      {
        kind: 'placeholder',
        temp_id: '00000000-0000-4000-8000-000000000001',
        title: 'New story',
        row_index: 1,
      },
      {
        kind: 'placeholder',
        temp_id: '0f8fad5b-d9cb-469f-a165-70867728950e',
        title: 'Dry-run story',
        row_index: 3,
      },
    ]);
    expect(prdLinkEdit(plan.rows[0]!, 'ABC-9')).toEqual({
      kind: 'link',
      jira_key: 'ABC-9',
      temp_id: '00000000-0000-4000-8000-000000000001',
      title: 'New story',
      row_index: 1,
    });
  });
});
