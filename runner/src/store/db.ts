/**
 * The SQLite opener shared by every store: WAL journal (readers never block the writer), foreign keys
 * on, a busy timeout for the API and worker processes sharing one file, and named, idempotent
 * migrations recorded in `schema_migrations`.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';

/** An open better-sqlite3 database. */
export type Database = BetterSqlite3.Database;

/** Opens (creating if needed) the database at `path`; `:memory:` gives a private in-memory database. */
export function openDatabase(path: string): Database {
  if (path !== ':memory:' && !path.startsWith('file:')) mkdirSync(dirname(path), { recursive: true });
  const db = new BetterSqlite3(path);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.pragma('synchronous = NORMAL');
  return db;
}

/**
 * Runs `sql` once per database under the unique `name` (e.g. `draft-pr-001`), inside a transaction
 * together with its record in `schema_migrations`. Returns true when it ran now, false when it had
 * already run. Never edit a migration that shipped: add a new name instead.
 */
export function migrate(db: Database, name: string, sql: string): boolean {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)');
  const run = db.transaction(() => {
    const done = db.prepare('SELECT 1 FROM schema_migrations WHERE name = ?').get(name);
    if (done) return false;
    db.exec(sql);
    db.prepare('INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)').run(
      name,
      new Date().toISOString(),
    );
    return true;
  });
  // IMMEDIATE takes the write lock first, so two processes starting together cannot both run `sql`.
  return run.immediate();
}
