import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  type CommandRunner,
  McpError,
  mcpStart,
  mcpStatus,
  mcpStop,
  renderMcpCompose,
  writeMcpCompose,
} from './compose.js';
import { planMcpServers } from './servers.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'augment-mcp-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const ref = (name: string) => '$' + '{' + name + '}';
const config = { bitbucketWorkspaces: ['acme', 'beta-team'], atlassian: true };

/** A scripted `docker` that records its calls. */
function fakeDocker(
  answers: (args: readonly string[]) => { code: number; stdout?: string; stderr?: string },
) {
  const calls: string[][] = [];
  const run: CommandRunner = async (command, args) => {
    calls.push([command, ...args]);
    const a = answers(args);
    return { code: a.code, stdout: a.stdout ?? '', stderr: a.stderr ?? '' };
  };
  return { run, calls };
}

describe('MCP compose file', () => {
  it('has one Bitbucket server per workspace on ports 7001, 7002 and one Atlassian server', () => {
    const doc = parse(renderMcpCompose(config));
    expect(Object.keys(doc.services)).toEqual([
      'bitbucket-mcp-acme',
      'bitbucket-mcp-beta-team',
      'atlassian-mcp',
    ]);
    expect(doc.services['bitbucket-mcp-acme']).toMatchObject({
      hostname: 'bitbucket-mcp-acme',
      ports: ['127.0.0.1:7001:7001'],
      environment: { PORT: '7001', BITBUCKET_DEFAULT_WORKSPACE: 'acme' },
      networks: ['mcp', 'egress'],
      cap_drop: ['ALL'],
    });
    expect(doc.services['bitbucket-mcp-beta-team'].ports).toEqual(['127.0.0.1:7002:7002']);
    expect(doc.services['atlassian-mcp']).toMatchObject({
      ports: ['127.0.0.1:7000:7000'],
      environment: { READ_ONLY_MODE: 'true', TRANSPORT: 'streamable-http' },
    });
    expect(doc.networks.mcp).toEqual({ name: 'augment-mcp', external: true });
  });

  it('passes credentials by variable name only', () => {
    const doc = parse(renderMcpCompose(config));
    expect(doc.services['atlassian-mcp'].environment).toMatchObject({
      JIRA_URL: ref('JIRA_SERVER_URL'),
      JIRA_USERNAME: ref('JIRA_USERNAME'),
      JIRA_API_TOKEN: ref('JIRA_API_TOKEN'),
      CONFLUENCE_URL: ref('CONFLUENCE_SERVER_URL'),
      CONFLUENCE_API_TOKEN: ref('CONFLUENCE_API_TOKEN'),
    });
    expect(doc.services['bitbucket-mcp-acme'].environment).toMatchObject({
      ATLASSIAN_USER_EMAIL: ref('BITBUCKET_EMAIL'),
      ATLASSIAN_API_TOKEN: ref('BITBUCKET_API_TOKEN'),
    });
  });

  it('names servers consistently with opencode.json (bitbucket-{workspace})', () => {
    expect(planMcpServers(config).map((s) => [s.name, s.service, s.port])).toEqual([
      ['bitbucket-acme', 'bitbucket-mcp-acme', 7001],
      ['bitbucket-beta-team', 'bitbucket-mcp-beta-team', 7002],
      ['atlassian', 'atlassian-mcp', 7000],
    ]);
  });

  it('refuses a workspace name that cannot be a host name', () => {
    expect(() => renderMcpCompose({ bitbucketWorkspaces: ['acme; rm -rf /'], atlassian: false })).toThrow(
      /not a valid workspace slug/,
    );
  });

  it('writes docker-compose.mcp.yml into the directory', async () => {
    const path = await writeMcpCompose(dir, config);
    expect(path).toBe(join(dir, 'docker-compose.mcp.yml'));
    expect(readFileSync(path, 'utf8')).toBe(renderMcpCompose(config));
  });
});

describe('augment mcp start|stop|status', () => {
  it('creates the shared network if needed and brings the servers up', async () => {
    const docker = fakeDocker((args) =>
      args[0] === 'network' && args[1] === 'inspect' ? { code: 1, stderr: 'No such network' } : { code: 0 },
    );
    const out = await mcpStart(dir, config, { run: docker.run });
    expect(out.servers.map((s) => s.port)).toEqual([7001, 7002, 7000]);
    const path = join(dir, 'docker-compose.mcp.yml');
    expect(docker.calls).toEqual([
      ['docker', 'version', '--format', '{{.Server.Version}}'],
      ['docker', 'network', 'inspect', 'augment-mcp'],
      ['docker', 'network', 'create', '--internal', '--label', 'augment.managed=true', 'augment-mcp'],
      ['docker', 'compose', '-f', path, '-p', 'augment-mcp', 'up', '-d', '--remove-orphans'],
    ]);
  });

  it('stops the servers with compose down', async () => {
    const docker = fakeDocker(() => ({ code: 0 }));
    await mcpStop(dir, { run: docker.run });
    expect(docker.calls.at(-1)).toEqual([
      'docker',
      'compose',
      '-f',
      join(dir, 'docker-compose.mcp.yml'),
      '-p',
      'augment-mcp',
      'down',
      '--remove-orphans',
    ]);
  });

  it('reports the state of every planned server, missing ones included', async () => {
    const ps = [
      JSON.stringify({ Service: 'bitbucket-mcp-acme', State: 'running' }),
      JSON.stringify({ Service: 'atlassian-mcp', State: 'exited' }),
    ].join('\n');
    const docker = fakeDocker((args) => (args[0] === 'compose' ? { code: 0, stdout: ps } : { code: 0 }));
    expect(await mcpStatus(dir, config, { run: docker.run })).toEqual([
      { name: 'bitbucket-acme', service: 'bitbucket-mcp-acme', port: 7001, state: 'running' },
      { name: 'bitbucket-beta-team', service: 'bitbucket-mcp-beta-team', port: 7002, state: 'missing' },
      { name: 'atlassian', service: 'atlassian-mcp', port: 7000, state: 'exited' },
    ]);
  });

  it('says clearly when the docker command is missing', async () => {
    const run: CommandRunner = async () => {
      throw Object.assign(new Error('spawn docker ENOENT'), { code: 'ENOENT' });
    };
    const err = await mcpStatus(dir, config, { run }).catch((e) => e);
    expect(err).toBeInstanceOf(McpError);
    expect(err).toMatchObject({ code: 'docker_missing' });
  });

  it('says clearly when no Docker engine is running (the real docker client on this machine)', async () => {
    const err = await mcpStatus(dir, config, { timeoutMs: 20_000 }).catch((e) => e);
    // Depending on the machine: no docker binary, or a client without an engine.
    expect(['docker_missing', 'docker_unavailable']).toContain(err.code);
    expect(err.message).toMatch(/Docker is not/);
  });

  it('says clearly when Docker Compose v2 is missing', async () => {
    const docker = fakeDocker((args) =>
      args[0] === 'compose' ? { code: 1, stderr: "docker: 'compose' is not a docker command." } : { code: 0 },
    );
    expect(await mcpStop(dir, { run: docker.run }).catch((e) => e)).toMatchObject({
      code: 'compose_missing',
    });
  });
});
