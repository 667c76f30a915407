import { describe, expect, it } from 'vitest';
import { BitbucketScmClient } from './bitbucket-client.js';
import { resolveRepo } from './create-scm-client.js';
import { GitHubScmClient } from './github-client.js';

const config = { github: { token: 'gh' }, bitbucket: { username: 'me@example.com', token: 'bb' } };

describe('resolveRepo', () => {
  it('builds the GitHub client and git credentials from the URL', () => {
    const r = resolveRepo('git@github.com:acme/web.git', config);
    expect(r).toMatchObject({
      provider: 'github',
      owner: 'acme',
      name: 'web',
      cloneUrl: 'https://github.com/acme/web.git',
    });
    expect(r.scm).toBeInstanceOf(GitHubScmClient);
    expect(r.gitCredentials).toEqual({ username: 'x-access-token', password: 'gh' });
  });

  it('builds the Bitbucket client with the right git user for API and access tokens', () => {
    const api = resolveRepo('https://bitbucket.org/team/api', config);
    expect(api.scm).toBeInstanceOf(BitbucketScmClient);
    expect(api.gitCredentials?.username).toBe('x-bitbucket-api-token-auth');
    const access = resolveRepo('https://bitbucket.org/team/api', { bitbucket: { token: 'bb' } });
    expect(access.gitCredentials?.username).toBe('x-token-auth');
  });

  it('reads a repository without a token, naming the setting that pushing and pull requests need', () => {
    expect(resolveRepo('https://github.com/acme/web', {})).toEqual({
      provider: 'github',
      owner: 'acme',
      name: 'web',
      cloneUrl: 'https://github.com/acme/web.git',
      webUrl: 'https://github.com/acme/web',
      scm: null,
      missingToken: 'GITHUB_TOKEN',
    });
    expect(resolveRepo('https://bitbucket.org/team/api', {})).toMatchObject({
      scm: null,
      missingToken: 'BITBUCKET_API_TOKEN',
    });
  });

  it('refuses other hosts and embedded credentials', () => {
    expect(() => resolveRepo('https://gitlab.com/a/b', config)).toThrow(
      expect.objectContaining({ code: 'scm_invalid' }),
    );
    expect(() => resolveRepo('https://x:y@github.com/a/b', config)).toThrow(
      expect.objectContaining({ code: 'scm_invalid' }),
    );
  });
});
