import { resolve } from 'node:path';
import type { Command } from 'commander';
import {
  type McpComposeConfig,
  McpError,
  type McpServerStatus,
  mcpStart,
  mcpStatus,
  mcpStop,
  writeMcpCompose,
} from '../adapters/mcp/compose.js';
import { type McpServerSpec, mcpServerUrl, planMcpServers } from '../adapters/mcp/servers.js';
import type { Env } from '../env.js';
import { CliError, cliAction } from './cli-error.js';
import { envOrExit } from './serve.js';

interface DirOption {
  dir?: string;
}

function composeConfig(env: Env): McpComposeConfig {
  return { bitbucketWorkspaces: env.BITBUCKET_WORKSPACES, atlassian: true };
}

/** The servers the compose file will hold; a bad workspace slug is the user's to fix. */
function plan(config: McpComposeConfig): McpServerSpec[] {
  try {
    return planMcpServers({ ...config, atlassian: true });
  } catch (err) {
    throw new CliError((err as Error).message, { cause: err });
  }
}

/** Variables the compose file refers to by name that are not set: the servers would start without them. */
function unsetVariables(env: Env, servers: readonly McpServerSpec[]): string[] {
  const needed: (keyof Env)[] = ['JIRA_SERVER_URL', 'JIRA_USERNAME', 'JIRA_API_TOKEN'];
  if (servers.some((s) => s.kind === 'bitbucket')) needed.push('BITBUCKET_EMAIL', 'BITBUCKET_API_TOKEN');
  return needed.filter((name) => !env[name]);
}

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function serversTable(servers: readonly McpServerSpec[]): string {
  return table([
    ['SERVER', 'SERVICE', 'PORT', 'URL'],
    ...servers.map((s) => [s.name, s.service, String(s.port), mcpServerUrl(s, 'localhost')]),
  ]);
}

function statusTable(rows: readonly McpServerStatus[]): string {
  return table([
    ['SERVER', 'SERVICE', 'PORT', 'STATE'],
    ...rows.map((r) => [r.name, r.service, String(r.port), r.state]),
  ]);
}

const dirOf = (opts: DirOption) => resolve(opts.dir ?? process.cwd());

/** Runs an action; known problems are reported in the CLI format, Docker ones with what to do about it. */
function action<A extends unknown[]>(fn: (...args: A) => Promise<void>) {
  return cliAction(fn, (err) =>
    err instanceof McpError && (err.code === 'docker_missing' || err.code === 'docker_unavailable')
      ? 'The MCP servers run in Docker: install Docker Engine with the compose plugin and start it, ' +
        'or use `augment mcp start --write-only` to only write the compose file.'
      : undefined,
  );
}

/**
 * `augment mcp start|stop|status`: the MCP servers OpenCode sandboxes use (one Bitbucket server per
 * BITBUCKET_WORKSPACES entry on ports 7001, 7002, ... and one Atlassian server on 7000), described in
 * docker-compose.mcp.yml in the working directory (or `--dir`) and run with `docker compose`.
 */
export function registerMcpCommands(program: Command) {
  const mcp = program
    .command('mcp')
    .description('MCP servers for OpenCode (Bitbucket per workspace, Atlassian) in Docker');

  mcp
    .command('start')
    .description('write docker-compose.mcp.yml and start the MCP servers')
    .option('--dir <dir>', 'where docker-compose.mcp.yml is written (default: the working directory)')
    .option('--write-only', 'only write docker-compose.mcp.yml; do not call Docker')
    .action(
      action(async (opts: DirOption & { writeOnly?: boolean }) => {
        const env = envOrExit();
        const config = composeConfig(env);
        const servers = plan(config);
        const dir = dirOf(opts);
        const unset = unsetVariables(env, servers);
        if (unset.length > 0) {
          process.stderr.write(
            `warning: not set: ${unset.join(', ')}; the compose file reads them from the environment of docker compose\n`,
          );
        }
        if (opts.writeOnly) {
          const path = await writeMcpCompose(dir, config);
          process.stdout.write(`wrote ${path}\n${serversTable(servers)}\n`);
          return;
        }
        const started = await mcpStart(dir, config);
        process.stdout.write(`started the MCP servers (${started.composeFile})\n${serversTable(servers)}\n`);
      }),
    );

  mcp
    .command('stop')
    .description('stop and remove the MCP servers')
    .option('--dir <dir>', 'where docker-compose.mcp.yml is (default: the working directory)')
    .action(
      action(async (opts: DirOption) => {
        const stopped = await mcpStop(dirOf(opts));
        process.stdout.write(`stopped the MCP servers (${stopped.composeFile})\n`);
      }),
    );

  mcp
    .command('status')
    .description('show the state of each MCP server')
    .option('--dir <dir>', 'where docker-compose.mcp.yml is (default: the working directory)')
    .option('--json', 'print the states as JSON')
    .action(
      action(async (opts: DirOption & { json?: boolean }) => {
        const env = envOrExit();
        const config = composeConfig(env);
        plan(config);
        const rows = await mcpStatus(dirOf(opts), config);
        process.stdout.write(opts.json ? `${JSON.stringify(rows, null, 2)}\n` : `${statusTable(rows)}\n`);
      }),
    );
}
