/**
 * Agents.md distribution: OpenCode's MCP guidance is written into each repository root and the
 * workspace root. An existing file keeps its content and gets the section appended (or refreshed in
 * place between its markers), so running twice never duplicates it.
 */
import { randomBytes } from 'node:crypto';
import type { Stats } from 'node:fs';
import { lstat, readdir, readFile, realpath, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, sep } from 'node:path';

export const AGENTS_MD = 'Agents.md';
export const AGENTS_MD_MAX_BYTES = 10 * 1024 * 1024;
export const SECTION_START = '<!-- augment:opencode-mcp:start -->';
export const SECTION_END = '<!-- augment:opencode-mcp:end -->';

export interface McpServerInfo {
  /** Name in opencode.json, e.g. `bitbucket-acme` or `atlassian`. */
  name: string;
  kind: 'bitbucket' | 'atlassian';
  workspace?: string;
}

export type AgentsMdOutcome =
  | { status: 'created' | 'appended' | 'updated' | 'unchanged'; path: string; encoding: 'utf8' | 'latin1' }
  | { status: 'skipped'; path: string; reason: string };

export type AgentsMdWarn = (message: string, detail: Record<string, unknown>) => void;

/** The guidance section (ASCII only, so it can be appended to a latin1 file byte for byte). */
export function renderAgentsSection(servers: readonly McpServerInfo[], configPath: string): string {
  const bitbucket = servers.filter((s) => s.kind === 'bitbucket');
  const atlassian = servers.filter((s) => s.kind === 'atlassian');
  const lines = [
    SECTION_START,
    '## OpenCode MCP integration (added by Augment)',
    '',
    'This workspace was prepared for a read-only analysis. The repositories are local clones.',
    '',
    '### Available MCP servers',
    ...(bitbucket.length === 0 && atlassian.length === 0 ? ['- none are configured for this run'] : []),
    ...bitbucket.map(
      (s) =>
        `- \`${s.name}\`: Bitbucket workspace \`${s.workspace ?? ''}\` (repositories, files, pull requests, commits)`,
    ),
    ...atlassian.map((s) => `- \`${s.name}\`: Jira issues and Confluence pages`),
    '',
    '### When to use which',
    '- Code in the cloned repositories: read the local files first; they are the source of truth for this job.',
    '- Other repositories, pull requests or commit history: the Bitbucket MCP server of that workspace.',
    '- Tickets, epics, requirements and documentation: the Atlassian MCP server.',
    '',
    '### Rules',
    '- Everything is read-only: never create, edit, comment on, transition or delete anything through MCP.',
    '- Always fetch real data instead of guessing issue contents, file paths or APIs.',
    '- Keep MCP calls few and targeted; prefer one precise query over many broad ones.',
    '- Do not modify repository files. The only file you write is the result file the task asks for.',
    '',
    `MCP configuration: \`${configPath}\``,
    SECTION_END,
    '',
  ];
  const text = lines.join('\n');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the range check is the point
  if (/[^\u0000-\u007f]/.test(text)) throw new Error('Agents.md section must be ASCII');
  return text;
}

function decode(buf: Buffer): { text: string; encoding: 'utf8' | 'latin1' } | { error: string } {
  if ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff)) {
    return { error: 'the file is UTF-16 encoded' };
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(buf), encoding: 'utf8' };
  } catch {
    // latin1 maps every byte to one code point, so the original bytes survive a round trip.
    return { text: buf.toString('latin1'), encoding: 'latin1' };
  }
}

/** Writes next to the target and renames over it, so readers never see a half-written file. */
export async function writeFileAtomic(path: string, data: Buffer | string, mode?: number): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, data, { flag: 'wx', mode: mode ?? 0o644 });
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

