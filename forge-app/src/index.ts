/**
 * Forge function handlers, one per surface (see manifest.yml). The root src/index.ts re-exports these,
 * because Forge resolves `index.<handler>` under src/ next to the manifest.
 */
import { assumeTrustedRoute, asUser, invokeRemote, route } from '@forge/api';
import { kvs } from '@forge/kvs';
import Resolver from '@forge/resolver';
import { adminHandlers } from './resolvers/admin';
import { defineAll } from './resolvers/define';
import type { ResolverDeps } from './resolvers/deps';
import { epicActionHandlers } from './resolvers/epic-action';
import { issuePanelHandlers } from './resolvers/issue-panel';
import { prdMacroHandlers } from './resolvers/prd-macro';
import { createJiraReader } from './services/jira-reader';
import { createJobStore, createLegacySettingsStore } from './services/job-store';
import { createPermissionChecker } from './services/permissions';
import { createRunnerClient } from './services/runner-client';

function forgeDeps(): ResolverDeps {
  return {
    runner: createRunnerClient(invokeRemote),
    jobs: createJobStore(kvs),
    legacySettings: createLegacySettingsStore(kvs),
    // As the calling user: Jira and Confluence answer for that user's own permissions.
    permissions: createPermissionChecker(
      (path, init) => asUser().requestJira(assumeTrustedRoute(path), init),
      (path, init) => asUser().requestConfluence(assumeTrustedRoute(path), init),
    ),
    jira: createJiraReader((projectKey) =>
      asUser().requestJira(route`/rest/agile/1.0/board?projectKeyOrId=${projectKey}&maxResults=100`),
    ),
    now: () => new Date(),
  };
}

const deps = forgeDeps();

export const issuePanelHandler = defineAll(new Resolver(), issuePanelHandlers(deps)).getDefinitions();
export const epicActionHandler = defineAll(new Resolver(), epicActionHandlers(deps)).getDefinitions();
export const prdMacroHandler = defineAll(new Resolver(), prdMacroHandlers(deps)).getDefinitions();
export const adminHandler = defineAll(new Resolver(), adminHandlers(deps)).getDefinitions();
