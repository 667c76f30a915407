/**
 * Clones the job's repositories into its workspace through the one git stack (adapters/git): credentials
 * travel only in the environment of each git process (GIT_CONFIG_COUNT/KEY/VALUE, scoped to the
 * repository's origin), so they never land in `.git/config`, in the command line or in any log line.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { redactedCause } from '../../errors.js';
import { scrubSecrets } from '../../logger.js';
import {
  cloneRepository,
  credentialSecrets,
  DEFAULT_GIT_PATH,
  type GitCredentials,
  gitCommand,
  gitEnvironment,
} from '../git/index.js';
import { OpenCodeError } from './errors.js';
import type { RepoRef } from './repos.js';

export interface CloneOptions {
  /** Directory the repositories are cloned into (each under its `RepoRef.dir`). */
  workspaceDir: string;
  /** An empty directory used as HOME for git, so no user or system git configuration applies. */
  gitHomeDir: string;
  shallow: boolean;
  /** Per repository. */
  timeoutMs: number;
  credentials?: GitCredentials;
  signal?: AbortSignal;
  /** PATH for the git child processes. */
  pathEnv?: string;
  /** Test-only: allow the file and plain-http transports (see RepoPolicy.unsafeAllowLocalOrigins). */
  unsafeAllowLocalOrigins?: boolean;
  /** Literal values scrubbed from error messages. */
  secrets?: readonly string[];
  onRepo?: (repo: RepoRef, index: number, total: number) => void;
}

export interface ClonedRepo extends RepoRef {
  /** Absolute path of the clone. */
  localPath: string;
}

/** The environment of one clone: the one git credentials stack (adapters/git), ssh allowed. */
function cloneEnvironment(repo: RepoRef, opts: CloneOptions): Record<string, string> {
  return gitEnvironment({
    pathEnv: opts.pathEnv ?? DEFAULT_GIT_PATH,
    homeDir: opts.gitHomeDir,
    remoteUrl: repo.url,
    ...(opts.credentials ? { credentials: opts.credentials } : {}),
    allowSsh: true,
    ...(opts.unsafeAllowLocalOrigins ? { allowLocalOrigins: true } : {}),
  });
}

async function cloneOne(repo: RepoRef, opts: CloneOptions): Promise<ClonedRepo> {
  const localPath = join(opts.workspaceDir, repo.dir);
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), opts.timeoutMs);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout.signal]) : timeout.signal;
  const secrets = [...(opts.secrets ?? []), ...credentialSecrets(opts.credentials)];
  try {
    const git = gitCommand(opts.workspaceDir, cloneEnvironment(repo, opts), { signal });
    await cloneRepository(git, {
      url: repo.url,
      dir: localPath,
      shallow: opts.shallow,
      ...(repo.branch ? { branch: repo.branch } : {}),
    });
    return { ...repo, localPath };
  } catch (err) {
    if (opts.signal?.aborted) {
      const reason: unknown = opts.signal.reason;
      throw reason instanceof OpenCodeError
        ? reason
        : new OpenCodeError('cancelled', 'The job was cancelled while cloning repositories');
    }
    const where = repo.host ? `${repo.host}/${repo.path}` : repo.path;
    if (timeout.signal.aborted) {
      throw new OpenCodeError(
        'clone_timeout',
        `Cloning ${where} took longer than ${Math.round(opts.timeoutMs / 1000)} s`,
        {
          repo: where,
        },
      );
    }
    const detail = scrubSecrets(err instanceof Error ? err.message : String(err), secrets)
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .slice(-3)
      .join(' ');
    throw new OpenCodeError(
      'clone_failed',
      `Cloning ${where}${repo.branch ? ` (branch ${repo.branch})` : ''} failed: ${detail}`,
      {
        repo: where,
      },
      redactedCause(err, (text) => scrubSecrets(text, secrets)),
    );
  } finally {
    clearTimeout(timer);
  }
}

/** Clones every repository in order; the first failure stops the rest. */
export async function cloneRepos(repos: readonly RepoRef[], opts: CloneOptions): Promise<ClonedRepo[]> {
  await mkdir(opts.workspaceDir, { recursive: true });
  await mkdir(opts.gitHomeDir, { recursive: true });
  const out: ClonedRepo[] = [];
  for (const [i, repo] of repos.entries()) {
    opts.onRepo?.(repo, i, repos.length);
    out.push(await cloneOne(repo, opts));
  }
  return out;
}
