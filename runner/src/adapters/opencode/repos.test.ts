import { isSafeBranchName } from '@augment/shared';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isNonPublicIp, normalizeRepos, type RepoPolicy, validateRepoUrl } from './repos.js';

const policy: RepoPolicy = { allowedHosts: ['github.com', 'bitbucket.org'], maxRepos: 3 };
const refusal = (url: string, p = policy) => {
  try {
    validateRepoUrl(url, p);
  } catch (err) {
    return (err as Error & { code: string }).code;
  }
  return 'accepted';
};

describe('repository validation', () => {
  it.each([
    'https://github.com/org/repo.git',
    'https://github.com/org/repo',
    'https://GitHub.com/org/sub/repo.git',
    'ssh://git@github.com/org/repo.git',
    'ssh://git@bitbucket.org:22/team/api.git',
    'git@bitbucket.org:team/api.git',
  ])('accepts %s', (url) => {
    expect(refusal(url)).toBe('accepted');
  });

  it.each([
    ['file:///etc/passwd', 'file URLs'],
    ['/srv/repos/app', 'local paths'],
    ['http://github.com/org/repo.git', 'plain http'],
    ['git://github.com/org/repo.git', 'the git protocol'],
    ['https://gitlab.com/org/repo.git', 'hosts that are not configured'],
    ['https://127.0.0.1/org/repo.git', 'loopback literals'],
    ['https://[::1]/org/repo.git', 'IPv6 loopback'],
    ['https://169.254.169.254/latest/meta-data', 'link-local (cloud metadata)'],
    ['https://10.0.0.5/org/repo.git', 'private ranges'],
    ['https://localhost/org/repo.git', 'localhost'],
    ['https://user:token@github.com/org/repo.git', 'credentials in the URL'],
    ['https://token@github.com/org/repo.git', 'a user name in an https URL'],
    ['--upload-pack=touch /tmp/pwned', 'option injection'],
    ['-u evil', 'short option injection'],
    ['ext::sh -c touch% /tmp/pwned', 'transport helpers'],
    ['https://github.com/org/repo.git --upload-pack=x', 'embedded whitespace'],
    ['https://github.com/org/-repo', 'option-like path segments'],
    ['https://github.com/org/../../etc', 'dot-dot segments'],
    ['https://github.com/org/repo.git?x=1', 'query strings'],
    ['git@github.com:-oProxyCommand=x/repo.git', 'option-like scp paths'],
    ['-oProxyCommand=x@github.com:org/repo.git', 'option-like ssh users'],
    ['ssh://-oProxyCommand=x@github.com/org/repo.git', 'option-like ssh URL users'],
    ['https://github.com/', 'an empty path'],
    ['https://github.com/org/%E0%A4%A', 'a malformed %-escape'],
  ])('refuses %s (%s)', (url) => {
    expect(refusal(url)).toBe('invalid_repos');
  });

  it('allows local origins only with the explicit test-only switch', () => {
    expect(refusal('/srv/repos/app')).toBe('invalid_repos');
    expect(refusal('/srv/repos/app', { ...policy, unsafeAllowLocalOrigins: true })).toBe('accepted');
    expect(refusal('file:///srv/repos/app', { ...policy, unsafeAllowLocalOrigins: true })).toBe('accepted');
    expect(refusal('http://127.0.0.1:8080/app.git', { ...policy, unsafeAllowLocalOrigins: true })).toBe(
      'accepted',
    );
  });

  it('classifies address literals', () => {
    for (const ip of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.1.1',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      'fe80::1',
      'fd00::1',
      '::ffff:127.0.0.1',
    ]) {
      expect(isNonPublicIp(ip), ip).toBe(true);
    }
    for (const ip of ['140.82.112.3', '8.8.8.8', '2606:4700::1111'])
      expect(isNonPublicIp(ip), ip).toBe(false);
  });

  it('never accepts a URL starting with "-" or containing whitespace, whatever follows', () => {
    fc.assert(
      fc.property(fc.string(), fc.constantFrom('-', ' ', '\n', '\t'), fc.string(), (a, bad, b) => {
        const url = bad === '-' ? `-${a}${b}` : `https://github.com/${a}${bad}${b}`;
        return refusal(url) === 'invalid_repos';
      }),
    );
  });

  it('accepts ordinary branch names and refuses option-like or malformed ones', () => {
    for (const b of ['main', 'develop', 'feature/PROJ-1-login', 'release-1.2'])
      expect(isSafeBranchName(b), b).toBe(true);
    for (const b of [
      '-b',
      '--upload-pack=x',
      'a..b',
      'a b',
      'x.lock',
      'a~1',
      'a:b',
      '@',
      'a//b',
      '.hidden',
      'a/',
      '',
    ]) {
      expect(isSafeBranchName(b), b).toBe(false);
    }
  });
});

describe('normalizeRepos', () => {
  it('takes both forms and gives each clone a unique directory', () => {
    const refs = normalizeRepos(
      [
        'https://github.com/org/api.git',
        { url: 'git@bitbucket.org:team/api.git', branch: 'develop' },
        'https://github.com/org/web',
      ],
      policy,
    );
    expect(refs).toEqual([
      { url: 'https://github.com/org/api.git', host: 'github.com', path: 'org/api', dir: 'api' },
      {
        url: 'git@bitbucket.org:team/api.git',
        branch: 'develop',
        host: 'bitbucket.org',
        path: 'team/api',
        dir: 'api-2',
      },
      { url: 'https://github.com/org/web', host: 'github.com', path: 'org/web', dir: 'web' },
    ]);
  });

  it('reads branches by the one branch-name rule (bytes, not characters)', () => {
    const url = 'https://github.com/org/api.git';
    expect(normalizeRepos([{ url, branch: 'fonctionnalité/été' }], policy)[0]?.branch).toBe(
      'fonctionnalité/été',
    );
    const refusal = (branch: string) => {
      try {
        normalizeRepos([{ url, branch }], policy);
        return 'accepted';
      } catch (err) {
        return (err as Error & { code: string }).code;
      }
    };
    expect(refusal('機'.repeat(81))).toBe('accepted'); // 243 bytes
    expect(refusal('機'.repeat(82))).toBe('invalid_repos'); // 246 bytes in 82 characters
    expect(refusal('a'.repeat(245))).toBe('invalid_repos');
  });

  it('refuses more repositories than OPENCODE_MAX_REPOS', () => {
    const four = ['a', 'b', 'c', 'd'].map((n) => `https://github.com/org/${n}`);
    expect(() => normalizeRepos(four, policy)).toThrow(/At most 3 repositories/);
  });

  it('refuses a bad branch and reports which entry is wrong', () => {
    expect(() =>
      normalizeRepos(
        ['https://github.com/org/a', { url: 'https://github.com/org/b', branch: '--exec=x' }],
        policy,
      ),
    ).toThrow(/repos\[1\]: the branch name/);
  });

  it('treats a missing or empty list as no repositories', () => {
    expect(normalizeRepos(undefined, policy)).toEqual([]);
    expect(normalizeRepos([], policy)).toEqual([]);
  });
});
