/** Real local git repositories for OpenCode tests. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, {
    cwd,
    stdio: 'pipe',
    env: {
      PATH: '/usr/local/bin:/usr/bin:/bin',
      HOME: cwd,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_AUTHOR_NAME: 'Test',
      GIT_AUTHOR_EMAIL: 'test@example.com',
      GIT_COMMITTER_NAME: 'Test',
      GIT_COMMITTER_EMAIL: 'test@example.com',
    },
  }).toString();

/** Creates a repository with the given files committed on `main` (plus optional extra branches). */
export function makeRepo(
  dir: string,
  files: Record<string, string>,
  branches: Record<string, Record<string, string>> = {},
): string {
  mkdirSync(dir, { recursive: true });
  git(dir, 'init', '-q', '-b', 'main');
  const write = (fs: Record<string, string>) => {
    for (const [path, content] of Object.entries(fs)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), content);
    }
  };
  write(files);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'initial');
  for (const [branch, fs] of Object.entries(branches)) {
    git(dir, 'checkout', '-q', '-b', branch);
    write(fs);
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', `on ${branch}`);
    git(dir, 'checkout', '-q', 'main');
  }
  return dir;
}

export { git };
