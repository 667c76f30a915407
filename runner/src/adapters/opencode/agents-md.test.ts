import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AGENTS_MD_MAX_BYTES,
  distributeAgentsMd,
  renderAgentsSection,
  SECTION_END,
  SECTION_START,
  upsertAgentsMd,
} from './agents-md.js';

let ws: string;
const section = renderAgentsSection(
  [
    { kind: 'bitbucket', name: 'bitbucket-acme', workspace: 'acme' },
    { kind: 'atlassian', name: 'atlassian' },
  ],
  '/app/opencode.json',
);
const count = (text: string, needle: string) => text.split(needle).length - 1;

beforeEach(() => {
  ws = mkdtempSync(join(tmpdir(), 'augment-agents-'));
});
afterEach(() => rmSync(ws, { recursive: true, force: true }));

describe('Agents.md distribution', () => {
  it('describes the MCP servers, the read-only rule and the config path', () => {
    expect(section).toContain('`bitbucket-acme`');
    expect(section).toContain('`atlassian`');
    expect(section).toMatch(/read-only/);
    expect(section).toContain('/app/opencode.json');
    expect(section.startsWith(SECTION_START)).toBe(true);
  });

  it('creates the file in the workspace and every repository root', async () => {
    mkdirSync(join(ws, 'api'));
    mkdirSync(join(ws, 'web'));
    const out = await distributeAgentsMd(ws, [join(ws, 'api'), join(ws, 'web')], section);
    expect(out.map((o) => o.status)).toEqual(['created', 'created', 'created']);
    for (const dir of [ws, join(ws, 'api'), join(ws, 'web')])
      expect(readFileSync(join(dir, 'Agents.md'), 'utf8')).toBe(section);
  });

  it('appends to an existing file, keeping its content, and does it only once', async () => {
    writeFileSync(join(ws, 'Agents.md'), '# Team rules\nUse tabs.');
    expect((await upsertAgentsMd(ws, ws, section)).status).toBe('appended');
    expect((await upsertAgentsMd(ws, ws, section)).status).toBe('unchanged');
    const text = readFileSync(join(ws, 'Agents.md'), 'utf8');
    expect(text.startsWith('# Team rules\nUse tabs.\n\n')).toBe(true);
    expect(count(text, SECTION_START)).toBe(1);
  });

  it('refreshes its own section in place when the content changes', async () => {
    writeFileSync(join(ws, 'Agents.md'), `intro\n\n${section}outro\n`);
    const changed = renderAgentsSection([], '/other/opencode.json');
    expect((await upsertAgentsMd(ws, ws, changed)).status).toBe('updated');
    const text = readFileSync(join(ws, 'Agents.md'), 'utf8');
    expect(text).toBe(`intro\n\n${changed}outro\n`);
    expect(count(text, SECTION_END)).toBe(1);
  });

  it('uses an existing AGENTS.md instead of creating a second file', async () => {
    writeFileSync(join(ws, 'AGENTS.md'), 'upper case rules\n');
    const out = await upsertAgentsMd(ws, ws, section);
    expect(out).toMatchObject({ status: 'appended', path: join(ws, 'AGENTS.md') });
    expect(readdirSync(ws).filter((f) => f.toLowerCase() === 'agents.md')).toEqual(['AGENTS.md']);
  });

  it('keeps the bytes of a latin1 file and appends after them', async () => {
    const original = Buffer.from('Caf\xe9 r\xe8gles\n', 'latin1');
    writeFileSync(join(ws, 'Agents.md'), original);
    const out = await upsertAgentsMd(ws, ws, section);
    expect(out).toMatchObject({ status: 'appended', encoding: 'latin1' });
    const bytes = readFileSync(join(ws, 'Agents.md'));
    expect(bytes.subarray(0, original.length).equals(original)).toBe(true);
    expect(bytes.subarray(original.length).toString('latin1')).toBe(`\n${section}`);
  });

  it('skips UTF-16 files, symlinks, and files over 10 MB', async () => {
    mkdirSync(join(ws, 'a'));
    mkdirSync(join(ws, 'b'));
    mkdirSync(join(ws, 'c'));
    writeFileSync(join(ws, 'a', 'Agents.md'), Buffer.from([0xff, 0xfe, 0x41, 0x00]));
    writeFileSync(join(ws, 'outside.md'), 'secret');
    symlinkSync(join(ws, 'outside.md'), join(ws, 'b', 'Agents.md'));
    writeFileSync(join(ws, 'c', 'Agents.md'), Buffer.alloc(AGENTS_MD_MAX_BYTES + 1, 0x61));
    const warnings: string[] = [];
    const out = await distributeAgentsMd(
      ws,
      ['a', 'b', 'c'].map((d) => join(ws, d)),
      section,
      (m, d) => warnings.push(`${m}: ${String(d.reason)}`),
    );
    expect(out.slice(1).map((o) => o.status)).toEqual(['skipped', 'skipped', 'skipped']);
    expect(warnings.join('\n')).toMatch(/UTF-16[\s\S]*symbolic link[\s\S]*larger than/);
    expect(readFileSync(join(ws, 'outside.md'), 'utf8')).toBe('secret');
  });

  it('refuses directories outside the workspace, including through a symlink', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'augment-outside-'));
    try {
      symlinkSync(outside, join(ws, 'escape'));
      expect((await upsertAgentsMd(ws, outside, section)).status).toBe('skipped');
      expect((await upsertAgentsMd(ws, join(ws, 'escape'), section)).status).toBe('skipped');
      expect((await upsertAgentsMd(ws, join(ws, '..'), section)).status).toBe('skipped');
      expect(readdirSync(outside)).toEqual([]);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('leaves no temporary files behind', async () => {
    writeFileSync(join(ws, 'Agents.md'), 'x\n');
    await upsertAgentsMd(ws, ws, section);
    expect(readdirSync(ws)).toEqual(['Agents.md']);
  });
});
