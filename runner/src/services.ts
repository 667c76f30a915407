/**
 * The adapters and stores a processor may use, built once per process from the Env.
 * Each room adds its own field here; processors take what they need from `ctx.services`.
 */
import type { Env } from './env.js';
import type { Logger } from './logger.js';

export interface Services {
  env: Env;
  log: Logger;
  /** Literal secret values to scrub from anything leaving the process. */
  secrets: readonly string[];
}

export function createServices(env: Env, log: Logger, secrets: readonly string[]): Services {
  return { env, log, secrets };
}
