import { describe, expect, it } from 'vitest';
import { parseRepoUrl, splitRepoUrl } from './repo-url.js';

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

  it('answers null, never throws, for a malformed %-escape', () => {
    expect(parseRepoUrl('https://github.com/acme/%E0%A4%A')).toBeNull();
  });
});

describe('splitRepoUrl (the one repository URL parser)', () => {
  it('takes URLs and scp-like addresses apart', () => {
    expect(splitRepoUrl('ssh://git@Bitbucket.org:22/team/api.git')).toEqual({
      scheme: 'ssh',
      scpLike: false,
      user: 'git',
      password: '',
      host: 'bitbucket.org',
      port: '22',
      path: 'team/api.git',
      hasQuery: false,
    });
    expect(splitRepoUrl('git@github.com:org/sub/repo.git')).toMatchObject({
      scheme: 'ssh',
      scpLike: true,
      user: 'git',
      host: 'github.com',
      path: 'org/sub/repo.git',
    });
    // git reads `host:/path` as scp-like too; `host://` is a URL.
    expect(splitRepoUrl('git@github.com:/org/repo.git')).toMatchObject({
      scpLike: true,
      path: 'org/repo.git',
    });
    expect(splitRepoUrl('https://u:p%40ss@[::1]:8443/a/b?x#y')).toMatchObject({
      scheme: 'https',
      user: 'u',
      password: 'p@ss',
      host: '::1',
      port: '8443',
      path: 'a/b',
      hasQuery: true,
    });
    expect(splitRepoUrl('file:///srv/repos/app')).toMatchObject({
      scheme: 'file',
      host: '',
      path: 'srv/repos/app',
    });
  });

  it('answers null for what is neither', () => {
    for (const u of ['', 'not a url', '/tmp/repo', 'github.com/org/repo', 'https://github.com/%zz']) {
      expect(splitRepoUrl(u), u).toBeNull();
    }
  });
});
