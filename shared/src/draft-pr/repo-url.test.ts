import { describe, expect, it } from 'vitest';
import { parseRepoUrl } from './repo-url.js';

describe('parseRepoUrl', () => {
  it('reads GitHub and Bitbucket URLs in https, ssh and scp form', () => {
    expect(parseRepoUrl('https://github.com/acme/web.git')).toEqual({
      provider: 'github',
      host: 'github.com',
      owner: 'acme',
      name: 'web',
      web_url: 'https://github.com/acme/web',
      had_credentials: false,
    });
    expect(parseRepoUrl('git@bitbucket.org:team/api.git')).toMatchObject({
      provider: 'bitbucket',
      owner: 'team',
      name: 'api',
    });
    expect(parseRepoUrl('ssh://git@github.com/acme/web')).toMatchObject({
      provider: 'github',
      owner: 'acme',
      name: 'web',
    });
    expect(parseRepoUrl('https://bitbucket.org/workspace/repo.git')).toMatchObject({
      provider: 'bitbucket',
      owner: 'workspace',
    });
  });

  it('recognises configured enterprise hosts and marks others as other', () => {
    expect(
      parseRepoUrl('https://git.corp.example/a/b', { githubHosts: ['git.corp.example'] })?.provider,
    ).toBe('github');
    expect(parseRepoUrl('https://gitlab.com/a/b')?.provider).toBe('other');
  });

  it('notices embedded credentials and never puts them in web_url', () => {
    const r = parseRepoUrl('https://user:s3cret@github.com/acme/web.git');
    expect(r?.had_credentials).toBe(true);
    expect(r?.web_url).toBe('https://github.com/acme/web');
  });

  it.each([
    '/tmp/repo',
    'file:///tmp/repo',
    'ext::sh -c evil',
    'https://github.com/acme',
    'https://github.com/a/b/c',
    'https://github.com/../b',
    'https://github.com/a/b?x=1',
    'not a url',
  ])('rejects %j', (u) => {
    expect(parseRepoUrl(u)).toBeNull();
  });
});
