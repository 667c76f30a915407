/**
 * The `augment` command: run the service (serve, api, worker) and offline planning tools.
 */
import { Command } from 'commander';
import { EnvError, loadEnv } from './env.js';
import { runUntilSignal } from './server.js';

const program = new Command();
program.name('augment').description('Augment: AI planning for Jira and Confluence').showHelpAfterError();

function env() {
  try {
    return loadEnv();
  } catch (err) {
    if (err instanceof EnvError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
}

program
  .command('serve', { isDefault: true })
  .description('run the HTTP API and a worker in one process (RUNNER_ROLE)')
  .action(() => runUntilSignal(env()));
program
  .command('api')
  .description('run only the HTTP API')
  .action(() => runUntilSignal(env(), 'api'));
program
  .command('worker')
  .description('run only a queue worker')
  .action(() => runUntilSignal(env(), 'worker'));

await program.parseAsync(process.argv);
