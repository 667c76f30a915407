import { describe, expect, it } from 'vitest';
import { migrate, openDatabase } from './db.js';
import { TeamMemberStore } from './team-members.js';

const ada = {
  name: 'Ada',
  email: 'ada@example.com',
  role: 'backend',
  level: 'senior',
  active: true,
} as const;

describe('TeamMemberStore', () => {
  it('keeps each tenant’s members apart, with an e-mail unique only within a tenant', () => {
    const store = new TeamMemberStore(openDatabase(':memory:'));
    const a = store.create('site-a', { ...ada, team_id: null });
    const b = store.create('site-b', { ...ada, role: 'qa', team_id: null });

    expect(store.list('site-a').map((m) => m.role)).toEqual(['backend']);
    expect(store.list('site-b').map((m) => m.role)).toEqual(['qa']);
    expect(() => store.get('site-b', a.id)).toThrow(/not found/);
    expect(() => store.update('site-b', a.id, { capacity_days_per_sprint: 1 })).toThrow(/not found/);
    expect(() => store.delete('site-b', a.id)).toThrow(/not found/);
    expect(() => store.create('site-a', { ...ada, team_id: null })).toThrow(/already exists/);
    store.delete('site-b', b.id);
    expect(store.list('site-a')).toHaveLength(1);
  });

  it('keeps the members of a database made before tenants, as the environment’s own site', () => {
    const db = openDatabase(':memory:');
    migrate(
      db,
      'team-members-001',
      `CREATE TABLE team_members (
         id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, email TEXT NOT NULL UNIQUE, role TEXT NOT NULL,
         level TEXT NOT NULL, team_id INTEGER, capacity_days_per_sprint REAL NOT NULL,
         active INTEGER NOT NULL DEFAULT 1, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
       CREATE INDEX team_members_role ON team_members (role, team_id, active);`,
    );
    db.prepare(
      `INSERT INTO team_members (name, email, role, level, team_id, capacity_days_per_sprint, active, created_at, updated_at)
       VALUES ('Grace', 'grace@example.com', 'frontend', 'mid', 1, 6, 1, 'x', 'x')`,
    ).run();

    const store = new TeamMemberStore(db);

    expect(store.list('local')).toMatchObject([{ name: 'Grace', capacity_days_per_sprint: 6, active: true }]);
    expect(store.list('site-a')).toEqual([]);
    expect(store.create('site-a', { ...ada, email: 'grace@example.com', team_id: null }).name).toBe('Ada');
  });
});
