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

const SEGMENT = /^[A-Za-z0-9._-]+$/;

/**
 * Parses `https://host/owner/name(.git)`, `ssh://git@host/owner/name.git` and `git@host:owner/name.git`.
 * Returns null for anything else (local paths, extra path segments, odd characters in owner or name).
 */
export function parseRepoUrl(url: string, options: RepoUrlOptions = {}): ParsedRepoUrl | null {
  const raw = url.trim();
  let host: string;
  let path: string;
  let hadCredentials = false;
  const scp = /^([A-Za-z0-9._-]+)@([A-Za-z0-9.-]+):(?!\/)(.+)$/.exec(raw);
  if (scp) {
    host = scp[2]!;
    path = scp[3]!;
  } else {
    let u: URL;
    try {
      u = new URL(raw);
    } catch {
      return null;
    }
    if (!['https:', 'http:', 'ssh:'].includes(u.protocol)) return null;
    host = u.hostname;
    path = decodeURIComponent(u.pathname);
    hadCredentials = u.protocol !== 'ssh:' && (u.username !== '' || u.password !== '');
    if (u.search || u.hash) return null;
  }
  host = host.toLowerCase();
  const parts = path.replace(/^\/+|\/+$/g, '').split('/');
  if (parts.length !== 2) return null;
  const owner = parts[0]!;
  const name = parts[1]!.replace(/\.git$/, '');
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
    web_url: `https://${host}/${owner}/${name}`,
    had_credentials: hadCredentials,
  };
}
