/**
 * The `repos` request parameter: normalised to `{url, branch?, dir}` and validated before anything is
 * cloned. Only https and ssh URLs to configured hosts pass; local paths, file://, loopback, link-local
 * and private address literals, URLs with credentials and anything that git could read as an option
 * are refused.
 */
import { isIP } from 'node:net';
import { isSafeBranchName, type RepoSpec, splitRepoUrl } from '@augment/shared';
import { OpenCodeError } from './errors.js';

export interface RepoRef {
  url: string;
  branch?: string;
  /** Directory name inside the workspace (unique per job). */
  dir: string;
  /** Host the URL points at (lower case); undefined for test-only local origins. */
  host?: string;
  /** Path part of the URL without a leading slash or `.git`, e.g. `team/api`. */
  path: string;
}

export interface RepoPolicy {
  allowedHosts: readonly string[];
  maxRepos: number;
  /**
   * Test-only: also accept `file://` URLs, absolute local paths and http(s) to 127.0.0.1, so real local
   * git repositories can be cloned. Nothing derived from the environment or a request ever sets this.
   */
  unsafeAllowLocalOrigins?: boolean;
}

const MAX_URL = 2048;
// biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
const CONTROL = /[\u0000-\u001f\u007f\s]/;
const PATH_OK = /^[A-Za-z0-9._~/-]+$/;

const bad = (message: string, index?: number) =>
  new OpenCodeError('invalid_repos', message, index === undefined ? undefined : { index });

/** Whether an IP literal is loopback, private, link-local, unspecified, CGNAT or multicast. */
export function isNonPublicIp(ip: string): boolean {
  const v = isIP(ip);
  if (v === 4) {
    const [a = 0, b = 0] = ip.split('.').map(Number);
    return (
      a === 0 ||
      a === 10 ||
      a === 127 ||
      (a === 100 && b >= 64 && b <= 127) ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      a >= 224
    );
  }
  if (v === 6) {
    const x = ip.toLowerCase();
    if (x === '::' || x === '::1') return true;
    const mapped = x.match(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/);
    if (mapped?.[1]) return isNonPublicIp(mapped[1]);
    return /^(fe[89ab]|fc|fd|ff)/.test(x);
  }
  return false;
}

function checkHost(host: string, policy: RepoPolicy, index: number): string {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  if (isIP(h)) {
    if (isNonPublicIp(h))
      throw bad(`repos[${index}]: loopback, private and link-local addresses are not allowed`, index);
    throw bad(`repos[${index}]: IP addresses are not allowed; use a configured host name`, index);
  }
  if (h === 'localhost' || h.endsWith('.localhost'))
    throw bad(`repos[${index}]: localhost is not allowed`, index);
  if (!policy.allowedHosts.includes(h)) {
    throw bad(
      `repos[${index}]: host "${h}" is not allowed (allowed: ${policy.allowedHosts.join(', ') || 'none'})`,
      index,
    );
  }
  return h;
}

function checkPath(p: string, index: number): string {
  const trimmed = p.replace(/^\/+/, '').replace(/\/+$/, '');
  if (
    !trimmed ||
    !PATH_OK.test(trimmed) ||
    trimmed.split('/').some((seg) => seg === '..' || seg === '.' || seg.startsWith('-'))
  ) {
    throw bad(`repos[${index}]: the repository path is not valid`, index);
  }
  return trimmed.replace(/\.git$/, '');
}

function checkSshUser(user: string, index: number): void {
  if (!/^[A-Za-z0-9._][A-Za-z0-9._-]*$/.test(user))
    throw bad(`repos[${index}]: the ssh user name is not valid`, index);
}

interface ParsedUrl {
  url: string;
  host?: string;
  path: string;
}

function parseLocal(url: string, index: number): ParsedUrl {
  if (url.startsWith('/')) return { url, path: checkPath(url, index) };
  const u = splitRepoUrl(url);
  if (u?.scheme === 'file') return { url, path: checkPath(u.path, index) };
  if (
    u &&
    (u.scheme === 'http' || u.scheme === 'https') &&
    (u.host === '127.0.0.1' || u.host === 'localhost')
  ) {
    if (u.user || u.password) throw bad(`repos[${index}]: credentials in the URL are not allowed`, index);
    return { url, host: u.port ? `${u.host}:${u.port}` : u.host, path: checkPath(u.path, index) };
  }
  throw bad(`repos[${index}]: not a local origin`, index);
}

