/** Team members in SQLite: who is on which team, in which role, with how much capacity per sprint. */
import {
  LEVEL_INFO,
  type TeamMember,
  type TeamMemberInput,
  type TeamMemberUpdate,
  type TeamRole,
} from '@augment/shared';
import { AppError, notFound } from '../errors.js';
import { type Database, migrate } from './db.js';

interface Row {
  id: number;
  tenant?: string;
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

const toMember = ({ tenant: _tenant, ...r }: Row): TeamMember => ({ ...r, active: r.active === 1 });

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
    // Each site has its own team: an e-mail is unique within a tenant, not across the runner.
    migrate(
      db,
      'team-members-002-tenant',
      `CREATE TABLE team_members_new (
         id INTEGER PRIMARY KEY AUTOINCREMENT,
         tenant TEXT NOT NULL DEFAULT 'local',
         name TEXT NOT NULL,
         email TEXT NOT NULL,
         role TEXT NOT NULL,
         level TEXT NOT NULL,
         team_id INTEGER,
         capacity_days_per_sprint REAL NOT NULL,
         active INTEGER NOT NULL DEFAULT 1,
         created_at TEXT NOT NULL,
         updated_at TEXT NOT NULL,
         UNIQUE (tenant, email)
       );
       INSERT INTO team_members_new (id, name, email, role, level, team_id, capacity_days_per_sprint, active, created_at, updated_at)
         SELECT id, name, email, role, level, team_id, capacity_days_per_sprint, active, created_at, updated_at FROM team_members;
       DROP TABLE team_members;
       ALTER TABLE team_members_new RENAME TO team_members;
       CREATE INDEX team_members_role ON team_members (tenant, role, team_id, active);`,
    );
  }

  /** Every method takes the caller's tenant: one site never sees or changes another site's team. */
  list(tenant: string, filter: TeamMemberFilter = {}): TeamMember[] {
    const where: string[] = ['tenant = ?'];
    const args: (string | number)[] = [tenant];
    const add = (clause: string, value: string | number) => {
      where.push(clause);
      args.push(value);
    };
    if (filter.role) add('role = ?', filter.role);
    if (filter.team_id !== undefined) add('team_id = ?', filter.team_id);
    if (filter.active !== undefined) add('active = ?', filter.active ? 1 : 0);
    const sql = `SELECT * FROM team_members WHERE ${where.join(' AND ')} ORDER BY id`;
    return (this.db.prepare(sql).all(...args) as Row[]).map(toMember);
  }

  get(tenant: string, id: number): TeamMember {
    const row = this.db.prepare('SELECT * FROM team_members WHERE id = ? AND tenant = ?').get(id, tenant) as
      | Row
      | undefined;
    if (!row) throw notFound(`team member ${id}`);
    return toMember(row);
  }

  create(tenant: string, input: TeamMemberInput): TeamMember {
    const now = new Date().toISOString();
    const capacity =
      input.capacity_days_per_sprint ?? LEVEL_INFO[input.level].default_capacity_days_per_sprint;
    try {
      const { lastInsertRowid } = this.db
        .prepare(
          `INSERT INTO team_members (tenant, name, email, role, level, team_id, capacity_days_per_sprint, active, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          tenant,
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
      return this.get(tenant, Number(lastInsertRowid));
    } catch (err) {
      throw uniqueViolation(err, input.email);
    }
  }

  update(tenant: string, id: number, patch: TeamMemberUpdate): TeamMember {
    const current = this.get(tenant, id);
    const next = { ...current, ...patch };
    try {
      this.db
        .prepare(
          `UPDATE team_members SET name = ?, email = ?, role = ?, level = ?, team_id = ?, capacity_days_per_sprint = ?,
           active = ?, updated_at = ? WHERE id = ? AND tenant = ?`,
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
          tenant,
        );
    } catch (err) {
      throw uniqueViolation(err, next.email);
    }
    return this.get(tenant, id);
  }

  delete(tenant: string, id: number): void {
    const { changes } = this.db
      .prepare('DELETE FROM team_members WHERE id = ? AND tenant = ?')
      .run(id, tenant);
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
