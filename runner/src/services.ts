/**
 * The adapters and stores a processor or route may use, built once per process from the Env.
 * Each room adds its own field here; processors take what they need from `ctx.services`.
 */
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import {
  type AtlassianClients,
  configuredAtlassianAuth,
  configuredFieldNames,
  createAtlassianClients,
  SiteLimiters,
} from './adapters/http/index.js';
import { createLlm, type Llm, llmConfigFromEnv } from './adapters/llm/index.js';
import {
  createOpenCodeService,
  type OpenCodeService,
  type OpenCodeServiceHooks,
} from './adapters/opencode/service.js';
import { createDraftPrEngines, type DraftPrEngine } from './draft-pr/index.js';
import type { Env } from './env.js';
import { AppError } from './errors.js';
import type { Logger } from './logger.js';
import { type Database, openDatabase } from './store/db.js';
import { TenantSettingsStore } from './store/settings.js';
import { TeamMemberStore } from './store/team-members.js';
import { TimelineStore } from './store/timelines.js';

export interface Services {
  env: Env;
  log: Logger;
  /** Literal secret values to scrub from anything leaving the process. */
  secrets: readonly string[];
  db: Database;
  teamMembers: TeamMemberStore;
  /** Stored epic timelines (POST /sprint/timeline with dry_run false), newest first. */
  timelines: TimelineStore;
  /** Per-tenant settings (the site's default LLM provider and model). */
  settings: TenantSettingsStore;
  /** The LLM facade (providers, structured output, rules fallback). Jobs use `ctx.llm`, which records usage. */
  llm: Llm;
  /**
   * Jira and Confluence clients for one job: the Forge app system token the caller handed over, else the
   * site configured in the environment. Throws a 400 naming the missing configuration when there is neither.
   */
  atlassian(credentials?: Record<string, unknown>): AtlassianClients;
  /** The Draft PR pipeline over the configured Jira site (stories, comments), git and the SCM APIs. */
  draftPr: DraftPrEngine;
  /** The Draft PR engine for a job's Atlassian credentials (Forge); `draftPr` when there are none. */
  draftPrFor(credentials?: Record<string, unknown>): DraftPrEngine;
  /** The process's Redis connection (owned by server.ts), when it runs with one. */
  redis?: Redis;
  /** Code-aware generation (code-aware/code-aware.ts); lazy: nothing is parsed or started until first used. */
  openCode: OpenCodeService;
  close(): void;
}

export function databasePath(env: Env): string {
  return env.DATABASE_PATH ?? join(env.DATA_DIR, 'augment.db');
}

export function createServices(
  env: Env,
  log: Logger,
  secrets: readonly string[],
  extras: { redis?: Redis; openCodeHooks?: OpenCodeServiceHooks } = {},
): Services {
  const db = openDatabase(databasePath(env));
  const llm = createLlm(llmConfigFromEnv(env), { log });
  const atlassian = atlassianFactory(env, log);
  const draftPr = createDraftPrEngines(env, { db, log, secrets, llm, atlassian });
  return {
    env,
    log,
    secrets,
    db,
    teamMembers: new TeamMemberStore(db),
    timelines: new TimelineStore(db),
    settings: new TenantSettingsStore(db),
    llm,
    atlassian,
    draftPr: draftPr.engine,
    draftPrFor: draftPr.forCredentials,
    ...(extras.redis ? { redis: extras.redis } : {}),
    openCode: createOpenCodeService({
      env,
      log,
      secrets,
      ...(extras.redis ? { redis: extras.redis } : {}),
      ...(extras.openCodeHooks ? { hooks: extras.openCodeHooks } : {}),
    }),
    close: () => db.close(),
  };
}

function atlassianFactory(env: Env, log: Logger): Services['atlassian'] {
  const limiters = new SiteLimiters();
  const base = {
    fieldNames: configuredFieldNames(env),
    maxConcurrency: env.JIRA_MAX_CONCURRENCY,
    limiters,
    log,
  };
  const configured = configuredAtlassianAuth(env);
  const configuredClients = configured
    ? createAtlassianClients(configured.auth, { ...base, confluenceAuth: configured.confluenceAuth })
    : undefined;
  return (credentials) => {
    if (credentials?.kind === 'forge') {
      if (typeof credentials.api_base_url !== 'string' || typeof credentials.system_token !== 'string') {
        throw new AppError(
          400,
          'forge_system_token_missing',
          'the Forge call carried no app system token: enable auth.appSystemToken on the runner remote in manifest.yml and deploy',
          { field: 'x-forge-oauth-system' },
        );
      }
      return createAtlassianClients(
        {
          kind: 'forge',
          apiBaseUrl: credentials.api_base_url,
          systemToken: credentials.system_token,
        },
        base,
      );
    }
    if (configuredClients) return configuredClients;
    throw new AppError(
      400,
      'atlassian_not_configured',
      'no Jira site to talk to: call from the Forge app, or set JIRA_SERVER_URL, JIRA_USERNAME and JIRA_API_TOKEN',
      { field: 'JIRA_SERVER_URL' },
    );
  };
}
