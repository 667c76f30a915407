import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, openDatabase } from './db.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('openDatabase and migrate', () => {
  it('creates the file with its parent directories in WAL mode', () => {
    const dir = mkdtempSync(join(tmpdir(), 'db-'));
    dirs.push(dir);
    const db = openDatabase(join(dir, 'nested', 'a.db'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    db.close();
  });

  it('runs each named migration exactly once, also across reopenings', () => {
    const dir = mkdtempSync(join(tmpdir(), 'db-'));
    dirs.push(dir);
    const path = join(dir, 'a.db');
    let db = openDatabase(path);
    expect(migrate(db, 't-001', 'CREATE TABLE t (x INTEGER)')).toBe(true);
    expect(migrate(db, 't-001', 'CREATE TABLE t (x INTEGER)')).toBe(false);
    db.close();
    db = openDatabase(path);
    expect(migrate(db, 't-001', 'CREATE TABLE t (x INTEGER)')).toBe(false);
    expect(migrate(db, 't-002', 'ALTER TABLE t ADD COLUMN y TEXT')).toBe(true);
    expect(db.prepare('SELECT name FROM schema_migrations ORDER BY name').pluck().all()).toEqual([
      't-001',
      't-002',
    ]);
    db.close();
  });

  it('records nothing when a migration fails, so it runs again after the fix', () => {
    const db = openDatabase(':memory:');
    expect(() => migrate(db, 'bad', 'CREATE TABLE ok (x); CREATE TABLE broken (')).toThrow();
    expect(db.prepare('SELECT count(*) FROM schema_migrations').pluck().get()).toBe(0);
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'ok'").pluck().get()).toBe(0);
    db.close();
  });
});
