/**
 * Issue 18 #4: an API and a worker starting together on a fresh data folder (the compose file shares one
 * volume) must both open the database: no "database is locked" on the journal-mode switch or migrations.
 * Several processes open the same fresh files at the same instants, many times over.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const CHILD = fileURLToPath(new URL('./open-store-child.ts', import.meta.url));
const PROCESSES = 4;
const FILES = Number(process.env.SQLITE_FILES ?? 400);
const EVERY_MS = 25;
const dir = mkdtempSync(join(tmpdir(), 'augment-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Starts a child; resolves once it has loaded the runner, with a function that starts it and collects its errors. */
function child(): Promise<(start: number) => Promise<string[]>> {
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD, dir, String(EVERY_MS), String(FILES)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let out = '';
  const done = new Promise<string[]>((resolve, reject) =>
    proc.once('exit', (code) => {
      try {
        resolve((JSON.parse(out.replace('READY', '')) as { errors: string[] }).errors);
      } catch {
        reject(new Error(`child exited with ${code}: ${out}`));
      }
    }),
  );
  return new Promise((resolve) => {
    proc.stdout.on('data', (d) => {
      out += String(d);
      if (out.startsWith('READY\n') && out.length === 6)
        resolve((start) => {
          proc.stdin.end(String(start));
          return done;
        });
    });
  });
}

describe('processes opening one fresh database together', () => {
  it(`all open it: ${PROCESSES} processes on ${FILES} fresh files, each opened by all at the same instant`, async () => {
    const children = await Promise.all(Array.from({ length: PROCESSES }, child));
    const start = Date.now() + 500;
    const errors = (await Promise.all(children.map((go) => go(start)))).flat();
    expect(errors).toEqual([]);
  }, 120_000);
});
