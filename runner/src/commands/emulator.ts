import type { Command } from 'commander';

/**
 * The emulator lives in test/ (not in the runner's TypeScript project): the specifier is a variable so
 * `tsc -b` does not pull test/ into the runner's project; tsx resolves it at run time as before.
 */
const EMULATOR_CLI = '../../../test/emulator/cli.js';
interface EmulatorCli {
  runEmulatorCli(port: number, opts: { seed?: boolean; host?: string }): Promise<{ close(): Promise<void> }>;
}

/**
 * `augment emulator --seed`: the local Jira + Confluence emulator from test/, with demo data, so a newcomer
 * can run the whole runner without an Atlassian account.
 */
export function registerEmulatorCommand(program: Command) {
  program
    .command('emulator')
    .description('start the local Jira + Confluence emulator (for development and demos)')
    .option('--seed', 'load the demo project, epic, PRD page and board', false)
    .option('-p, --port <port>', 'port to listen on', '4010')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .action(async (opts: { seed: boolean; port: string; host: string }) => {
      const { runEmulatorCli } = (await import(EMULATOR_CLI)) as EmulatorCli;
      const emu = await runEmulatorCli(Number(opts.port), {
        seed: opts.seed ? undefined : false,
        host: opts.host,
      });
      const stop = () => emu.close().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
