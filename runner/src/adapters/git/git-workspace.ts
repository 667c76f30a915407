/**
 * One job's git working copy. Every command goes through simple-git with an explicit environment
 * (see git-env.ts), every user-derived name is checked before it reaches a command line and sits after a
 * `--` where git allows one, and every file write is confined to the working tree (symlinks refused).
 */
import { randomUUID } from 'node:crypto';
import { lstat, mkdir, readFile, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import {
  assertSafeBranchName,
  assertSafeRepoPath,
  type DiffEntry,
  type FileChange,
  type RepoSnapshot,
} from '@augment/shared';
import type { SimpleGit } from 'simple-git';
import { AppError, redactedCause } from '../../errors.js';
import { scrubSecrets } from '../../logger.js';
import { combineDiff } from './parse-diff.js';

export type GitErrorCode =
  | 'clone_failed'
  | 'git_failed'
  | 'unsafe_change'
  | 'change_conflict'
  | 'push_rejected'
  | 'timeout'
  | 'cancelled';

const GIT_STATUS: Record<GitErrorCode, 409 | 422 | 499 | 500 | 502 | 504> = {
  clone_failed: 502,
  git_failed: 500,
  unsafe_change: 422,
  change_conflict: 409,
  push_rejected: 409,
  timeout: 504,
  cancelled: 499,
};

/** A git failure of a workspace; `cause` is a redacted copy of what simple-git threw. */
export class GitWorkspaceError extends AppError {
  declare readonly code: GitErrorCode;
  declare readonly details: Record<string, unknown>;
  constructor(code: GitErrorCode, message: string, details: Record<string, unknown> = {}, cause?: unknown) {
    super(GIT_STATUS[code], code, message, details, { cause });
    this.name = 'GitWorkspaceError';
  }
}

/** Trailer that binds a commit to the plan it implements. */
export const PLAN_TRAILER = 'Augment-Plan';

export interface CommitInfo {
  sha: string;
  message: string;
}

/** A simple-git instance for this workspace, with optional extra environment for one command. */
export type GitRunner = (extraEnv?: Record<string, string>) => SimpleGit;

export interface WorkspaceInfo {
  dir: string;
  /** Branch the workspace was cloned at (the PR's base). */
  baseBranch: string;
  /** Commit of the base branch at clone time. */
  baseSha: string;
  remoteUrl: string;
}

const SAMPLE_FILES = ['package.json', 'pyproject.toml', 'README.md', 'go.mod', 'Cargo.toml', 'pom.xml'];

export class GitWorkspace {
  constructor(
    readonly info: WorkspaceInfo,
    private readonly git: GitRunner,
    private readonly secrets: readonly string[],
    /** A directory outside the working tree for temporary files (patches). */
    private readonly scratchDir: string,
  ) {}

  get dir(): string {
    return this.info.dir;
  }

  /** Runs a git command, turning failures into scrubbed GitWorkspaceErrors. */
  async run(
    args: string[],
    options: { env?: Record<string, string>; code?: GitErrorCode } = {},
  ): Promise<string> {
    try {
      return await this.git(options.env).raw(args);
    } catch (err) {
      throw toWorkspaceError(err, options.code ?? 'git_failed', `git ${args[0]}`, this.secrets);
    }
  }

  async headSha(): Promise<string> {
    return (await this.run(['rev-parse', '--verify', 'HEAD^{commit}'])).trim();
  }

  /** The tip of `branch` on origin, or null when it does not exist there. */
  async remoteBranchSha(branch: string): Promise<string | null> {
    assertSafeBranchName(branch);
    const out = await this.run(['ls-remote', '--heads', 'origin', '--', `refs/heads/${branch}`]);
    const sha = out
      .split('\n')
      .find((l) => l.endsWith(`\trefs/heads/${branch}`))
      ?.split('\t')[0];
    return sha ?? null;
  }

  /** Fetches `branch` from origin into `refs/remotes/origin/<branch>`; its sha, or null when absent. */
  async fetchBranch(branch: string): Promise<string | null> {
    const sha = await this.remoteBranchSha(branch);
    if (!sha) return null;
    await this.run([
      'fetch',
      '--no-tags',
      'origin',
      '--',
      `+refs/heads/${branch}:refs/remotes/origin/${branch}`,
    ]);
    return sha;
  }

  /** Commits reachable from `to` but not from `from`, newest first. */
  async commitsBetween(from: string, to: string): Promise<CommitInfo[]> {
    const out = await this.run(['log', '--format=%H%x1f%B%x1e', `${checkSha(from)}..${checkSha(to)}`, '--']);
    return out
      .split('\x1e')
      .map((r) => r.trim())
      .filter(Boolean)
      .map((r) => {
        const [sha, message] = r.split('\x1f');
        return { sha: sha!.trim(), message: (message ?? '').trim() };
      });
  }

  /** The newest commit in `from..to` whose message carries `Augment-Plan: <hash>`, or null. */
  async findPlanCommit(hash: string, from: string, to: string): Promise<string | null> {
    const commits = await this.commitsBetween(from, to);
    return commits.find((c) => planHashesOf(c.message).includes(hash))?.sha ?? null;
  }

  /** Creates (or resets) local `branch` at `startSha` and checks it out. */
  async checkoutBranch(branch: string, startSha: string): Promise<void> {
    assertSafeBranchName(branch);
    await this.run(['checkout', '-q', '-B', branch, checkSha(startSha)]);
  }

  /**
   * Runs `fn` as a transaction on the working tree: on any error the tree goes back to the commit that
   * was checked out before (`reset --hard` + `clean -ffdx`) and the error is rethrown.
   */
  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    const start = await this.headSha();
    try {
      return await fn();
    } catch (err) {
      await this.rollback(start);
      throw err;
    }
  }

  /** Discards every change, staged or not, tracked or not, and returns to `sha`. */
  async rollback(sha: string): Promise<void> {
    await this.run(['reset', '-q', '--hard', checkSha(sha)]);
    await this.run(['clean', '-q', '-ffdx']);
  }

  /** True when the working tree and index match HEAD (untracked files count as changes). */
  async isClean(): Promise<boolean> {
    return (await this.run(['status', '--porcelain', '--untracked-files=all'])).trim() === '';
  }

  /**
   * Writes the changes into the working tree, then stages everything (planned paths are force-added so
   * a .gitignore cannot silently drop them). Paths are re-checked here whatever produced them.
   */
  async applyChanges(changes: readonly FileChange[]): Promise<void> {
    const forced: string[] = [];
    let n = 0;
    for (const change of changes) {
      switch (change.action) {
        case 'add': {
          const abs = await this.resolveForWrite(change.path);
          if (await exists(abs)) throw conflict(change.path, 'it already exists');
          await writeFile(abs, change.content);
          forced.push(change.path);
          break;
        }
        case 'modify': {
          const abs = await this.resolveForWrite(change.path);
          if (!(await isRegularFile(abs))) throw conflict(change.path, 'it is not an existing regular file');
          if (change.content !== undefined) await writeFile(abs, change.content);
          else await this.applyFilePatch(change.path, change.patch ?? '', n++);
          forced.push(change.path);
          break;
        }
        case 'delete': {
          const abs = await this.resolveForWrite(change.path);
          const st = await lstat(abs).catch(() => null);
          if (!st || st.isDirectory()) throw conflict(change.path, 'there is no such file to delete');
          await unlink(abs);
          break;
        }
        case 'rename': {
          const from = await this.resolveForWrite(change.from);
          const to = await this.resolveForWrite(change.to);
          if (!(await isRegularFile(from)))
            throw conflict(change.from, 'the rename source is not a regular file');
          if (await exists(to)) throw conflict(change.to, 'the rename target already exists');
          await rename(from, to);
          if (change.content !== undefined) await writeFile(to, change.content);
          forced.push(change.to);
          break;
        }
      }
    }
    await this.stageAll(forced);
  }

  /** Stages every change in the tree, plus `forcePaths` even when ignored. */
  async stageAll(forcePaths: readonly string[] = []): Promise<void> {
    await this.run(['add', '-A']);
    for (let i = 0; i < forcePaths.length; i += 100) {
      const batch = forcePaths.slice(i, i + 100).map(assertSafeRepoPath);
      await this.run(['add', '-f', '--', ...batch]);
    }
  }

  /** The staged diff against `sha` (renames detected). */
  async stagedDiff(sha: string): Promise<DiffEntry[]> {
    const base = checkSha(sha);
    const names = await this.run(['diff', '--cached', '-M', '-z', '--name-status', base, '--']);
    const nums = await this.run(['diff', '--cached', '-M', '-z', '--numstat', base, '--']);
    return combineDiff(names, nums);
  }

  /** The diff between two commits (renames detected). */
  async diff(from: string, to: string): Promise<DiffEntry[]> {
    const range = [checkSha(from), checkSha(to)];
    const names = await this.run(['diff', '-M', '-z', '--name-status', ...range, '--']);
    const nums = await this.run(['diff', '-M', '-z', '--numstat', ...range, '--']);
    return combineDiff(names, nums);
  }

  /** A binary-safe patch between two commits; `applyPatch` reproduces the tree from it. */
  async patch(from: string, to: string): Promise<string> {
    return this.run(['diff', '--binary', '--full-index', '-M', checkSha(from), checkSha(to), '--']);
  }

  /** Applies a patch made by `patch()` to the working tree and index. */
  async applyPatch(patchText: string): Promise<void> {
    if (!patchText.trim()) return;
    const file = await this.scratchFile('rebuild.patch', patchText);
    try {
      await this.run(['apply', '--index', '--binary', '--whitespace=nowarn', file], {
        code: 'change_conflict',
      });
    } finally {
      await rm(file, { force: true });
    }
  }

  /**
   * Commits the index. `date` fixes author and committer dates, so the same tree, parent, author and
   * message always give the same commit: a workspace rebuilt on another worker reproduces the same sha.
   */
  async commit(message: string, date: Date): Promise<string> {
    const when = `${Math.floor(date.getTime() / 1000)} +0000`;
    await this.run(['commit', '-q', '--no-verify', '--no-gpg-sign', '--allow-empty-message', '-m', message], {
      env: { GIT_AUTHOR_DATE: when, GIT_COMMITTER_DATE: when },
    });
    return this.headSha();
  }

  /**
   * Pushes `sha` to `refs/heads/<branch>` on origin. `expectedRemoteSha` is what the branch was when the
   * job looked (null: it must not exist), enforced with --force-with-lease so nobody's work is overwritten.
   * A branch that already points at `sha` is left alone (retry after a successful push).
   */
  async push(branch: string, sha: string, expectedRemoteSha: string | null): Promise<{ pushed: boolean }> {
    assertSafeBranchName(branch);
    const current = await this.remoteBranchSha(branch);
    if (current === sha) return { pushed: false };
    const lease = `--force-with-lease=refs/heads/${branch}:${expectedRemoteSha ? checkSha(expectedRemoteSha) : ''}`;
    await this.run(
      ['push', '--porcelain', '--no-verify', lease, 'origin', '--', `${checkSha(sha)}:refs/heads/${branch}`],
      {
        code: 'push_rejected',
      },
    );
    return { pushed: true };
  }

  /** Tracked files (at most `max`) and a few well-known files' contents, for the planner. */
  async snapshot(max = 5000, maxSampleBytes = 20_000): Promise<RepoSnapshot> {
    const out = await this.run(['ls-files', '-z']);
    const all = out.split('\0').filter(Boolean);
    const samples: Record<string, string> = {};
    for (const name of SAMPLE_FILES) {
      if (!all.includes(name)) continue;
      const text = await this.readTextFile(name, maxSampleBytes);
      if (text !== null) samples[name] = text;
    }
    return {
      url: this.info.remoteUrl,
      default_branch: this.info.baseBranch,
      head_sha: await this.headSha(),
      files: all.slice(0, max),
      truncated: all.length > max,
      samples,
    };
  }

  /** A text file of the working tree (null when missing or not a regular file), cut to `maxBytes`. */
  async readTextFile(path: string, maxBytes = 1_000_000): Promise<string | null> {
    const abs = await this.resolveForWrite(assertSafeRepoPath(path), false);
    if (!(await isRegularFile(abs))) return null;
    const buf = await readFile(abs);
    return buf.subarray(0, maxBytes).toString('utf8');
  }

  /**
   * The absolute path of `rel` inside the working tree. Each existing ancestor must be a real directory
   * (a symlinked directory could point anywhere) and the file itself must not be a symlink; missing
   * directories are created when `create` is set.
   */
  private async resolveForWrite(rel: string, create = true): Promise<string> {
    assertSafeRepoPath(rel);
    const root = resolve(this.dir);
    const abs = resolve(root, rel);
    if (!abs.startsWith(root + sep)) throw unsafe(rel, 'it resolves outside the workspace');
    const parts = relative(root, abs).split(sep);
    let cur = root;
    for (const part of parts.slice(0, -1)) {
      cur = join(cur, part);
      const st = await lstat(cur).catch(() => null);
      if (!st) {
        if (!create) return abs;
        await mkdir(cur);
      } else if (st.isSymbolicLink()) throw unsafe(rel, `${relative(root, cur)} is a symbolic link`);
      else if (!st.isDirectory()) throw conflict(rel, `${relative(root, cur)} is a file, not a directory`);
    }
    const st = await lstat(abs).catch(() => null);
    if (st?.isSymbolicLink()) throw unsafe(rel, 'it is a symbolic link');
    return abs;
  }

  /** Applies a unified diff that must touch exactly `path` (nothing else, no renames). */
  private async applyFilePatch(path: string, patchText: string, n: number): Promise<void> {
    const file = await this.scratchFile(`change-${n}.patch`, patchText);
    try {
      const stat = await this.run(['apply', '--numstat', '-z', file], { code: 'change_conflict' });
      const touched = stat
        .split('\0')
        .filter(Boolean)
        .map((l) => l.split('\t')[2] ?? '');
      if (touched.length !== 1 || touched[0] !== path) {
        throw unsafe(
          path,
          `the patch touches ${touched.map((t) => JSON.stringify(t)).join(', ') || 'nothing'}`,
        );
      }
      await this.run(['apply', '--whitespace=nowarn', file], { code: 'change_conflict' });
    } finally {
      await rm(file, { force: true });
    }
  }

  private async scratchFile(name: string, content: string): Promise<string> {
    await mkdir(this.scratchDir, { recursive: true });
    const file = join(this.scratchDir, `${randomUUID()}-${name}`);
    await writeFile(file, content);
    return file;
  }
}

