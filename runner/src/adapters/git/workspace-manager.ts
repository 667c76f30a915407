/**
 * Fresh working copies per job under `<baseDir>/<job_id>` (default `data/workspaces`). A stage that
 * changes the repository always starts from a new clone, so a crash mid-change never leaves anything
 * half-applied for the next attempt.
 */
import { mkdir, rm, stat } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { assertSafeBranchName } from '@augment/shared';
import { cloneRepository, gitCommand } from './git-command.js';
import {
  credentialSecrets,
  DEFAULT_GIT_PATH,
  type GitAuthor,
  type GitCredentials,
  gitEnvironment,
} from './git-env.js';
import { GitWorkspace, GitWorkspaceError, toWorkspaceError } from './git-workspace.js';

export interface RepoCheckout {
  /** What git clones: an https URL without credentials (file paths only with allowLocalOrigins). */
  cloneUrl: string;
  /** Base branch of the PR; the remote's default branch when absent. */
  baseBranch?: string;
  credentials?: GitCredentials;
}

export interface WorkspaceManagerOptions {
  /** Parent directory of all workspaces, e.g. `data/workspaces`. */
  baseDir: string;
  author?: GitAuthor;
  /** PATH of git processes. Never pass the runner's whole environment: it holds its secrets. */
  pathEnv?: string;
  /** A git command that prints nothing for this long is killed (default 5 minutes). */
  idleTimeoutMs?: number;
  /** Test-only: allow file:// URLs, local paths and plain http. */
  allowLocalOrigins?: boolean;
  /** Literal values scrubbed from git error messages, besides the credentials of each checkout. */
  secrets?: readonly string[];
}

export const DEFAULT_GIT_AUTHOR: GitAuthor = { name: 'Augment', email: 'augment@users.noreply.localhost' };

const JOB_ID = /^[A-Za-z0-9_-]{1,100}$/;
export class GitWorkspaceManager {
  readonly baseDir: string;
  private readonly author: GitAuthor;
  private readonly pathEnv: string;
  private readonly idleTimeoutMs: number;

  constructor(private readonly options: WorkspaceManagerOptions) {
    this.baseDir = resolve(options.baseDir);
    this.author = options.author ?? DEFAULT_GIT_AUTHOR;
    this.pathEnv = options.pathEnv ?? DEFAULT_GIT_PATH;
    this.idleTimeoutMs = options.idleTimeoutMs ?? 5 * 60_000;
  }

  /** `<baseDir>/<jobId>`; the id is checked so it cannot point elsewhere. */
  workspaceDir(jobId: string): string {
    if (!JOB_ID.test(jobId)) throw new GitWorkspaceError('unsafe_change', 'invalid job id for a workspace');
    return join(this.baseDir, jobId);
  }

  private scratchDir(jobId: string): string {
    return join(this.baseDir, '.scratch', jobId);
  }

  private homeDir(): string {
    return join(this.baseDir, '.git-home');
  }

  /** Refuses URLs git could misread (options, ext:: helpers) or that would store credentials in .git/config. */
  checkCloneUrl(url: string): void {
    const bad = (why: string) => new GitWorkspaceError('clone_failed', `refusing repository URL: ${why}`);
    if (url.startsWith('-')) throw bad('it starts with "-"');
    if (/^[a-z][a-z0-9+.-]*::/i.test(url)) throw bad('transport helpers (ext::, fd::) are not allowed');
    if (/^https:\/\//i.test(url) || (this.options.allowLocalOrigins && /^(http|file):\/\//i.test(url))) {
      const u = new URL(url);
      if (u.username || u.password) throw bad('credentials in the URL would be stored in .git/config');
      return;
    }
    if (this.options.allowLocalOrigins && isAbsolute(url)) return;
    throw bad('only https:// repositories are supported');
  }

  private runner(dir: string, checkout: RepoCheckout, signal?: AbortSignal) {
    const env = gitEnvironment({
      pathEnv: this.pathEnv,
      homeDir: this.homeDir(),
      author: this.author,
      remoteUrl: checkout.cloneUrl,
      credentials: checkout.credentials,
      allowLocalOrigins: this.options.allowLocalOrigins,
    });
    return (extra?: Record<string, string>) =>
      gitCommand(
        dir,
        { ...env, ...extra },
        { maxConcurrentProcesses: 1, idleTimeoutMs: this.idleTimeoutMs, ...(signal ? { signal } : {}) },
      );
  }

  private secretsFor(checkout: RepoCheckout): string[] {
    return [...(this.options.secrets ?? []), ...credentialSecrets(checkout.credentials)];
  }

