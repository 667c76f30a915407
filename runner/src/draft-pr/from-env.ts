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

/**
 * Resolves repositories against the allowed git hosts; GIT_USERNAME/GIT_PASSWORD override git credentials.
 * Without a token for the host a repository is read anonymously (a public one clones fine) and only the
 * push and the pull request need the token.
 */
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
    return {
      cloneUrl: rewriteGitUrl(r.cloneUrl, env.DRAFT_PR_GIT_URL_REWRITES),
      webUrl: r.webUrl,
      credentials,
      scm: r.scm,
      ...(r.missingToken ? { missingToken: r.missingToken } : {}),
    };
  };
}

/** Applies the longest matching prefix of `rewrites` (git's `insteadOf`); unchanged when none matches. */
export function rewriteGitUrl(url: string, rewrites: Record<string, string> = {}): string {
  const prefix = Object.keys(rewrites)
    .filter((p) => url.startsWith(p))
    .sort((a, b) => b.length - a.length)[0];
  return prefix === undefined ? url : rewrites[prefix] + url.slice(prefix.length);
}

/** The YOLO policy of the environment (default: the spec's), with DRAFT_PR_PROTECTED_PATHS merged in. */
export function yoloPolicyFromEnv(env: Env): YoloPolicy {
  const policy = env.DRAFT_PR_YOLO_POLICY ?? DEFAULT_YOLO_POLICY;
  return { ...policy, protected_paths: { ...policy.protected_paths, ...env.DRAFT_PR_PROTECTED_PATHS } };
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
      baseDir: env.DRAFT_PR_WORKSPACE_DIR ?? join(env.DATA_DIR, 'workspaces'),
      pathEnv,
      secrets: wiring.secrets,
      // Only a configured rewrite (a mirror, a test server) may lead git off https.
      allowLocalOrigins: Object.values(env.DRAFT_PR_GIT_URL_REWRITES ?? {}).some(
        (target) => !/^https:\/\//i.test(target),
      ),
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
    yoloPolicy: wiring.yoloPolicy ?? yoloPolicyFromEnv(env),
    secrets: wiring.secrets,
    log: wiring.log,
  };
}
