/**
 * The `repos` request parameter: normalised to `{url, branch?, dir}` and validated before anything is
 * cloned. Only https and ssh URLs to configured hosts pass; local paths, file://, loopback, link-local
 * and private address literals, URLs with credentials and anything that git could read as an option
 * are refused.
 */
import { isIP } from 'node:net';
import type { RepoSpec } from '@augment/shared';
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
const SCP_LIKE = /^([A-Za-z0-9._-]+)@([A-Za-z0-9.-]+):(?!\/\/)([A-Za-z0-9._~/-]+)$/;
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

/** Branch names as `git check-ref-format --branch` would accept them, minus anything option-like. */
export function isSafeBranch(branch: string): boolean {
  if (branch.length === 0 || branch.length > 255) return false;
  if (branch.startsWith('-') || branch.startsWith('/') || branch.endsWith('/') || branch.endsWith('.'))
    return false;
  if (branch.endsWith('.lock') || branch.includes('..') || branch.includes('@{') || branch.includes('//'))
    return false;
  if (CONTROL.test(branch) || /[~^:?*[\\]/.test(branch) || branch === '@') return false;
  return branch.split('/').every((seg) => seg.length > 0 && !seg.startsWith('.'));
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
  const u = new URL(url);
  if (u.protocol === 'file:') return { url, path: checkPath(decodeURIComponent(u.pathname), index) };
  if (
    (u.protocol === 'http:' || u.protocol === 'https:') &&
    (u.hostname === '127.0.0.1' || u.hostname === 'localhost')
  ) {
    if (u.username || u.password) throw bad(`repos[${index}]: credentials in the URL are not allowed`, index);
    return { url, host: u.host.toLowerCase(), path: checkPath(u.pathname, index) };
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

  const scp = url.match(SCP_LIKE);
  if (scp && !url.includes('://')) {
    const [, user = '', host = '', path = ''] = scp;
    checkSshUser(user, index);
    return { url, host: checkHost(host, policy, index), path: checkPath(path, index) };
  }

  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw bad(
      `repos[${index}]: not a valid URL (use https://host/owner/repo.git or git@host:owner/repo.git)`,
      index,
    );
  }
  if (u.protocol !== 'https:' && u.protocol !== 'ssh:') {
    throw bad(
      `repos[${index}]: only https and ssh URLs are allowed (got ${u.protocol.replace(':', '')})`,
      index,
    );
  }
  if (u.password || (u.protocol === 'https:' && u.username)) {
    throw bad(
      `repos[${index}]: credentials in the URL are not allowed; configure GIT_USERNAME/GIT_PASSWORD`,
      index,
    );
  }
  if (u.protocol === 'ssh:' && u.username) checkSshUser(decodeURIComponent(u.username), index);
  if (u.search || u.hash) throw bad(`repos[${index}]: query strings and fragments are not allowed`, index);
  const host = checkHost(u.hostname, policy, index);
  return { url, host, path: checkPath(decodeURIComponent(u.pathname), index) };
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
    if (branch !== undefined && !isSafeBranch(branch))
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
