/**
 * The caller's tenant settings: the LLM provider and model its requests use unless they name their own.
 * One record per site, so the Jira and Confluence installations of the app see the same choice.
 */
import { LlmProviderName } from '@augment/shared';
import { createRoute, z } from '@hono/zod-openapi';
import type { App, AppDeps } from '../app.js';
import { actorOf } from '../auth.js';
import { errorResponses, jsonBody, jsonContent } from './schemas.js';

const Settings = z.object({
  llm_provider: LlmProviderName.nullable(),
  llm_model: z.string().nullable(),
  updated_at: z.string().nullable(),
  updated_by: z.string().nullable(),
});
const SettingsUpdate = z
  .object({
    llm_provider: LlmProviderName.nullable(),
    llm_model: z.string().trim().min(1).max(200).nullable().default(null),
  })
  .strict();

/**
 * The request's LLM choice, or the tenant's default when it names none: what the admin page saved applies
 * to every request from the site, from Jira and from Confluence.
 */
export function withTenantLlm<T extends { llm_provider?: unknown; llm_model?: unknown }>(
  deps: AppDeps,
  tenant: string,
  body: T,
): T {
  if (body.llm_provider !== undefined && body.llm_provider !== null) return body;
  const saved = deps.services.settings.get(tenant);
  if (!saved.llm_provider) return body;
  return {
    ...body,
    llm_provider: saved.llm_provider,
    ...(saved.llm_model && body.llm_model === undefined ? { llm_model: saved.llm_model } : {}),
  };
}

export function registerSettingsRoutes(app: App, deps: AppDeps) {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/settings',
      tags: ['system'],
      summary: "The caller's site settings: the LLM used by requests that name none",
      responses: { 200: jsonContent(Settings, 'Settings'), ...errorResponses },
    }),
    (c) => c.json(deps.services.settings.get(c.get('principal').tenant) as never, 200),
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/settings',
      tags: ['system'],
      summary: "Replace the site's LLM choice (null provider: the runner's default)",
      request: { body: jsonBody(SettingsUpdate) },
      responses: { 200: jsonContent(Settings, 'Saved'), ...errorResponses },
    }),
    (c) => {
      const p = c.get('principal');
      const saved = deps.services.settings.setLlm(p.tenant, c.req.valid('json'), actorOf(p));
      return c.json(saved as never, 200);
    },
  );
}
