/** Cloning real git repositories: shallow, branches, transient credentials, timeout and cancel. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloneRepos, normalizeRepos, type RepoRef } from '../../runner/src/adapters/opencode/index.js';
import { makeRepo } from './git-fixture.js';
import { startGitHttpServer } from './git-http-server.js';

let root: string;
let origin: string;
let n = 0;
const local = { allowedHosts: [], maxRepos: 5, unsafeAllowLocalOrigins: true };
const fresh = () => join(root, `ws-${++n}`);
const base = () => ({
  workspaceDir: fresh(),
  gitHomeDir: join(root, `home-${n}`),
  shallow: true,
  timeoutMs: 20_000,
  unsafeAllowLocalOrigins: true,
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'augment-clone-'));
  origin = makeRepo(
    join(root, 'origin', 'inventory.git'),
    { 'src/stock.ts': 'export const stock = 1;\n' },
    { develop: { 'src/reserve.ts': 'export const reserve = 2;\n' } },
  );
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('cloneRepos', () => {
  it('clones the requested branch shallowly into the repository directory', async () => {
    const refs = normalizeRepos([{ url: `file://${origin}`, branch: 'develop' }], local);
    const opts = base();
    const [cloned] = await cloneRepos(refs, opts);
    expect(cloned?.localPath).toBe(join(opts.workspaceDir, 'inventory'));
    expect(statSync(join(cloned?.localPath as string, 'src/reserve.ts')).isFile()).toBe(true);
    const count = execFileSync('git', ['rev-list', '--count', 'HEAD'], { cwd: cloned?.localPath })
      .toString()
      .trim();
    expect(count).toBe('1');
    expect(readFileSync(join(cloned?.localPath as string, '.git/shallow'), 'utf8').trim()).toMatch(
      /^[0-9a-f]{40}$/,
    );
  });

  it('sends credentials as a per-command header that never lands in the clone', async () => {
    const server = await startGitHttpServer(join(root, 'origin'), {
      username: 'ci-bot',
      password: 'pa55-w0rd-secret',
    });
    try {
      const refs: RepoRef[] = normalizeRepos([`${server.url}/inventory.git`], local);
      const opts = { ...base(), credentials: { username: 'ci-bot', password: 'pa55-w0rd-secret' } };
      const [cloned] = await cloneRepos(refs, opts);
      const basic = Buffer.from('ci-bot:pa55-w0rd-secret').toString('base64');
      expect(server.authHeaders).toContain(`Basic ${basic}`);
      for (const file of filesUnder(join(cloned?.localPath as string, '.git'))) {
        const text = readFileSync(file).toString('latin1');
        expect(text, file).not.toContain('pa55-w0rd-secret');
        expect(text, file).not.toContain(basic);
      }
      expect(readFileSync(join(cloned?.localPath as string, '.git/config'), 'utf8')).not.toMatch(
        /extraheader/i,
      );
    } finally {
      await server.close();
    }
  });

  it('fails with a clear error that does not reveal the password when credentials are wrong', async () => {
    const server = await startGitHttpServer(join(root, 'origin'), {
      username: 'ci-bot',
      password: 'right-secret',
    });
    try {
      const refs = normalizeRepos([`${server.url}/inventory.git`], local);
      const err = await cloneRepos(refs, {
        ...base(),
        credentials: { username: 'ci-bot', password: 'wrong-secret-123' },
      }).catch((e) => e);
      expect(err).toMatchObject({ code: 'clone_failed' });
      expect(err.message).toContain('inventory');
      expect(err.message).not.toContain('wrong-secret-123');
    } finally {
      await server.close();
    }
  });

  it('gives up after the clone timeout', async () => {
    const server = await startGitHttpServer(join(root, 'origin'), { hang: true });
    try {
      const refs = normalizeRepos([`${server.url}/inventory.git`], local);
      const err = await cloneRepos(refs, { ...base(), timeoutMs: 1_500 }).catch((e) => e);
      expect(err).toMatchObject({ code: 'clone_timeout' });
    } finally {
      await server.close();
    }
  });

  it('stops when the job is cancelled', async () => {
    const server = await startGitHttpServer(join(root, 'origin'), { hang: true });
    try {
      const cancel = new AbortController();
      const refs = normalizeRepos([`${server.url}/inventory.git`], local);
      const pending = cloneRepos(refs, { ...base(), signal: cancel.signal }).catch((e) => e);
      setTimeout(() => cancel.abort(), 300);
      expect(await pending).toMatchObject({ code: 'cancelled' });
    } finally {
      await server.close();
    }
  });

  it('refuses the file transport unless local origins are explicitly allowed', async () => {
    const refs = normalizeRepos([`file://${origin}`], local);
    const err = await cloneRepos(refs, { ...base(), unsafeAllowLocalOrigins: false }).catch((e) => e);
    expect(err).toMatchObject({ code: 'clone_failed' });
  });
});
