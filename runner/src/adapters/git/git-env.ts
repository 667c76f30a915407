/**
 * The one git credentials stack: the environment of every git process Augment runs (draft PR
 * workspaces and the code-aware clones alike). Credentials travel only here, as an
 * `http.<origin>.extraHeader` in GIT_CONFIG_COUNT/KEY/VALUE: never on the command line (visible in `ps`),
 * never in `.git/config`, never in a remote URL, never logged. User and system git configuration are
 * ignored so a host's settings cannot change what a job does.
 */

export interface GitCredentials {
  /**
   * For GitHub tokens `x-access-token`; for Bitbucket API tokens `x-bitbucket-api-token-auth`;
   * `git` when not given.
   */
  username?: string;
  /** Without a password no header is sent. */
  password?: string;
}

export interface GitAuthor {
  name: string;
  email: string;
}

export interface GitEnvOptions {
  /** PATH for git (it needs to find its helpers, e.g. git-remote-https). */
  pathEnv: string;
  /** An empty directory used as HOME. */
  homeDir: string;
  /** Author and committer of commits (workspaces that commit). */
  author?: GitAuthor;
  /** Remote URL the credentials are scoped to (only its origin is used). */
  remoteUrl?: string;
  credentials?: GitCredentials;
  /** Also allow ssh remotes (non-interactive, host keys accepted on first use). */
  allowSsh?: boolean;
  /** Test-only: allow file:// and plain http remotes. */
  allowLocalOrigins?: boolean;
}

export const DEFAULT_GIT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Every variable gitEnvironment may set, and the per-command dates: simple-git strips any others. */
export const GIT_ENV_KEYS: readonly string[] = [
  'GIT_TERMINAL_PROMPT',
  'GIT_CONFIG_NOSYSTEM',
  'GIT_CONFIG_GLOBAL',
  'GIT_ALLOW_PROTOCOL',
  'GIT_LITERAL_PATHSPECS',
  'GIT_SSH_COMMAND',
  'GIT_AUTHOR_NAME',
  'GIT_AUTHOR_EMAIL',
  'GIT_COMMITTER_NAME',
  'GIT_COMMITTER_EMAIL',
  'GIT_AUTHOR_DATE',
  'GIT_COMMITTER_DATE',
  'GIT_CONFIG_COUNT',
  'GIT_CONFIG_KEY_0',
  'GIT_CONFIG_VALUE_0',
];

/** `scheme://host[:port]/` of an http(s) URL, or undefined for other transports. */
export function httpOrigin(url: string): string | undefined {
  if (!/^https?:\/\//i.test(url)) return undefined;
  const u = new URL(url);
  return `${u.protocol}//${u.host}/`;
}

/** The `Authorization` header value for HTTP basic auth. */
export function basicAuthHeader(credentials: GitCredentials): string {
  const user = credentials.username || 'git';
  return `Basic ${Buffer.from(`${user}:${credentials.password ?? ''}`).toString('base64')}`;
}

/** Literal strings that must be scrubbed from anything git prints (the password and its header form). */
export function credentialSecrets(credentials?: GitCredentials): string[] {
  if (!credentials?.password) return [];
  const header = basicAuthHeader(credentials);
  return [credentials.password, header.slice('Basic '.length)];
}

export function gitEnvironment(opts: GitEnvOptions): Record<string, string> {
  const protocols = [
    'https',
    ...(opts.allowSsh ? ['ssh'] : []),
    ...(opts.allowLocalOrigins ? ['http', 'file'] : []),
  ];
  const env: Record<string, string> = {
    PATH: opts.pathEnv,
    HOME: opts.homeDir,
    LANG: 'C',
    LC_ALL: 'C',
    GIT_TERMINAL_PROMPT: '0',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_ALLOW_PROTOCOL: protocols.join(':'),
    // Paths are always literal: a file named `*` or `:(top)` from a plan is just a file.
    GIT_LITERAL_PATHSPECS: '1',
  };
  if (opts.allowSsh) env.GIT_SSH_COMMAND = 'ssh -o BatchMode=yes -o StrictHostKeyChecking=accept-new';
  if (opts.author) {
    env.GIT_AUTHOR_NAME = opts.author.name;
    env.GIT_AUTHOR_EMAIL = opts.author.email;
    env.GIT_COMMITTER_NAME = opts.author.name;
    env.GIT_COMMITTER_EMAIL = opts.author.email;
  }
  const origin = opts.remoteUrl ? httpOrigin(opts.remoteUrl) : undefined;
  if (origin && opts.credentials?.password) {
    env.GIT_CONFIG_COUNT = '1';
    env.GIT_CONFIG_KEY_0 = `http.${origin}.extraHeader`;
    env.GIT_CONFIG_VALUE_0 = `Authorization: ${basicAuthHeader(opts.credentials)}`;
  }
  return env;
}
