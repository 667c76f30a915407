/** Resolvers of the Confluence macro placed on a PRD page: preview the page's story table, then sync it. */
import type { PrdSyncRequest } from '@augment/shared';
import type { z } from 'zod';
import type { ExistingTicketAction, PrdMacroApi } from '../types';
import { badPayload, type ForgeContext, type Handlers, ResolverFailure } from './define';
import type { ResolverDeps } from './deps';
import { accountOf, commonHandlers, loadTracked, optionalIssueKey, startWork } from './jobs';

const ACTIONS: readonly ExistingTicketAction[] = ['skip', 'update', 'error'];

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export interface PageContext {
  pageId: string;
  prdUrl: string;
  scope: string;
}

/** The page the macro sits on and the URL the runner reads it from (`/wiki/spaces/KEY/pages/ID`). */
export function pageFromContext(context: ForgeContext): PageContext {
  const ext = isRecord(context.extension) ? context.extension : {};
  const content = isRecord(ext.content) ? ext.content : {};
  const space = isRecord(ext.space) ? ext.space : {};
  const pageId = typeof content.id === 'string' || typeof content.id === 'number' ? String(content.id) : '';
  const siteUrl = typeof context.siteUrl === 'string' ? context.siteUrl.replace(/\/+$/, '') : '';
  if (!/^\d{1,30}$/.test(pageId) || !/^https:\/\//.test(siteUrl)) {
    throw new ResolverFailure({
      code: 'missing_context',
      message: 'This macro is not on a saved Confluence page yet; publish the page, then open it again.',
      status: 400,
    });
  }
  const spaceKey = typeof space.key === 'string' && space.key !== '' ? space.key : undefined;
  const prdUrl = spaceKey
    ? `${siteUrl}/wiki/spaces/${encodeURIComponent(spaceKey)}/pages/${pageId}`
    : `${siteUrl}/wiki/pages/viewpage.action?pageId=${pageId}`;
  return { pageId, prdUrl, scope: `page-${pageId}` };
}

export function prdMacroHandlers(deps: ResolverDeps): Handlers<PrdMacroApi> {
  /** The sync writes into the page (markers in a preview, links in a real run): the user must be able to. */
  const requirePageEdit = async (context: ForgeContext) => {
    const account = accountOf(context);
    await deps.permissions.requirePageEdit(account, pageFromContext(context).pageId);
  };

  return {
    ...commonHandlers(deps, {
      scopeOf: (context) => pageFromContext(context).scope,
      kinds: ['prd_sync'],
      requireWrite: (context) => requirePageEdit(context),
    }),

    async getPrdState(_payload, context) {
      const page = pageFromContext(context);
      return { issueKey: '', prdUrl: page.prdUrl, jobs: await loadTracked(deps, page.scope, ['prd_sync']) };
    },

    // A preview: it marks the rows it would create; applyPreview creates what it showed.
    async syncPrd(payload, context) {
      const page = pageFromContext(context);
      const action = payload?.existingTicketAction ?? 'skip';
      if (!ACTIONS.includes(action))
        throw badPayload(`existingTicketAction must be one of ${ACTIONS.join(', ')}`, 'existingTicketAction');
      const epicKey = optionalIssueKey(payload?.epicKey, 'epicKey');
      await requirePageEdit(context);
      const body: z.input<typeof PrdSyncRequest> = {
        prd_url: page.prdUrl,
        ...(epicKey ? { epic_key: epicKey } : {}),
        existing_ticket_action: action,
        dry_run: true,
        async_mode: true,
      };
      return startWork(deps, page.scope, 'prd_sync', '/plan/stories/sync-from-prd', body);
    },
  };
}
