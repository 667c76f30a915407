import type { Command } from 'commander';

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
      const { runEmulatorCli } = await import('../../../test/emulator/cli.js');
      const emu = await runEmulatorCli(Number(opts.port), {
        seed: opts.seed ? undefined : false,
        host: opts.host,
      });
      const stop = () => emu.close().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
