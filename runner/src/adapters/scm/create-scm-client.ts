/**
 * Picks the SCM client for a repository URL from the runner's configuration.
 */
import { parseRepoUrl, type RepoUrlOptions } from '@augment/shared';
import type { GitCredentials } from '../git/git-env.js';
import { BitbucketScmClient } from './bitbucket-client.js';
import { GitHubScmClient } from './github-client.js';
import { type ScmClient, ScmError } from './scm-client.js';

export interface ScmConfig extends RepoUrlOptions {
  github?: { token: string; apiUrl?: string };
  /**
   * With `username` (the Atlassian account email) `token` is an API token (basic auth); without it, a
   * repository/workspace access token (bearer).
   */
  bitbucket?: { username?: string; token: string; apiUrl?: string };
}

export interface ResolvedRepo {
  provider: 'github' | 'bitbucket';
  owner: string;
  name: string;
  /** https clone URL without credentials. */
  cloneUrl: string;
  webUrl: string;
  /** Null without a token: a public repository can still be read (cloned), not pushed to. */
  scm: ScmClient | null;
  /** For git over https (sent as a header, never stored). */
  gitCredentials?: GitCredentials;
  /** The setting that is missing for pushing and opening pull requests (GITHUB_TOKEN...). */
  missingToken?: string;
}

/**
 * The SCM client and git credentials for `url`. Throws ScmError (`scm_invalid`) for URLs that are not
 * GitHub or Bitbucket repositories, or carry credentials. Without a token for the host there is no client
 * and no credentials (`missingToken` names the setting): reading a public repository needs neither.
 */
export function resolveRepo(url: string, config: ScmConfig): ResolvedRepo {
  const parsed = parseRepoUrl(url, config);
  if (!parsed || parsed.provider === 'other') {
    throw new ScmError(
      'scm_invalid',
      'the repository must be a GitHub or Bitbucket URL such as https://github.com/owner/repo',
    );
  }
  if (parsed.had_credentials)
    throw new ScmError('scm_invalid', 'credentials in repository URLs are not accepted');
  const cloneUrl = `${parsed.web_url}.git`;
  const repo = {
    provider: parsed.provider,
    owner: parsed.owner,
    name: parsed.name,
    cloneUrl,
    webUrl: parsed.web_url,
  };
  if (parsed.provider === 'github') {
    if (!config.github?.token) return { ...repo, scm: null, missingToken: 'GITHUB_TOKEN' };
    return {
      provider: 'github',
      owner: parsed.owner,
      name: parsed.name,
      cloneUrl,
      webUrl: parsed.web_url,
      scm: new GitHubScmClient({
        owner: parsed.owner,
        repo: parsed.name,
        token: config.github.token,
        baseUrl: config.github.apiUrl,
      }),
      gitCredentials: { username: 'x-access-token', password: config.github.token },
    };
  }
  const bb = config.bitbucket;
  if (!bb?.token) return { ...repo, scm: null, missingToken: 'BITBUCKET_API_TOKEN' };
  return {
    provider: 'bitbucket',
    owner: parsed.owner,
    name: parsed.name,
    cloneUrl,
    webUrl: parsed.web_url,
    scm: new BitbucketScmClient({
      workspace: parsed.owner,
      repoSlug: parsed.name,
      baseUrl: bb.apiUrl,
      auth: bb.username
        ? { type: 'basic', username: bb.username, password: bb.token }
        : { type: 'bearer', token: bb.token },
    }),
    // Fixed git user names: API tokens (used with an account email) and access tokens (bearer) differ.
    gitCredentials: {
      username: bb.username ? 'x-bitbucket-api-token-auth' : 'x-token-auth',
      password: bb.token,
    },
  };
}
