import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UnsafeNameError } from '@augment/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { basicAuthHeader, GitWorkspaceManager, planHashesOf } from '../../runner/src/adapters/git/index.js';
import { createOrigin, type Origin, TEST_PATH } from './git-fixtures.js';
import { startGitHttpServer } from './git-http-server.js';

let origin: Origin;
let manager: GitWorkspaceManager;
const HASH = 'a'.repeat(64);
const DATE = new Date('2026-02-03T04:05:06Z');

beforeEach(() => {
  origin = createOrigin({
    'README.md': '# demo\n',
    'src/app.ts': 'export const x = 1;\n',
    'package.json': '{"scripts":{"test":"true"}}',
  });
  manager = new GitWorkspaceManager({
    baseDir: join(origin.root, 'workspaces'),
    pathEnv: TEST_PATH,
    allowLocalOrigins: true,
  });
});
afterEach(() => origin.cleanup());

describe('GitWorkspaceManager and GitWorkspace', () => {
  it('clones a fresh workspace per job at the base branch and describes it for the planner', async () => {
    const ws = await manager.cloneFresh('job-1', { cloneUrl: origin.url });
    expect(ws.dir).toBe(join(origin.root, 'workspaces', 'job-1'));
    expect(ws.info.baseBranch).toBe('main');
    expect(ws.info.baseSha).toBe(origin.git(['rev-parse', 'main']));
    const snap = await ws.snapshot();
    expect(snap.files).toEqual(['README.md', 'package.json', 'src/app.ts']);
    expect(snap.samples['package.json']).toContain('"test"');
    writeFileSync(join(ws.dir, 'junk.txt'), 'left over');
    const again = await manager.cloneFresh('job-1', { cloneUrl: origin.url });
    expect(existsSync(join(again.dir, 'junk.txt'))).toBe(false);
  });

  it('applies changes, reports the real diff, commits once with the plan trailer and pushes', async () => {
    const ws = await manager.cloneFresh('job-2', { cloneUrl: origin.url });
    await ws.checkoutBranch('augment/PROJ-1-demo', ws.info.baseSha);
    await ws.applyChanges([
      { action: 'add', path: 'docs/new.md', content: 'one\ntwo\n' },
      { action: 'modify', path: 'src/app.ts', content: 'export const x = 2;\n' },
      { action: 'rename', from: 'README.md', to: 'docs/README.md' },
    ]);
    expect(await ws.stagedDiff(ws.info.baseSha)).toEqual([
      { status: 'R', path: 'docs/README.md', old_path: 'README.md', additions: 0, deletions: 0 },
      { status: 'A', path: 'docs/new.md', additions: 2, deletions: 0 },
      { status: 'M', path: 'src/app.ts', additions: 1, deletions: 1 },
    ]);
    const sha = await ws.commit(`PROJ-1: demo\n\nAugment-Plan: ${HASH}`, DATE);
    expect(await ws.isClean()).toBe(true);
    expect(await ws.findPlanCommit(HASH, ws.info.baseSha, sha)).toBe(sha);
    expect(await ws.push('augment/PROJ-1-demo', sha, null)).toEqual({ pushed: true });
    expect(origin.git(['rev-parse', 'refs/heads/augment/PROJ-1-demo'])).toBe(sha);
    expect(await ws.push('augment/PROJ-1-demo', sha, null)).toEqual({ pushed: false });
    expect(planHashesOf(origin.git(['log', '-1', '--format=%B', sha]))).toEqual([HASH]);
  });

  it('rolls the workspace back to the recorded HEAD when a change fails midway', async () => {
    const ws = await manager.cloneFresh('job-3', { cloneUrl: origin.url });
    const head = await ws.headSha();
    await expect(
      ws.transaction(() =>
        ws.applyChanges([
          { action: 'add', path: 'docs/new.md', content: 'x' },
          { action: 'modify', path: 'src/app.ts', content: 'changed' },
          { action: 'delete', path: 'does/not/exist.ts' },
        ]),
      ),
    ).rejects.toMatchObject({ code: 'change_conflict' });
    expect(await ws.headSha()).toBe(head);
    expect(await ws.isClean()).toBe(true);
    expect(readFileSync(join(ws.dir, 'src/app.ts'), 'utf8')).toBe('export const x = 1;\n');
    expect(existsSync(join(ws.dir, 'docs'))).toBe(false);
  });

  it('never writes outside the working tree: no escaping paths, no writing through symlinks', async () => {
    const ws = await manager.cloneFresh('job-4', { cloneUrl: origin.url });
    const outside = join(origin.root, 'outside');
    mkdirSync(outside);
    symlinkSync(outside, join(ws.dir, 'linked'));
    symlinkSync(join(outside, 'f.txt'), join(ws.dir, 'file-link'));
    await expect(
      ws.applyChanges([{ action: 'add', path: 'linked/evil.txt', content: 'x' }]),
    ).rejects.toMatchObject({
      code: 'unsafe_change',
    });
    await expect(ws.applyChanges([{ action: 'add', path: 'file-link', content: 'x' }])).rejects.toMatchObject(
      {
        code: 'unsafe_change',
      },
    );
    for (const path of ['../escape.txt', '/tmp/abs.txt', '.git/hooks/post-commit', '-rf']) {
      await expect(ws.applyChanges([{ action: 'add', path, content: 'x' }])).rejects.toBeInstanceOf(
        UnsafeNameError,
      );
    }
    expect(existsSync(join(outside, 'evil.txt'))).toBe(false);
    expect(existsSync(join(outside, 'f.txt'))).toBe(false);
    expect(existsSync(join(origin.root, 'workspaces', 'escape.txt'))).toBe(false);
    expect(existsSync(join(ws.dir, '.git', 'hooks', 'post-commit'))).toBe(false);
  });

  it('applies a one-file patch and refuses a patch that touches another file', async () => {
    const ws = await manager.cloneFresh('job-5', { cloneUrl: origin.url });
    const patch =
      '--- a/src/app.ts\n+++ b/src/app.ts\n@@ -1 +1 @@\n-export const x = 1;\n+export const x = 3;\n';
    await ws.applyChanges([{ action: 'modify', path: 'src/app.ts', patch }]);
    expect(readFileSync(join(ws.dir, 'src/app.ts'), 'utf8')).toBe('export const x = 3;\n');
    const sneaky = '--- a/README.md\n+++ b/README.md\n@@ -1 +1 @@\n-# demo\n+# hacked\n';
    await expect(
      ws.applyChanges([{ action: 'modify', path: 'src/app.ts', patch: sneaky }]),
    ).rejects.toMatchObject({
      code: 'unsafe_change',
    });
    expect(readFileSync(join(ws.dir, 'README.md'), 'utf8')).toBe('# demo\n');
  });

  it('refuses branch names and URLs that git could read as options or helpers', async () => {
    const ws = await manager.cloneFresh('job-6', { cloneUrl: origin.url });
    await expect(ws.checkoutBranch('--upload-pack=touch /tmp/pwned', ws.info.baseSha)).rejects.toBeInstanceOf(
      UnsafeNameError,
    );
    await expect(ws.push('-f', ws.info.baseSha, null)).rejects.toBeInstanceOf(UnsafeNameError);
    await expect(
      manager.cloneFresh('job-7', { cloneUrl: origin.url, baseBranch: '--orphan' }),
    ).rejects.toBeInstanceOf(UnsafeNameError);
    const strict = new GitWorkspaceManager({ baseDir: join(origin.root, 'ws2'), pathEnv: TEST_PATH });
    for (const url of [
      'ext::sh -c touch% /tmp/pwned',
      '--upload-pack=evil',
      origin.url,
      'http://example.com/a/b.git',
      'https://u:p@example.com/a/b.git',
    ]) {
      await expect(strict.cloneFresh('job-8', { cloneUrl: url })).rejects.toMatchObject({
        code: 'clone_failed',
      });
    }
    expect(() => manager.workspaceDir('../other')).toThrow();
  });

  it('refuses to push over a branch that changed since the job looked at it', async () => {
    const ws = await manager.cloneFresh('job-9', { cloneUrl: origin.url });
    await ws.checkoutBranch('augment/PROJ-2', ws.info.baseSha);
    await ws.applyChanges([{ action: 'add', path: 'a.md', content: 'a' }]);
    const sha = await ws.commit('mine', DATE);
    origin.commit('augment/PROJ-2', { 'someone-else.md': 'theirs' });
    await expect(ws.push('augment/PROJ-2', sha, null)).rejects.toMatchObject({ code: 'push_rejected' });
  });

  it('reproduces the same commit from the stored patch on a fresh clone', async () => {
    const ws = await manager.cloneFresh('job-10', { cloneUrl: origin.url });
    await ws.checkoutBranch('augment/PROJ-3', ws.info.baseSha);
    await ws.applyChanges([
      { action: 'add', path: 'docs/x.md', content: 'x\n' },
      { action: 'delete', path: 'README.md' },
    ]);
    const sha = await ws.commit(`msg\n\nAugment-Plan: ${HASH}`, DATE);
    const patch = await ws.patch(ws.info.baseSha, sha);
    const rebuilt = await manager.cloneFresh('job-10', { cloneUrl: origin.url });
    await rebuilt.checkoutBranch('augment/PROJ-3', ws.info.baseSha);
    await rebuilt.applyPatch(patch);
    expect(await rebuilt.commit(`msg\n\nAugment-Plan: ${HASH}`, DATE)).toBe(sha);
  });
});

