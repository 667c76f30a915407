import { describe, expect, it } from 'vitest';
import { basicAuthHeader, credentialSecrets, GIT_ENV_KEYS, gitEnvironment } from './git-env.js';

const base = { pathEnv: '/usr/bin:/bin', homeDir: '/tmp/git-home' };

describe('gitEnvironment (the one git credentials stack)', () => {
  it('isolates git from the host and puts the credentials in a header for the remote origin only', () => {
    const env = gitEnvironment({
      ...base,
      remoteUrl: 'https://github.com/acme/web.git',
      credentials: { username: 'x-access-token', password: 'ghp_secret' },
      author: { name: 'Augment', email: 'augment@example.invalid' },
    });
    expect(env).toMatchObject({
      PATH: '/usr/bin:/bin',
      HOME: '/tmp/git-home',
      GIT_TERMINAL_PROMPT: '0',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_ALLOW_PROTOCOL: 'https',
      GIT_AUTHOR_NAME: 'Augment',
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: 'http.https://github.com/.extraHeader',
      GIT_CONFIG_VALUE_0: `Authorization: Basic ${Buffer.from('x-access-token:ghp_secret').toString('base64')}`,
    });
    expect(env.GIT_SSH_COMMAND).toBeUndefined();
    for (const key of Object.keys(env).filter((k) => k.startsWith('GIT_')))
      expect(GIT_ENV_KEYS).toContain(key);
  });

  it('allows ssh (non-interactive) when asked, and local transports only for tests', () => {
    const ssh = gitEnvironment({ ...base, allowSsh: true, remoteUrl: 'git@github.com:acme/web.git' });
    expect(ssh.GIT_ALLOW_PROTOCOL).toBe('https:ssh');
    expect(ssh.GIT_SSH_COMMAND).toContain('BatchMode=yes');
    expect(ssh.GIT_CONFIG_COUNT).toBeUndefined();
    expect(gitEnvironment({ ...base, allowSsh: true, allowLocalOrigins: true }).GIT_ALLOW_PROTOCOL).toBe(
      'https:ssh:http:file',
    );
  });

  it('sends no header without a password, and names git as the user when none is given', () => {
    const env = gitEnvironment({
      ...base,
      remoteUrl: 'https://h.example/a/b',
      credentials: { username: 'bot' },
    });
    expect(env.GIT_CONFIG_COUNT).toBeUndefined();
    expect(basicAuthHeader({ password: 'p' })).toBe(`Basic ${Buffer.from('git:p').toString('base64')}`);
    expect(credentialSecrets({ password: 'p' })).toEqual(['p', Buffer.from('git:p').toString('base64')]);
    expect(credentialSecrets({ username: 'bot' })).toEqual([]);
  });
});
