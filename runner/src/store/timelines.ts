/**
 * Epic timelines in SQLite: every stored run is kept (history), the newest one is "the" timeline of the
 * epic. The planner input is stored beside the plan because the renderers need both.
 */
import type { SprintPlan, SprintPlanInput } from '@augment/shared';
import { type Database, migrate } from './db.js';

/** What the timeline job knew besides the planner input (capacity source, skipped issues, ...). */
export type TimelineMeta = Record<string, unknown>;

export interface StoredTimeline {
  id: number;
  epic_key: string;
  created_at: string;
  input: SprintPlanInput;
  plan: SprintPlan;
  meta: TimelineMeta;
}

interface Row {
  id: number;
  epic_key: string;
  created_at: string;
  input_json: string;
  plan_json: string;
  meta_json: string;
}

/** Older versions beyond this many per epic are dropped, so re-running a timeline cannot grow the file forever. */
export const TIMELINE_HISTORY_LIMIT = 50;

const toTimeline = (r: Row): StoredTimeline => ({
  id: r.id,
  epic_key: r.epic_key,
  created_at: r.created_at,
  input: JSON.parse(r.input_json) as SprintPlanInput,
  plan: JSON.parse(r.plan_json) as SprintPlan,
  meta: JSON.parse(r.meta_json) as TimelineMeta,
});

export class TimelineStore {
  constructor(private readonly db: Database) {
    migrate(
      db,
      'timelines-001',
      `CREATE TABLE timelines (
         id INTEGER PRIMARY KEY AUTOINCREMENT,
         epic_key TEXT NOT NULL,
         created_at TEXT NOT NULL,
         input_json TEXT NOT NULL,
         plan_json TEXT NOT NULL,
         meta_json TEXT NOT NULL DEFAULT '{}'
       );
       CREATE INDEX timelines_epic ON timelines (epic_key, id);`,
    );
    // The same epic key on two sites is two epics.
    migrate(
      db,
      'timelines-002-tenant',
      `ALTER TABLE timelines ADD COLUMN tenant TEXT NOT NULL DEFAULT 'local';
       CREATE INDEX timelines_tenant_epic ON timelines (tenant, epic_key, id);`,
    );
  }

  /** Every method takes the caller's tenant (one per Atlassian site). */
  save(
    tenant: string,
    epicKey: string,
    input: SprintPlanInput,
    plan: SprintPlan,
    meta: TimelineMeta = {},
  ): StoredTimeline {
    const createdAt = new Date().toISOString();
    const write = this.db.transaction(() => {
      const { lastInsertRowid } = this.db
        .prepare(
          'INSERT INTO timelines (tenant, epic_key, created_at, input_json, plan_json, meta_json) VALUES (?, ?, ?, ?, ?, ?)',
        )
        .run(tenant, epicKey, createdAt, JSON.stringify(input), JSON.stringify(plan), JSON.stringify(meta));
      this.db
        .prepare(
          `DELETE FROM timelines WHERE tenant = ? AND epic_key = ? AND id NOT IN
             (SELECT id FROM timelines WHERE tenant = ? AND epic_key = ? ORDER BY id DESC LIMIT ?)`,
        )
        .run(tenant, epicKey, tenant, epicKey, TIMELINE_HISTORY_LIMIT);
      return Number(lastInsertRowid);
    });
    const id = write.immediate();
    return { id, epic_key: epicKey, created_at: createdAt, input, plan, meta };
  }

  /** The newest timeline of the epic, or null when none was stored. */
  latest(tenant: string, epicKey: string): StoredTimeline | null {
    const row = this.db
      .prepare('SELECT * FROM timelines WHERE tenant = ? AND epic_key = ? ORDER BY id DESC LIMIT 1')
      .get(tenant, epicKey) as Row | undefined;
    return row ? toTimeline(row) : null;
  }

  /** How many versions of the epic's timeline are kept. */
  count(tenant: string, epicKey: string): number {
    const row = this.db
      .prepare('SELECT COUNT(*) AS n FROM timelines WHERE tenant = ? AND epic_key = ?')
      .get(tenant, epicKey) as {
      n: number;
    };
    return row.n;
  }
}
