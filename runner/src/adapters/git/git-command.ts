/**
 * The one way Augment runs git: simple-git with the environment of git-env.ts, and the one clone
 * (draft PR workspaces and the code-aware clones). Failures are simple-git's errors; each caller turns
 * them into its own error at its boundary.
 */
import { type SimpleGit, simpleGit } from 'simple-git';
import { GIT_ENV_KEYS } from './git-env.js';

export interface GitCommandOptions {
  signal?: AbortSignal;
  /** A command that prints nothing for this long is killed. */
  idleTimeoutMs?: number;
  maxConcurrentProcesses?: number;
}

/** simple-git in `baseDir` with exactly `env` (from gitEnvironment, plus per-command dates). */
export function gitCommand(
  baseDir: string,
  env: Record<string, string>,
  opts: GitCommandOptions = {},
): SimpleGit {
  // Every variable here is set by Augment (none comes from a request), so simple-git's guards may let
  // them through.
  return simpleGit({
    baseDir,
    ...(opts.maxConcurrentProcesses ? { maxConcurrentProcesses: opts.maxConcurrentProcesses } : {}),
    allowEnvironment: [...GIT_ENV_KEYS],
    unsafe: {
      allowUnsafeConfigEnvCount: true,
      allowUnsafeConfigPaths: true,
      ...(env.GIT_SSH_COMMAND ? { allowUnsafeSshCommand: true } : {}),
    },
    ...(opts.idleTimeoutMs ? { timeout: { block: opts.idleTimeoutMs } } : {}),
    ...(opts.signal ? { abort: opts.signal } : {}),
  }).env(env);
}

export interface CloneRequest {
  url: string;
  /** Where the clone goes (created by git). */
  dir: string;
  branch?: string;
  /** One commit of one branch, no tags. */
  shallow?: boolean;
  /** Tags are fetched unless false (a shallow clone never fetches them). */
  tags?: boolean;
}

/** `git clone` without submodules; the URL after `--`, so it cannot be read as an option. */
export async function cloneRepository(git: SimpleGit, req: CloneRequest): Promise<void> {
  const args = ['clone', '-q', '--no-recurse-submodules'];
  if (req.shallow) args.push('--depth', '1', '--single-branch');
  if (req.shallow || req.tags === false) args.push('--no-tags');
  if (req.branch) args.push('--branch', req.branch);
  await git.raw([...args, '--', req.url, req.dir]);
}
