/**
 * Builds the engine's dependencies from the runner's configuration. The Jira story source and comment
 * callback come from the caller (the Jira adapter), so this file stays free of Atlassian details.
 */
import { join } from 'node:path';
import { DEFAULT_YOLO_POLICY, type DraftPrRepo, type YoloPolicy } from '@augment/shared';
import { DEFAULT_GIT_PATH, GitWorkspaceManager } from '../adapters/git/index.js';
import { resolveRepo, type ScmConfig } from '../adapters/scm/index.js';
import type { Env } from '../env.js';
import type { Logger } from '../logger.js';
import type { Database } from '../store/db.js';
import { DraftPrStore } from '../store/draft-pr-store.js';
import type { DraftPrEngineDeps, RepoTarget, StoryNotifier, StorySource } from './engine.js';
import { type ChangeProducer, PlanChangesProducer, type Planner, RuleBasedPlanner } from './planner.js';
import { verificationCommands } from './verify-commands.js';

export interface DraftPrWiring {
  db: Database;
  log?: Logger;
  secrets: readonly string[];
  stories: StorySource;
  notifier?: StoryNotifier;
  /** PATH for git and the verification commands (default: the usual system directories). */
  pathEnv?: string;
  yoloPolicy?: YoloPolicy;
  planner?: Planner;
  producer?: ChangeProducer;
}

/** GitHub/Bitbucket tokens and API URLs from the environment. */
export function scmConfigFromEnv(env: Env): ScmConfig {
  return {
    github: env.GITHUB_TOKEN ? { token: env.GITHUB_TOKEN, apiUrl: env.GITHUB_API_URL } : undefined,
    bitbucket: env.BITBUCKET_API_TOKEN
      ? { token: env.BITBUCKET_API_TOKEN, username: env.BITBUCKET_EMAIL, apiUrl: env.BITBUCKET_API_URL }
      : undefined,
  };
}

/** Resolves repositories against the allowed git hosts; GIT_USERNAME/GIT_PASSWORD override git credentials. */
export function repoResolverFromEnv(env: Env): (repo: DraftPrRepo) => RepoTarget {
  const config = scmConfigFromEnv(env);
  const allowed = new Set(env.OPENCODE_ALLOWED_GIT_HOSTS.map((h) => h.toLowerCase()));
  return (repo) => {
    const r = resolveRepo(repo.url, config);
    const host = new URL(r.webUrl).hostname;
    if (allowed.size && !allowed.has(host))
      throw new Error(`git host ${host} is not in OPENCODE_ALLOWED_GIT_HOSTS`);
    const credentials =
      env.GIT_PASSWORD !== undefined
        ? { username: env.GIT_USERNAME ?? 'git', password: env.GIT_PASSWORD }
        : r.gitCredentials;
    return { cloneUrl: r.cloneUrl, webUrl: r.webUrl, credentials, scm: r.scm };
  };
}

export function draftPrDepsFromEnv(env: Env, wiring: DraftPrWiring): DraftPrEngineDeps {
  const pathEnv = wiring.pathEnv ?? DEFAULT_GIT_PATH;
  const verificationConfig = {
    test_command: env.DRAFT_PR_TEST_COMMAND,
    lint_command: env.DRAFT_PR_LINT_COMMAND,
    build_command: env.DRAFT_PR_BUILD_COMMAND,
    security_command: env.DRAFT_PR_SECURITY_COMMAND,
  };
  return {
    store: new DraftPrStore(wiring.db, { artifactsDir: join(env.DATA_DIR, 'artifacts') }),
    workspaces: new GitWorkspaceManager({
      baseDir: join(env.DATA_DIR, 'workspaces'),
      pathEnv,
      secrets: wiring.secrets,
    }),
    resolveRepo: repoResolverFromEnv(env),
    stories: wiring.stories,
    notifier: wiring.notifier,
    planner: wiring.planner ?? new RuleBasedPlanner(verificationConfig),
    producer: wiring.producer ?? new PlanChangesProducer(),
    verification: {
      commands: verificationCommands(verificationConfig),
      timeoutMs: env.DRAFT_PR_VERIFY_TIMEOUT_SECONDS * 1000,
      env: { PATH: pathEnv, HOME: join(env.DATA_DIR, 'verify-home'), CI: 'true', LANG: 'C.UTF-8' },
    },
    yoloPolicy: wiring.yoloPolicy ?? DEFAULT_YOLO_POLICY,
    secrets: wiring.secrets,
    log: wiring.log,
  };
}
