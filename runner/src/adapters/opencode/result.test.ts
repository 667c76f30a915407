import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { readResultFile } from './result.js';

const Schema = z.object({ tasks: z.array(z.object({ title: z.string() })).min(1) });
let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'augment-result-'));
  path = join(dir, 'result.json');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const read = (maxBytes = 1000, lastText?: string) =>
  readResultFile(path, Schema, { maxBytes, settleMs: 1, ...(lastText ? { lastText } : {}) }).catch((e) => e);

describe('readResultFile', () => {
  it('returns the parsed result when it matches the schema', async () => {
    writeFileSync(path, JSON.stringify({ tasks: [{ title: 'a' }] }));
    expect(await read()).toEqual({ tasks: [{ title: 'a' }] });
  });

  it('accepts a result wrapped in a markdown fence', async () => {
    writeFileSync(path, '```json\n{"tasks":[{"title":"a"}]}\n```\n');
    expect(await read()).toEqual({ tasks: [{ title: 'a' }] });
  });

  it('reports a missing file with the agent last words', async () => {
    const err = await read(1000, 'I could not find the repository');
    expect(err).toMatchObject({ code: 'result_missing' });
    expect(err.message).toContain('I could not find the repository');
  });

  it('reports invalid JSON', async () => {
    writeFileSync(path, '{"tasks": [');
    expect(await read()).toMatchObject({ code: 'result_invalid_json' });
  });

  it('reports a schema mismatch naming the field', async () => {
    writeFileSync(path, JSON.stringify({ tasks: [] }));
    const err = await read();
    expect(err).toMatchObject({ code: 'result_invalid' });
    expect(err.message).toContain('tasks');
  });

  it('refuses a file over the size limit without parsing it', async () => {
    writeFileSync(path, JSON.stringify({ tasks: [{ title: 'x'.repeat(2000) }] }));
    const err = await read(1000);
    expect(err).toMatchObject({ code: 'result_too_large', details: { max: 1000 } });
  });

  it('refuses a symlink instead of following it', async () => {
    writeFileSync(join(dir, 'other.json'), JSON.stringify({ tasks: [{ title: 'a' }] }));
    symlinkSync(join(dir, 'other.json'), path);
    expect(await read()).toMatchObject({ code: 'result_invalid' });
  });
});
