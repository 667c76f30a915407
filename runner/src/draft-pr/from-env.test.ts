import { describe, expect, it } from 'vitest';
import { GitHubScmClient } from '../adapters/scm/index.js';
import { parseEnv } from '../env.js';
import { openDatabase } from '../store/db.js';
import { draftPrDepsFromEnv, repoResolverFromEnv } from './from-env.js';

const env = parseEnv({
  DATA_DIR: '/tmp/augment-from-env-test',
  GITHUB_TOKEN: 'gh-token',
  DRAFT_PR_TEST_COMMAND: 'npm test',
  DRAFT_PR_BUILD_COMMAND: 'npm run build',
  DRAFT_PR_VERIFY_TIMEOUT_SECONDS: '120',
  OPENCODE_ALLOWED_GIT_HOSTS: 'github.com',
});

describe('draftPrDepsFromEnv', () => {
  it('maps verification commands, time limit and a secret-free command environment', () => {
    const db = openDatabase(':memory:');
    const deps = draftPrDepsFromEnv(env, {
      db,
      secrets: ['gh-token'],
      stories: { getStory: async () => ({}) as never },
    });
    expect(deps.verification.commands).toEqual([
      { name: 'test', command: 'npm test' },
      { name: 'build', command: 'npm run build' },
    ]);
    expect(deps.verification.timeoutMs).toBe(120_000);
    expect(Object.keys(deps.verification.env).sort()).toEqual(['CI', 'HOME', 'LANG', 'PATH']);
    expect(deps.workspaces.baseDir).toBe('/tmp/augment-from-env-test/workspaces');
    db.close();
  });

  it('resolves GitHub repositories with token credentials and refuses hosts that are not allowed', () => {
    const resolve = repoResolverFromEnv(env);
    const target = resolve({ url: 'https://github.com/acme/web' });
    expect(target).toMatchObject({
      cloneUrl: 'https://github.com/acme/web.git',
      credentials: { password: 'gh-token' },
    });
    expect(target.scm).toBeInstanceOf(GitHubScmClient);
    expect(() => resolve({ url: 'https://bitbucket.org/acme/web' })).toThrow();
    const withGitPassword = repoResolverFromEnv(
      parseEnv({ GITHUB_TOKEN: 't', GIT_USERNAME: 'bot', GIT_PASSWORD: 'pw' }),
    );
    expect(withGitPassword({ url: 'https://github.com/a/b' }).credentials).toEqual({
      username: 'bot',
      password: 'pw',
    });
  });
});
