/**
 * Repository URLs from requests: which SCM hosts them and the owner/name pair its API needs.
 */

export type ScmProvider = 'github' | 'bitbucket' | 'other';

export interface ParsedRepoUrl {
  provider: ScmProvider;
  /** Lowercase host name, without port. */
  host: string;
  /** GitHub owner or Bitbucket workspace. */
  owner: string;
  /** Repository name (GitHub) or slug (Bitbucket), without `.git`. */
  name: string;
  /** `https://<host>/<owner>/<name>`: safe to show, never carries credentials. */
  web_url: string;
  /** True when the URL had `user:password@` in it (callers should refuse or strip it). */
  had_credentials: boolean;
}

export interface RepoUrlOptions {
  /** Extra hosts served by GitHub (Enterprise Server). github.com is always GitHub. */
  githubHosts?: readonly string[];
  /** Extra hosts served by Bitbucket. bitbucket.org is always Bitbucket Cloud. */
  bitbucketHosts?: readonly string[];
}

/**
 * A repository URL taken apart: the one parser of repository URLs. It reads
 * `scheme://[user[:password]@]host[:port]/path` and git's scp-like `user@host:path`; what is allowed
 * (schemes, hosts, credentials, path shape) is for each caller to decide.
 */
export interface RepoUrlParts {
  /** Lower-case scheme without `:` (`https`, `ssh`, `file`, ...); `ssh` for the scp-like form. */
  scheme: string;
  /** True for git's scp-like `user@host:path`. */
  scpLike: boolean;
  /** Decoded user name ('' when none). */
  user: string;
  /** Decoded password ('' when none). */
  password: string;
  /** Lower-case host name or address, without brackets or port ('' for file URLs). */
  host: string;
  port: string;
  /** Decoded path without leading or trailing slashes, e.g. `team/api.git`. */
  path: string;
  /** True when the URL has a query string or a fragment. */
  hasQuery: boolean;
}

// git reads `user@host:path` as scp-like unless `:` is followed by `//` (a URL).
const SCP_LIKE = /^([A-Za-z0-9._-]+)@([A-Za-z0-9.-]+):(?!\/\/)(.+)$/;

/** The parts of a repository URL, or null when it is neither a URL nor scp-like. */
export function splitRepoUrl(url: string): RepoUrlParts | null {
  const scp = SCP_LIKE.exec(url);
  if (scp && !url.includes('://')) {
    return {
      scheme: 'ssh',
      scpLike: true,
      user: scp[1]!,
      password: '',
      host: scp[2]!.toLowerCase(),
      port: '',
      path: scp[3]!.replace(/^\/+|\/+$/g, ''),
      hasQuery: false,
    };
  }
  try {
    const u = new URL(url);
    return {
      scheme: u.protocol.replace(/:$/, '').toLowerCase(),
      scpLike: false,
      user: decodeURIComponent(u.username),
      password: decodeURIComponent(u.password),
      host: u.hostname.toLowerCase().replace(/^\[|\]$/g, ''),
      port: u.port,
      path: decodeURIComponent(u.pathname).replace(/^\/+|\/+$/g, ''),
      hasQuery: Boolean(u.search || u.hash),
    };
  } catch {
    return null; // not a URL, or a malformed %-escape
  }
}

const SEGMENT = /^[A-Za-z0-9._-]+$/;

/**
 * Parses `https://host/owner/name(.git)`, `ssh://git@host/owner/name.git` and `git@host:owner/name.git`.
 * Returns null for anything else (local paths, extra path segments, odd characters in owner or name).
 */
export function parseRepoUrl(url: string, options: RepoUrlOptions = {}): ParsedRepoUrl | null {
  const parts = splitRepoUrl(url.trim());
  if (!parts || !['https', 'http', 'ssh'].includes(parts.scheme) || parts.hasQuery) return null;
  const { host } = parts;
  const hadCredentials = parts.scheme !== 'ssh' && (parts.user !== '' || parts.password !== '');
  const segments = parts.path.split('/');
  if (segments.length !== 2) return null;
  const owner = segments[0]!;
  const name = segments[1]!.replace(/\.git$/, '');
  if (!SEGMENT.test(owner) || !SEGMENT.test(name) || owner.startsWith('.') || name.startsWith('.'))
    return null;
  const github = new Set(['github.com', ...(options.githubHosts ?? []).map((h) => h.toLowerCase())]);
  const bitbucket = new Set(['bitbucket.org', ...(options.bitbucketHosts ?? []).map((h) => h.toLowerCase())]);
  const provider: ScmProvider = github.has(host) ? 'github' : bitbucket.has(host) ? 'bitbucket' : 'other';
  return {
    provider,
    host,
    owner,
    name,
    web_url: `https://${host.includes(':') ? `[${host}]` : host}/${owner}/${name}`,
    had_credentials: hadCredentials,
  };
}
