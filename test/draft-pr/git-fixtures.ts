/**
 * Real git repositories for the Draft PR suites: a bare "origin" seeded with files on `main`.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** PATH for child processes in tests: git from the system, node from the running binary. */
export const TEST_PATH = `${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`;

const gitEnv = (home: string) => ({
  PATH: TEST_PATH,
  HOME: home,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'Seed',
  GIT_AUTHOR_EMAIL: 'seed@example.com',
  GIT_COMMITTER_NAME: 'Seed',
  GIT_COMMITTER_EMAIL: 'seed@example.com',
});

export interface Origin {
  /** Temporary root holding everything; remove with `cleanup()`. */
  root: string;
  /** Path of the bare repository. */
  bare: string;
  /** `file://` URL of the bare repository. */
  url: string;
  /** Runs git in `cwd` (default: the bare repository) and returns trimmed stdout. */
  git(args: string[], cwd?: string): string;
  /** Adds a commit on `branch` of origin with the given files (via a scratch clone). */
  commit(branch: string, files: Record<string, string>, message?: string): string;
  cleanup(): void;
}

export function createOrigin(files: Record<string, string>, name = 'repo'): Origin {
  const root = mkdtempSync(join(tmpdir(), 'draft-pr-origin-'));
  const home = join(root, 'home');
  mkdirSync(home);
  const bare = join(root, `${name}.git`);
  const git = (args: string[], cwd = bare) =>
    execFileSync('git', args, {
      cwd,
      env: gitEnv(home),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim();
  git(['init', '-q', '--bare', '-b', 'main', bare], root);
  let n = 0;
  const commit = (branch: string, content: Record<string, string>, message = `seed ${n}`) => {
    const work = join(root, `work-${n++}`);
    git(['clone', '-q', bare, work], root);
    const exists = git(['ls-remote', '--heads', 'origin', `refs/heads/${branch}`], work) !== '';
    if (exists) git(['checkout', '-q', branch], work);
    else git(['checkout', '-q', '--orphan', branch], work);
    for (const [path, text] of Object.entries(content)) {
      mkdirSync(dirname(join(work, path)), { recursive: true });
      writeFileSync(join(work, path), text);
    }
    git(['add', '-A'], work);
    git(['commit', '-q', '-m', message], work);
    git(['push', '-q', 'origin', `HEAD:refs/heads/${branch}`], work);
    const sha = git(['rev-parse', 'HEAD'], work);
    rmSync(work, { recursive: true, force: true });
    return sha;
  };
  commit('main', files, 'initial commit');
  return {
    root,
    bare,
    url: `file://${bare}`,
    git,
    commit,
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}