  /**
   * Deletes any previous workspace of the job and clones `checkout` into a fresh one, at its base branch.
   */
  async cloneFresh(jobId: string, checkout: RepoCheckout, signal?: AbortSignal): Promise<GitWorkspace> {
    const dir = this.workspaceDir(jobId);
    this.checkCloneUrl(checkout.cloneUrl);
    if (checkout.baseBranch) assertSafeBranchName(checkout.baseBranch);
    await rm(dir, { recursive: true, force: true });
    await rm(this.scratchDir(jobId), { recursive: true, force: true });
    await mkdir(this.baseDir, { recursive: true });
    await mkdir(this.homeDir(), { recursive: true });
    try {
      await cloneRepository(this.runner(this.baseDir, checkout, signal)(), {
        url: checkout.cloneUrl,
        dir,
        tags: false,
        ...(checkout.baseBranch ? { branch: checkout.baseBranch } : {}),
      });
    } catch (err) {
      await rm(dir, { recursive: true, force: true });
      throw toWorkspaceError(err, 'clone_failed', 'git clone', this.secretsFor(checkout));
    }
    return this.attach(jobId, checkout, signal);
  }

  /** The job's existing workspace, or null when there is none (another worker, or it was removed). */
  async open(jobId: string, checkout: RepoCheckout, signal?: AbortSignal): Promise<GitWorkspace | null> {
    const dir = this.workspaceDir(jobId);
    const st = await stat(join(dir, '.git')).catch(() => null);
    if (!st?.isDirectory()) return null;
    try {
      return await this.attach(jobId, checkout, signal);
    } catch {
      return null;
    }
  }

  private async attach(jobId: string, checkout: RepoCheckout, signal?: AbortSignal): Promise<GitWorkspace> {
    const dir = this.workspaceDir(jobId);
    const git = this.runner(dir, checkout, signal);
    const secrets = this.secretsFor(checkout);
    const ws = new GitWorkspace(
      { dir, baseBranch: '', baseSha: '', remoteUrl: checkout.cloneUrl },
      git,
      secrets,
      this.scratchDir(jobId),
    );
    const baseBranch =
      checkout.baseBranch ??
      (await ws.run(['rev-parse', '--abbrev-ref', 'origin/HEAD'])).trim().replace(/^origin\//, '');
    const baseSha = (
      await ws.run([
        'rev-parse',
        '--verify',
        `refs/remotes/origin/${assertSafeBranchName(baseBranch)}^{commit}`,
      ])
    ).trim();
    return new GitWorkspace(
      { dir, baseBranch, baseSha, remoteUrl: checkout.cloneUrl },
      git,
      secrets,
      this.scratchDir(jobId),
    );
  }

  /**
   * Checks that the repository is reachable with the credentials and names its default branch, without
   * cloning (`POST /validate/repo`). Never throws for an unreachable repository: it reports why.
   */
  async probe(
    checkout: RepoCheckout,
    signal?: AbortSignal,
  ): Promise<{ reachable: true; default_branch: string | null } | { reachable: false; error: string }> {
    try {
      this.checkCloneUrl(checkout.cloneUrl);
      await mkdir(this.homeDir(), { recursive: true });
      const out = await this.runner(this.baseDir, checkout, signal)().raw([
        'ls-remote',
        '--symref',
        '--',
        checkout.cloneUrl,
        'HEAD',
      ]);
      const head = /^ref: refs\/heads\/(\S+)\tHEAD$/m.exec(out)?.[1] ?? null;
      return { reachable: true, default_branch: head };
    } catch (err) {
      const e = toWorkspaceError(err, 'clone_failed', 'git ls-remote', this.secretsFor(checkout));
      return { reachable: false, error: e.message };
    }
  }

  /**
   * The commit `branch` points at on the remote now (`git ls-remote`, no clone), or null when the
   * branch does not exist there.
   */
  async branchHead(checkout: RepoCheckout, branch: string, signal?: AbortSignal): Promise<string | null> {
    this.checkCloneUrl(checkout.cloneUrl);
    assertSafeBranchName(branch);
    await mkdir(this.homeDir(), { recursive: true });
    try {
      const out = await this.runner(this.baseDir, checkout, signal)().raw([
        'ls-remote',
        '--heads',
        '--',
        checkout.cloneUrl,
        `refs/heads/${branch}`,
      ]);
      return (
        out
          .split('\n')
          .find((l) => l.endsWith(`\trefs/heads/${branch}`))
          ?.split('\t')[0] ?? null
      );
    } catch (err) {
      throw toWorkspaceError(err, 'clone_failed', 'git ls-remote', this.secretsFor(checkout));
    }
  }

  /** Deletes the job's workspace and scratch files. */
  async remove(jobId: string): Promise<void> {
    await rm(this.workspaceDir(jobId), { recursive: true, force: true });
    await rm(this.scratchDir(jobId), { recursive: true, force: true });
  }
}
