import type { Command } from 'commander';
import { EnvError, loadEnv } from '../env.js';
import { runUntilSignal } from '../server.js';

/** Loads the configuration or exits with the readable list of bad variables. */
export function envOrExit() {
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

export function registerServeCommands(program: Command) {
  program
    .command('serve', { isDefault: true })
    .description('run the HTTP API and a worker in one process (RUNNER_ROLE)')
    .action(() => runUntilSignal(envOrExit()));
  program
    .command('api')
    .description('run only the HTTP API')
    .action(() => runUntilSignal(envOrExit(), 'api'));
  program
    .command('worker')
    .description('run only a queue worker')
    .action(() => runUntilSignal(envOrExit(), 'worker'));
}