/** Validates one repository URL; returns the host and path it points at. Throws `invalid_repos`. */
export function validateRepoUrl(url: string, policy: RepoPolicy, index = 0): ParsedUrl {
  if (typeof url !== 'string' || url.length === 0) throw bad(`repos[${index}]: the URL is empty`, index);
  if (url.length > MAX_URL) throw bad(`repos[${index}]: the URL is too long`, index);
  if (CONTROL.test(url))
    throw bad(`repos[${index}]: the URL contains whitespace or control characters`, index);
  if (url.startsWith('-')) throw bad(`repos[${index}]: the URL must not start with "-"`, index);
  if (url.includes('::')) throw bad(`repos[${index}]: git transport helpers ("::") are not allowed`, index);
  // URL parsing would silently resolve these; git would not.
  if (/[/:]\.\.?(\/|$)/.test(url))
    throw bad(`repos[${index}]: "." and ".." path segments are not allowed`, index);

  if (
    policy.unsafeAllowLocalOrigins &&
    (url.startsWith('/') || /^(file|https?):\/\/(\/|127\.0\.0\.1|localhost)/.test(url))
  ) {
    return parseLocal(url, index);
  }

  const u = splitRepoUrl(url);
  if (!u) {
    throw bad(
      `repos[${index}]: not a valid URL (use https://host/owner/repo.git or git@host:owner/repo.git)`,
      index,
    );
  }
  if (u.scpLike) {
    checkSshUser(u.user, index);
    return { url, host: checkHost(u.host, policy, index), path: checkPath(u.path, index) };
  }
  if (u.scheme !== 'https' && u.scheme !== 'ssh') {
    throw bad(`repos[${index}]: only https and ssh URLs are allowed (got ${u.scheme})`, index);
  }
  if (u.password || (u.scheme === 'https' && u.user)) {
    throw bad(
      `repos[${index}]: credentials in the URL are not allowed; configure GIT_USERNAME/GIT_PASSWORD`,
      index,
    );
  }
  if (u.scheme === 'ssh' && u.user) checkSshUser(u.user, index);
  if (u.hasQuery) throw bad(`repos[${index}]: query strings and fragments are not allowed`, index);
  const host = checkHost(u.host, policy, index);
  return { url, host, path: checkPath(u.path, index) };
}

function dirNameFor(path: string, used: Set<string>): string {
  const last = path.split('/').pop() ?? 'repo';
  const base =
    last
      .replace(/[^A-Za-z0-9._-]/g, '-')
      .replace(/^[.-]+/, '')
      .slice(0, 80) || 'repo';
  let name = base;
  for (let i = 2; used.has(name.toLowerCase()); i++) name = `${base}-${i}`;
  used.add(name.toLowerCase());
  return name;
}

/**
 * Normalises and validates the `repos` parameter (strings or `{url, branch}`). Throws `invalid_repos`
 * when there are more than `policy.maxRepos`, or any URL or branch is refused.
 */
export function normalizeRepos(repos: readonly RepoSpec[] | undefined, policy: RepoPolicy): RepoRef[] {
  if (!repos || repos.length === 0) return [];
  if (repos.length > policy.maxRepos) {
    throw new OpenCodeError(
      'invalid_repos',
      `At most ${policy.maxRepos} repositories are allowed per job (got ${repos.length})`,
      {
        max: policy.maxRepos,
      },
    );
  }
  const used = new Set<string>(['result.json', 'agents.md', 'opencode.json']);
  return repos.map((spec, index) => {
    const { url, branch } = typeof spec === 'string' ? { url: spec, branch: undefined } : spec;
    const parsed = validateRepoUrl(url, policy, index);
    if (branch !== undefined && !isSafeBranchName(branch))
      throw bad(`repos[${index}]: the branch name is not valid`, index);
    return {
      url: parsed.url,
      ...(branch ? { branch } : {}),
      ...(parsed.host ? { host: parsed.host } : {}),
      path: parsed.path,
      dir: dirNameFor(parsed.path, used),
    };
  });
}
