/**
 * Clones the job's repositories into its workspace with simple-git. Credentials travel only in the
 * environment of each git process (GIT_CONFIG_COUNT/KEY/VALUE, scoped to the repository's origin), so
 * they never land in `.git/config`, in the command line or in any log line.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { simpleGit } from 'simple-git';
import { redactedCause } from '../../errors.js';
import { scrubSecrets } from '../../logger.js';
import { OpenCodeError } from './errors.js';
import type { RepoRef } from './repos.js';

export interface GitCredentials {
  username?: string;
  password?: string;
}

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

export const DEFAULT_CHILD_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The origin (scheme://host[:port]/) an http.extraHeader is scoped to, or undefined for ssh/file. */
function httpOrigin(url: string): string | undefined {
  if (!/^https?:\/\//.test(url)) return undefined;
  const u = new URL(url);
  return `${u.protocol}//${u.host}/`;
}

/** The environment of one git process: isolated config, no prompts, and the credential header if any. */
export function gitEnvironment(repo: RepoRef, opts: CloneOptions): Record<string, string> {
  const env: Record<string, string> = {
    PATH: opts.pathEnv ?? DEFAULT_CHILD_PATH,
    HOME: opts.gitHomeDir,
    GIT_TERMINAL_PROMPT: '0',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_SSH_COMMAND: 'ssh -o BatchMode=yes -o StrictHostKeyChecking=accept-new',
    GIT_ALLOW_PROTOCOL: opts.unsafeAllowLocalOrigins ? 'https:ssh:file:http' : 'https:ssh',
    LANG: 'C',
  };
  const origin = httpOrigin(repo.url);
  const { username, password } = opts.credentials ?? {};
  if (origin && password) {
    const basic = Buffer.from(`${username ?? 'git'}:${password}`).toString('base64');
    env.GIT_CONFIG_COUNT = '1';
    env.GIT_CONFIG_KEY_0 = `http.${origin}.extraHeader`;
    env.GIT_CONFIG_VALUE_0 = `Authorization: Basic ${basic}`;
  }
  return env;
}

function cloneArgs(repo: RepoRef, shallow: boolean): string[] {
  const args = ['--no-recurse-submodules'];
  if (shallow) args.push('--depth', '1', '--single-branch', '--no-tags');
  if (repo.branch) args.push('--branch', repo.branch);
  return args;
}

async function cloneOne(repo: RepoRef, opts: CloneOptions): Promise<ClonedRepo> {
  const localPath = join(opts.workspaceDir, repo.dir);
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), opts.timeoutMs);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout.signal]) : timeout.signal;
  const secrets = [
    ...(opts.secrets ?? []),
    ...(opts.credentials?.password ? [opts.credentials.password] : []),
  ];
  try {
    const env = gitEnvironment(repo, opts);
    // Every variable here is set by us (none comes from a request), so simple-git's guards may let them through.
    const git = simpleGit({
      baseDir: opts.workspaceDir,
      abort: signal,
      allowEnvironment: Object.keys(env),
      unsafe: { allowUnsafeConfigEnvCount: true, allowUnsafeConfigPaths: true, allowUnsafeSshCommand: true },
    }).env(env);
    await git.clone(repo.url, localPath, cloneArgs(repo, opts.shallow));
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