async function within(root: string, dir: string): Promise<string | undefined> {
  if (!isAbsolute(dir)) return undefined;
  const realRoot = await realpath(root);
  let realDir: string;
  try {
    realDir = await realpath(dir);
  } catch {
    return undefined;
  }
  const rel = relative(realRoot, realDir);
  if (rel === '' || (!rel.startsWith('..') && !isAbsolute(rel) && !rel.split(sep).includes('..')))
    return realDir;
  return undefined;
}

/** The existing agents file of a directory, matched case-insensitively (AGENTS.md, agents.md, ...). */
async function existingAgentsFile(dir: string): Promise<string | undefined> {
  const names = (await readdir(dir)).filter((n) => n.toLowerCase() === AGENTS_MD.toLowerCase());
  if (names.includes(AGENTS_MD)) return AGENTS_MD;
  return names.sort()[0];
}

/**
 * Creates `Agents.md` in `dir` with `section`, or adds the section to the directory's existing agents
 * file. `root` bounds where writing is allowed (symlinks pointing out of it are refused). Never throws
 * for a file it cannot handle: it reports `skipped` with the reason.
 */
export async function upsertAgentsMd(root: string, dir: string, section: string): Promise<AgentsMdOutcome> {
  const realDir = await within(root, dir);
  const guess = join(dir, AGENTS_MD);
  if (!realDir) return { status: 'skipped', path: guess, reason: 'the directory is outside the workspace' };
  const dirStat = await lstat(realDir);
  if (!dirStat.isDirectory()) return { status: 'skipped', path: guess, reason: 'not a directory' };

  const name = (await existingAgentsFile(realDir)) ?? AGENTS_MD;
  const path = join(realDir, name);
  let st: Stats | undefined;
  try {
    st = await lstat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (!st) {
    await writeFileAtomic(path, section);
    return { status: 'created', path, encoding: 'utf8' };
  }
  if (st.isSymbolicLink()) return { status: 'skipped', path, reason: 'the existing file is a symbolic link' };
  if (!st.isFile()) return { status: 'skipped', path, reason: 'the existing path is not a regular file' };
  if (st.size > AGENTS_MD_MAX_BYTES) {
    return {
      status: 'skipped',
      path,
      reason: `the existing file is larger than ${AGENTS_MD_MAX_BYTES} bytes`,
    };
  }

  const decoded = decode(await readFile(path));
  if ('error' in decoded) return { status: 'skipped', path, reason: decoded.error };
  const { text, encoding } = decoded;
  const start = text.indexOf(SECTION_START);
  const end = start >= 0 ? text.indexOf(SECTION_END, start) : -1;
  let next: string;
  let status: 'appended' | 'updated' | 'unchanged';
  if (start >= 0 && end >= 0) {
    const tail = text.slice(end + SECTION_END.length).replace(/^\r?\n/, '');
    next = text.slice(0, start) + section + tail;
    status = next === text ? 'unchanged' : 'updated';
  } else {
    const sep = text.length === 0 || text.endsWith('\n\n') ? '' : text.endsWith('\n') ? '\n' : '\n\n';
    next = text + sep + section;
    status = 'appended';
  }
  if (status !== 'unchanged') await writeFileAtomic(path, Buffer.from(next, encoding), st.mode & 0o777);
  return { status, path, encoding };
}

/**
 * Writes the section into the workspace root and every repository root. Problems with one file are
 * reported through `warn` and do not stop the others.
 */
export async function distributeAgentsMd(
  workspaceDir: string,
  repoDirs: readonly string[],
  section: string,
  warn?: AgentsMdWarn,
): Promise<AgentsMdOutcome[]> {
  const out: AgentsMdOutcome[] = [];
  for (const dir of [workspaceDir, ...repoDirs]) {
    try {
      const outcome = await upsertAgentsMd(workspaceDir, dir, section);
      if (outcome.status === 'skipped')
        warn?.('Agents.md skipped', { path: outcome.path, reason: outcome.reason });
      out.push(outcome);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      warn?.('Agents.md could not be written', { dir, reason });
      out.push({ status: 'skipped', path: join(dir, AGENTS_MD), reason });
    }
  }
  return out;
}
