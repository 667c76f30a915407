/**
 * Settings of one tenant (one Atlassian site), shared by every installation of the app on that site: the
 * LLM provider and model that requests without their own `llm_provider` use.
 */
import { type Database, migrate } from './db.js';

export interface TenantSettings {
  llm_provider: string | null;
  llm_model: string | null;
  updated_at: string | null;
  updated_by: string | null;
}

const EMPTY: TenantSettings = { llm_provider: null, llm_model: null, updated_at: null, updated_by: null };

export class TenantSettingsStore {
  constructor(private readonly db: Database) {
    migrate(
      db,
      'tenant-settings-001',
      `CREATE TABLE tenant_settings (
         tenant TEXT PRIMARY KEY,
         llm_provider TEXT,
         llm_model TEXT,
         updated_at TEXT NOT NULL,
         updated_by TEXT
       );`,
    );
  }

  get(tenant: string): TenantSettings {
    const row = this.db
      .prepare('SELECT llm_provider, llm_model, updated_at, updated_by FROM tenant_settings WHERE tenant = ?')
      .get(tenant) as TenantSettings | undefined;
    return row ?? EMPTY;
  }

  /** Replaces the tenant's LLM choice; a null provider goes back to the runner's default. */
  setLlm(tenant: string, llm: { llm_provider: string | null; llm_model: string | null }, by: string) {
    const model = llm.llm_provider ? llm.llm_model : null;
    this.db
      .prepare(
        `INSERT INTO tenant_settings (tenant, llm_provider, llm_model, updated_at, updated_by) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (tenant) DO UPDATE SET llm_provider = excluded.llm_provider, llm_model = excluded.llm_model,
         updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
      )
      .run(tenant, llm.llm_provider, model, new Date().toISOString(), by);
    return this.get(tenant);
  }
}
