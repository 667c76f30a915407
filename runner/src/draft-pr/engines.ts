/**
 * The runner's Draft PR engines: one over the configured Jira site, and one per set of caller credentials
 * (a Forge system token), all sharing the same store, workspaces, planner and policy.
 */
import type { AtlassianClients } from '../adapters/http/index.js';
import type { Llm } from '../adapters/llm/index.js';
import type { Env } from '../env.js';
import type { Logger } from '../logger.js';
import type { Database } from '../store/db.js';
import { DraftPrEngine } from './engine.js';
import { draftPrDepsFromEnv } from './from-env.js';
import { jiraStoryNotifier, jiraStorySource } from './jira-story.js';
import { LlmPlanner } from './llm-planner.js';
import { RuleBasedPlanner } from './planner.js';

export interface DraftPrEngines {
  /** Reads stories from and comments on the site configured in the environment. */
  engine: DraftPrEngine;
  /** The engine for a job's Atlassian credentials (the configured site when there are none). */
  forCredentials(credentials?: Record<string, unknown>): DraftPrEngine;
}

export function createDraftPrEngines(
  env: Env,
  wiring: {
    db: Database;
    log: Logger;
    secrets: readonly string[];
    llm: Pick<Llm, 'generate'>;
    atlassian(credentials?: Record<string, unknown>): AtlassianClients;
  },
): DraftPrEngines {
  const jira = (credentials?: Record<string, unknown>) => () => wiring.atlassian(credentials).jira;
  const log = wiring.log.child({ component: 'draft-pr' });
  const planner = new LlmPlanner({
    llm: wiring.llm,
    fallback: new RuleBasedPlanner({
      test_command: env.DRAFT_PR_TEST_COMMAND,
      lint_command: env.DRAFT_PR_LINT_COMMAND,
      build_command: env.DRAFT_PR_BUILD_COMMAND,
    }),
    log,
  });
  const deps = draftPrDepsFromEnv(env, {
    db: wiring.db,
    log,
    secrets: wiring.secrets,
    stories: jiraStorySource(jira(), env.JIRA_SERVER_URL),
    notifier: jiraStoryNotifier(jira()),
    planner,
  });
  const engine = new DraftPrEngine(deps);
  return {
    engine,
    forCredentials(credentials) {
      if (!credentials) return engine;
      // Forge calls carry no browsable site URL: the story link is left out of the PR then.
      return new DraftPrEngine({
        ...deps,
        stories: jiraStorySource(jira(credentials)),
        notifier: jiraStoryNotifier(jira(credentials)),
      });
    },
  };
}
