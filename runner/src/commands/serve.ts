import type { Command } from 'commander';
import { EnvError, loadEnv } from '../env.js';
import { formatCliError } from './cli-error.js';

/** Loads the configuration or exits (code 2) with the readable list of bad variables. */
export function envOrExit() {
  try {
    return loadEnv();
  } catch (err) {
    if (err instanceof EnvError) {
      process.stderr.write(formatCliError(err));
      process.exit(2);
    }
    throw err;
  }
}

/** The server is imported only when a service command runs, so offline commands start fast. */
async function run(role?: 'api' | 'worker') {
  const { runUntilSignal } = await import('../server.js');
  await runUntilSignal(envOrExit(), role);
}

export function registerServeCommands(program: Command) {
  program
    .command('serve', { isDefault: true })
    .description('run the HTTP API and a worker in one process (RUNNER_ROLE)')
    .action(() => run());
  program
    .command('api')
    .description('run only the HTTP API')
    .action(() => run('api'));
  program
    .command('worker')
    .description('run only a queue worker')
    .action(() => run('worker'));
}
