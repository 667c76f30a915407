/**
 * Resolvers of the Jira admin page: runner check, team members and capacities, LLM choice. Each one first
 * checks that the caller is a Jira administrator (the page's display condition is not a security check).
 */
import type { LlmProviderName, TeamMemberInput } from '@augment/shared';
import { isTeamLevel, isTeamRole, TEAM_LEVELS, TEAM_ROLES } from '@augment/shared/core';
import type { z } from 'zod';
import type { AdminApi, LlmSettings, RunnerIdentity, TeamMember } from '../types';
import { badPayload, type ForgeContext, type Handlers, ResolverFailure } from './define';
import type { ResolverDeps } from './deps';
import { accountOf } from './jobs';

const PROVIDERS: readonly z.infer<typeof LlmProviderName>[] = ['openai', 'claude', 'gemini', 'kimi', 'rules'];

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The runner may answer a list or `{ members: [...] }`-style wrappers. */
function memberList(data: unknown): TeamMember[] {
  if (Array.isArray(data)) return data.filter(isRecord) as TeamMember[];
  if (isRecord(data)) {
    for (const key of ['members', 'team_members', 'items', 'data']) {
      const list = data[key];
      if (Array.isArray(list)) return list.filter(isRecord) as TeamMember[];
    }
  }
  return [];
}

function memberId(value: unknown): number {
  const id = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof id !== 'number' || !Number.isInteger(id) || id < 1)
    throw badPayload('id must be a team member id', 'id');
  return id;
}

/** The body for POST/PUT /team-members, checked here so the admin sees which field to fix. */
function memberBody(input: unknown): z.input<typeof TeamMemberInput> {
  if (!isRecord(input)) throw badPayload('member is required', 'member');
  const name = typeof input.name === 'string' ? input.name.trim() : '';
  if (name === '') throw badPayload('A team member needs a name', 'name');
  const email = typeof input.email === 'string' ? input.email.trim() : '';
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))
    throw badPayload('A team member needs an email address', 'email');
  const role = input.role;
  if (!isTeamRole(role)) throw badPayload(`role must be one of ${TEAM_ROLES.join(', ')}`, 'role');
  const body: z.input<typeof TeamMemberInput> = { name, email, role };
  if (input.level !== undefined && input.level !== null && input.level !== '') {
    if (!isTeamLevel(input.level)) {
      throw badPayload(`level must be one of ${TEAM_LEVELS.join(', ')}`, 'level');
    }
    body.level = input.level;
  }
  if (input.team_id !== undefined && input.team_id !== null) {
    const teamId = input.team_id;
    if (typeof teamId !== 'number' || !Number.isInteger(teamId) || teamId < 1) {
      throw badPayload('team id must be a positive whole number', 'team_id');
    }
    body.team_id = teamId;
  }
  const capacity = input.capacity_days_per_sprint;
  if (capacity !== undefined && capacity !== null) {
    if (typeof capacity !== 'number' || !(capacity >= 0) || capacity > 60) {
      throw badPayload('Capacity must be 0 to 60 days per sprint', 'capacity_days_per_sprint');
    }
    body.capacity_days_per_sprint = capacity;
  }
  return body;
}

/** The runner's `/settings` record as the admin page shows it. */
function llmOf(data: unknown): LlmSettings {
  const d = isRecord(data) ? data : {};
  const provider = PROVIDERS.find((p) => p === d.llm_provider) ?? null;
  return { provider, model: provider && typeof d.llm_model === 'string' ? d.llm_model : null };
}

export function adminHandlers(deps: ResolverDeps): Handlers<AdminApi> {
  const runner = deps.runner;
  const requireAdmin = async (context: ForgeContext) => {
    await deps.permissions.requireJiraAdmin(accountOf(context));
  };
  /** Every admin resolver checks the caller first. */
  const admin =
    <P, D>(handler: (payload: P, context: ForgeContext) => Promise<D>) =>
    async (payload: P, context: ForgeContext): Promise<D> => {
      await requireAdmin(context);
      return handler(payload, context);
    };
  async function call<T>(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    body?: unknown,
  ): Promise<T> {
    const res = await runner.request<T>(method, path, body);
    if (!res.ok) throw new ResolverFailure(res.error);
    return res.data.data;
  }

  const saveLlm = async (settings: LlmSettings) =>
    llmOf(
      await call<unknown>('PUT', '/settings', { llm_provider: settings.provider, llm_model: settings.model }),
    );

  return {
    // An authenticated call: the answer says who the runner believes this app and user are, so a wrong
    // FORGE_APP_ID shows here as the 401 every real call would get.
    checkRunner: admin(async () => {
      const started = deps.now().getTime();
      const whoami = await call<RunnerIdentity>('GET', '/whoami');
      return { whoami, latencyMs: Math.max(0, deps.now().getTime() - started) };
    }),

    listModels: admin(() => call('GET', '/models')),

    // The choice lives on the runner, per site, so the Confluence installation uses it too.
    getSettings: admin(async () => {
      const current = llmOf(await call<unknown>('GET', '/settings'));
      const legacy = current.provider ? undefined : await deps.legacySettings.readLlm();
      if (!legacy) return current;
      const moved = await saveLlm(legacy);
      await deps.legacySettings.clear();
      return moved;
    }),

    saveSettings: admin(async (payload) => {
      const provider = payload?.provider ?? null;
      if (provider !== null && !PROVIDERS.includes(provider)) {
        throw badPayload(`provider must be one of ${PROVIDERS.join(', ')}`, 'provider');
      }
      const rawModel = typeof payload?.model === 'string' ? payload.model.trim() : '';
      if (rawModel.length > 200) throw badPayload('model name is too long', 'model');
      // The rule-based engine has no model.
      return saveLlm({
        provider,
        model: provider && provider !== 'rules' && rawModel !== '' ? rawModel : null,
      });
    }),

    listMembers: admin(async () => memberList(await call<unknown>('GET', '/team-members'))),

    saveMember: admin(async (payload) => {
      const member = payload?.member;
      const body = memberBody(member);
      const id = member?.id;
      const saved =
        id === undefined || id === null
          ? await call<unknown>('POST', '/team-members', body)
          : await call<unknown>('PUT', `/team-members/${memberId(id)}`, body);
      return (isRecord(saved) ? { ...body, ...saved } : { ...body, ...(id ? { id } : {}) }) as TeamMember;
    }),

    deleteMember: admin((payload) => call('DELETE', `/team-members/${memberId(payload?.id)}`)),
  };
}
