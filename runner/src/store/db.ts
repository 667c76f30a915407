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
  // The busy timeout first, so every later statement waits for a lock instead of failing at once.
  db.pragma('busy_timeout = 5000');
  switchToWal(db);
  db.pragma('foreign_keys = ON');
  db.pragma('synchronous = NORMAL');
  return db;
}

/**
 * Switches a file to the WAL journal. On a fresh file shared by processes starting together (an API and a
 * worker on one volume) the switch needs the file to itself, and SQLite answers SQLITE_BUSY at once, without
 * waiting for the busy timeout, when another process is switching it too: retried for up to 10 s.
 */
function switchToWal(db: Database): void {
  const until = Date.now() + 10_000;
  for (let wait = 5; ; wait = Math.min(wait * 2, 200)) {
    try {
      db.pragma('journal_mode = WAL');
      return;
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if ((code !== 'SQLITE_BUSY' && code !== 'SQLITE_LOCKED') || Date.now() > until) throw err;
      Atomics.wait(SLEEPER, 0, 0, wait + Math.random() * wait);
    }
  }
}
const SLEEPER = new Int32Array(new SharedArrayBuffer(4));

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
