/**
 * The adapters and stores a processor or route may use, built once per process from the Env.
 * Each room adds its own field here; processors take what they need from `ctx.services`.
 */
import { join } from 'node:path';
import { createLlm, type Llm, llmConfigFromEnv } from './adapters/llm/index.js';
import type { Env } from './env.js';
import type { Logger } from './logger.js';
import { type Database, openDatabase } from './store/db.js';
import { TeamMemberStore } from './store/team-members.js';

export interface Services {
  env: Env;
  log: Logger;
  /** Literal secret values to scrub from anything leaving the process. */
  secrets: readonly string[];
  db: Database;
  teamMembers: TeamMemberStore;
  /** The LLM facade (providers, structured output, rules fallback). Jobs use `ctx.llm`, which records usage. */
  llm: Llm;
  close(): void;
}

export function databasePath(env: Env): string {
  return env.DATABASE_PATH ?? join(env.DATA_DIR, 'augment.db');
}

export function createServices(env: Env, log: Logger, secrets: readonly string[]): Services {
  const db = openDatabase(databasePath(env));
  return {
    env,
    log,
    secrets,
    db,
    teamMembers: new TeamMemberStore(db),
    llm: createLlm(llmConfigFromEnv(env), { log }),
    close: () => db.close(),
  };
}
