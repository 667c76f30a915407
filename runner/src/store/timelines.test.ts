import { planSprints, SprintPlanInput } from '@augment/shared';
import { describe, expect, it } from 'vitest';
import { openDatabase } from './db.js';
import { TIMELINE_HISTORY_LIMIT, TimelineStore } from './timelines.js';

const input = (start: string) =>
  SprintPlanInput.parse({
    epic_key: 'P-1',
    start_date: start,
    teams: { backend: { capacity_days_per_sprint: 10 } },
    tasks: [{ key: 'P-2', team: 'backend', estimate_days: 3 }],
  });

describe('TimelineStore', () => {
  it('serves the newest timeline of an epic and nothing for another', () => {
    const store = new TimelineStore(openDatabase(':memory:'));
    expect(store.latest('local', 'P-1')).toBeNull();
    const a = input('2027-01-04');
    const b = input('2027-02-01');
    store.save('local', 'P-1', a, planSprints(a), { board_id: 1 });
    const second = store.save('local', 'P-1', b, planSprints(b));
    const latest = store.latest('local', 'P-1')!;
    expect(latest.id).toBe(second.id);
    expect(latest.input.start_date).toBe('2027-02-01');
    expect(latest.plan.timeline[0]!.key).toBe('P-2');
    expect(store.count('local', 'P-1')).toBe(2);
    expect(store.latest('local', 'P-9')).toBeNull();
  });

  it('keeps a bounded history per epic', () => {
    const store = new TimelineStore(openDatabase(':memory:'));
    const a = input('2027-01-04');
    const plan = planSprints(a);
    for (let i = 0; i < TIMELINE_HISTORY_LIMIT + 5; i++) store.save('local', 'P-1', a, plan);
    store.save('local', 'P-7', a, plan);
    expect(store.count('local', 'P-1')).toBe(TIMELINE_HISTORY_LIMIT);
    expect(store.count('local', 'P-7')).toBe(1);
  });

  it("keeps each tenant's timeline of the same epic key apart", () => {
    const store = new TimelineStore(openDatabase(':memory:'));
    const a = input('2027-01-04');
    const b = input('2027-02-01');
    store.save('site-a', 'P-1', a, planSprints(a));
    store.save('site-b', 'P-1', b, planSprints(b));
    expect(store.latest('site-a', 'P-1')!.input.start_date).toBe('2027-01-04');
    expect(store.latest('site-b', 'P-1')!.input.start_date).toBe('2027-02-01');
    expect(store.count('site-a', 'P-1')).toBe(1);
    expect(store.latest('local', 'P-1')).toBeNull();
  });

  it('survives being opened twice on the same database', () => {
    const db = openDatabase(':memory:');
    new TimelineStore(db).save('local', 'P-1', input('2027-01-04'), planSprints(input('2027-01-04')));
    expect(new TimelineStore(db).count('local', 'P-1')).toBe(1);
  });
});