describe('credentials', () => {
  it('authenticates over HTTP with a header and never stores the secret in .git/config', async () => {
    const credentials = { username: 'x-access-token', password: 'ghp_SuperSecretToken123' };
    const server = await startGitHttpServer(origin.root, basicAuthHeader(credentials));
    try {
      const cloneUrl = `${server.url}/repo.git`;
      const ws = await manager.cloneFresh('job-http', { cloneUrl, credentials });
      expect(ws.info.baseBranch).toBe('main');
      await ws.checkoutBranch('augment/PROJ-4', ws.info.baseSha);
      await ws.applyChanges([{ action: 'add', path: 'docs/a.md', content: 'a' }]);
      const sha = await ws.commit('over http', DATE);
      await ws.push('augment/PROJ-4', sha, null);
      expect(origin.git(['rev-parse', 'refs/heads/augment/PROJ-4'])).toBe(sha);

      const config = readFileSync(join(ws.dir, '.git', 'config'), 'utf8');
      expect(config).not.toContain(credentials.password);
      expect(config).not.toContain(basicAuthHeader(credentials).slice(6));
      expect(config).not.toMatch(/extraheader/i);
      expect(config).toContain(`url = ${cloneUrl}`);

      const wrong = { ...credentials, password: 'ghp_WrongToken456' };
      const err = await manager
        .cloneFresh('job-http-2', { cloneUrl, credentials: wrong })
        .catch((e: Error) => e);
      expect(err).toMatchObject({ code: 'clone_failed' });
      expect(String((err as Error).message)).not.toContain('ghp_WrongToken456');
      expect(server.requests.every((r) => r.headers.authorization?.startsWith('Basic '))).toBe(true);
    } finally {
      await server.close();
    }
  });
});
