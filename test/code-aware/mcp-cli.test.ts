/**
 * `augment mcp start|stop|status` as a user runs it: the real CLI in a child process, with no Docker on
 * PATH, with a Docker whose daemon is down, and with a scripted `docker` that records its calls.
 */
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const CLI = fileURLToPath(new URL('../../runner/bin/augment.mjs', import.meta.url));
const BB_TOKEN = 'bb-app-password-secret-77';
const JIRA_TOKEN = 'jira-token-secret-88';

let root: string;
let n = 0;

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI with only the given PATH entries (node itself is called by its absolute path). */
function cli(args: string[], opts: { path: string[]; cwd: string; env?: Record<string, string> }) {
  return new Promise<CliRun>((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      {
        cwd: opts.cwd,
        env: {
          PATH: opts.path.join(':'),
          HOME: root,
          LOG_LEVEL: 'silent',
          BITBUCKET_WORKSPACES: 'acme,beta-team',
          BITBUCKET_EMAIL: 'bot@example.com',
          BITBUCKET_API_TOKEN: BB_TOKEN,
          JIRA_SERVER_URL: 'https://acme.atlassian.net',
          JIRA_USERNAME: 'bot@example.com',
          JIRA_API_TOKEN: JIRA_TOKEN,
          ...opts.env,
        },
        timeout: 60_000,
      },
      (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** A directory holding a `docker` shell script; each call's arguments go to calls.log. */
function fakeDocker(body: string): { bin: string; calls: () => string[] } {
  const bin = join(root, `bin-${++n}`);
  mkdirSync(bin);
  const log = join(bin, 'calls.log');
  writeFileSync(join(bin, 'docker'), `#!/bin/sh\necho "$*" >> "${log}"\n${body}\n`);
  chmodSync(join(bin, 'docker'), 0o755);
  return {
    bin,
    calls: () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []),
  };
}

const freshDir = () => {
  const d = join(root, `project-${++n}`);
  mkdirSync(d);
  return d;
};

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'augment-mcp-cli-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('augment mcp without a usable Docker', () => {
  it('says Docker is not installed when there is no docker command, for start and status', async () => {
    const empty = join(root, 'empty-bin');
    mkdirSync(empty, { recursive: true });
    const dir = freshDir();
    for (const command of ['start', 'status']) {
      const r = await cli(['mcp', command], { path: [empty], cwd: dir });
      expect(r.code, command).toBe(1);
      expect(r.stderr).toContain(
        'error: Docker is not installed: the `docker` command was not found on PATH.',
      );
      expect(r.stderr).toContain('--write-only');
      expect(r.stdout).toBe('');
    }
  });

  it('says Docker is not running when the daemon does not answer', async () => {
    const docker = fakeDocker(
      'echo "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?" >&2\nexit 1',
    );
    const dir = freshDir();
    for (const command of ['start', 'status']) {
      const r = await cli(['mcp', command], { path: [docker.bin], cwd: dir });
      expect(r.code, command).toBe(1);
      expect(r.stderr).toContain('error: Docker is not running or not reachable');
    }
    // Nothing was started: the engine check comes first.
    expect(docker.calls().every((c) => c.startsWith('version'))).toBe(true);
    expect(existsSync(join(dir, 'docker-compose.mcp.yml'))).toBe(false);
  });
});

describe('augment mcp compose file', () => {
  it('writes one Bitbucket MCP per workspace on ports 7001, 7002 and one Atlassian MCP, without secrets', async () => {
    const dir = freshDir();
    const r = await cli(['mcp', 'start', '--write-only', '--dir', dir], { path: [], cwd: root });
    expect(r.code).toBe(0);
    const text = readFileSync(join(dir, 'docker-compose.mcp.yml'), 'utf8');
    const doc = parse(text);
    expect(Object.keys(doc.services)).toEqual([
      'bitbucket-mcp-acme',
      'bitbucket-mcp-beta-team',
      'atlassian-mcp',
    ]);
    expect(doc.services['bitbucket-mcp-acme'].ports).toEqual(['127.0.0.1:7001:7001']);
    expect(doc.services['bitbucket-mcp-acme'].environment.BITBUCKET_DEFAULT_WORKSPACE).toBe('acme');
    expect(doc.services['bitbucket-mcp-beta-team'].ports).toEqual(['127.0.0.1:7002:7002']);
    expect(doc.services['bitbucket-mcp-beta-team'].environment.BITBUCKET_DEFAULT_WORKSPACE).toBe('beta-team');
    expect(doc.services['atlassian-mcp'].environment.READ_ONLY_MODE).toBe('true');
    expect(text).not.toContain(BB_TOKEN);
    expect(text).not.toContain(JIRA_TOKEN);
    expect(r.stdout).toMatch(/bitbucket-acme\s+bitbucket-mcp-acme\s+7001/);
  });

  it('refuses a workspace that cannot be a host name', async () => {
    const dir = freshDir();
    const r = await cli(['mcp', 'start', '--write-only'], {
      path: [],
      cwd: dir,
      env: { BITBUCKET_WORKSPACES: 'acme;rm' },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('is not a valid workspace slug');
    expect(existsSync(join(dir, 'docker-compose.mcp.yml'))).toBe(false);
  });
});

describe('augment mcp with Docker', () => {
  const ps = [
    JSON.stringify({ Service: 'bitbucket-mcp-acme', State: 'running' }),
    JSON.stringify({ Service: 'atlassian-mcp', State: 'running' }),
  ].join('\n');
  const script = [
    'case "$1" in',
    '  version) echo 28.2.2 ;;',
    '  network) exit 0 ;;',
    `  compose) case "$*" in *" ps "*) echo '${ps.replaceAll("'", "'\\''")}' ;; esac ;;`,
    'esac',
    'exit 0',
  ].join('\n');

  it('starts the servers from the compose file in the working directory and reports their state', async () => {
    const docker = fakeDocker(script);
    const dir = freshDir();
    const file = join(dir, 'docker-compose.mcp.yml');

    const started = await cli(['mcp', 'start'], { path: [docker.bin], cwd: dir });
    expect(started.stderr).toBe('');
    expect(started.code).toBe(0);
    expect(existsSync(file)).toBe(true);
    expect(docker.calls()).toContain(`compose -f ${file} -p augment-mcp up -d --remove-orphans`);

    const json = await cli(['mcp', 'status', '--json'], { path: [docker.bin], cwd: dir });
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual([
      { name: 'bitbucket-acme', service: 'bitbucket-mcp-acme', port: 7001, state: 'running' },
      { name: 'bitbucket-beta-team', service: 'bitbucket-mcp-beta-team', port: 7002, state: 'missing' },
      { name: 'atlassian', service: 'atlassian-mcp', port: 7000, state: 'running' },
    ]);

    const table = await cli(['mcp', 'status'], { path: [docker.bin], cwd: dir });
    expect(table.stdout.split('\n')[0]).toMatch(/^SERVER\s+SERVICE\s+PORT\s+STATE$/);
    expect(table.stdout).toMatch(/bitbucket-beta-team\s+bitbucket-mcp-beta-team\s+7002\s+missing/);

    const stopped = await cli(['mcp', 'stop', '--dir', dir], { path: [docker.bin], cwd: root });
    expect(stopped.code).toBe(0);
    expect(docker.calls().at(-1)).toBe(`compose -f ${file} -p augment-mcp down --remove-orphans`);
  });
});
