/** Team members in SQLite: who is on which team, in which role, with how much capacity per sprint. */
import {
  LEVEL_INFO,
  type TeamMember,
  type TeamMemberInput,
  type TeamMemberUpdate,
  type TeamRole,
} from '@augment/shared';
import { AppError, notFound } from '../api/errors.js';
import { type Database, migrate } from './db.js';

interface Row {
  id: number;
  name: string;
  email: string;
  role: TeamRole;
  level: TeamMember['level'];
  team_id: number | null;
  capacity_days_per_sprint: number;
  active: number;
  created_at: string;
  updated_at: string;
}

const toMember = (r: Row): TeamMember => ({ ...r, active: r.active === 1 });

export interface TeamMemberFilter {
  role?: TeamRole;
  team_id?: number;
  active?: boolean;
}

export class TeamMemberStore {
  constructor(private readonly db: Database) {
    migrate(
      db,
      'team-members-001',
      `CREATE TABLE team_members (
         id INTEGER PRIMARY KEY AUTOINCREMENT,
         name TEXT NOT NULL,
         email TEXT NOT NULL UNIQUE,
         role TEXT NOT NULL,
         level TEXT NOT NULL,
         team_id INTEGER,
         capacity_days_per_sprint REAL NOT NULL,
         active INTEGER NOT NULL DEFAULT 1,
         created_at TEXT NOT NULL,
         updated_at TEXT NOT NULL
       );
       CREATE INDEX team_members_role ON team_members (role, team_id, active);`,
    );
  }

  list(filter: TeamMemberFilter = {}): TeamMember[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    const add = (clause: string, value: string | number) => {
      where.push(clause);
      args.push(value);
    };
    if (filter.role) add('role = ?', filter.role);
    if (filter.team_id !== undefined) add('team_id = ?', filter.team_id);
    if (filter.active !== undefined) add('active = ?', filter.active ? 1 : 0);
    const sql = `SELECT * FROM team_members ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id`;
    return (this.db.prepare(sql).all(...args) as Row[]).map(toMember);
  }

  get(id: number): TeamMember {
    const row = this.db.prepare('SELECT * FROM team_members WHERE id = ?').get(id) as Row | undefined;
    if (!row) throw notFound(`team member ${id}`);
    return toMember(row);
  }

  create(input: TeamMemberInput): TeamMember {
    const now = new Date().toISOString();
    const capacity =
      input.capacity_days_per_sprint ?? LEVEL_INFO[input.level].default_capacity_days_per_sprint;
    try {
      const { lastInsertRowid } = this.db
        .prepare(
          `INSERT INTO team_members (name, email, role, level, team_id, capacity_days_per_sprint, active, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          input.name,
          input.email,
          input.role,
          input.level,
          input.team_id,
          capacity,
          input.active ? 1 : 0,
          now,
          now,
        );
      return this.get(Number(lastInsertRowid));
    } catch (err) {
      throw uniqueViolation(err, input.email);
    }
  }

  update(id: number, patch: TeamMemberUpdate): TeamMember {
    const current = this.get(id);
    const next = { ...current, ...patch };
    try {
      this.db
        .prepare(
          `UPDATE team_members SET name = ?, email = ?, role = ?, level = ?, team_id = ?, capacity_days_per_sprint = ?,
           active = ?, updated_at = ? WHERE id = ?`,
        )
        .run(
          next.name,
          next.email,
          next.role,
          next.level,
          next.team_id,
          next.capacity_days_per_sprint,
          next.active ? 1 : 0,
          new Date().toISOString(),
          id,
        );
    } catch (err) {
      throw uniqueViolation(err, next.email);
    }
    return this.get(id);
  }

  delete(id: number): void {
    const { changes } = this.db.prepare('DELETE FROM team_members WHERE id = ?').run(id);
    if (changes === 0) throw notFound(`team member ${id}`);
  }
}

function uniqueViolation(err: unknown, email: string): unknown {
  if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
    return new AppError(409, 'duplicate_email', `a team member with e-mail ${email} already exists`, {
      field: 'email',
    });
  }
  return err;
}