/** Plan hashes named by `Augment-Plan:` trailers in a commit message. */
export function planHashesOf(message: string): string[] {
  const re = new RegExp(`^${PLAN_TRAILER}: ([0-9a-f]{64})\\s*$`, 'gm');
  return [...message.matchAll(re)].map((m) => m[1]!);
}

function checkSha(sha: string): string {
  if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(sha))
    throw new GitWorkspaceError('git_failed', 'expected a full commit sha');
  return sha;
}

async function exists(abs: string): Promise<boolean> {
  return (await lstat(abs).catch(() => null)) !== null;
}

async function isRegularFile(abs: string): Promise<boolean> {
  const st = await lstat(abs).catch(() => null);
  return !!st?.isFile();
}

function unsafe(path: string, why: string): GitWorkspaceError {
  return new GitWorkspaceError('unsafe_change', `refusing to change ${path}: ${why}`, { path });
}

function conflict(path: string, why: string): GitWorkspaceError {
  return new GitWorkspaceError('change_conflict', `cannot apply the change to ${path}: ${why}`, { path });
}

/** A scrubbed GitWorkspaceError from a simple-git failure (last few stderr lines only). */
export function toWorkspaceError(
  err: unknown,
  code: GitErrorCode,
  what: string,
  secrets: readonly string[],
): GitWorkspaceError {
  if (err instanceof GitWorkspaceError) return err;
  const raw = err instanceof Error ? err.message : String(err);
  const cause = redactedCause(err, (text) => scrubSecrets(text, secrets));
  if (/abort/i.test(raw) && /signal/i.test(raw))
    return new GitWorkspaceError('cancelled', `${what} was cancelled`, {}, cause);
  if (/block timeout|timed out/i.test(raw))
    return new GitWorkspaceError('timeout', `${what} timed out`, {}, cause);
  const detail = scrubSecrets(raw, secrets)
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(-4)
    .join(' ');
  return new GitWorkspaceError(code, `${what} failed: ${detail}`.slice(0, 2000), {}, cause);
}
