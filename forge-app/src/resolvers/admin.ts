/** Resolvers of the Jira admin page: runner check, team members and capacities, LLM choice. */
import type { LlmProviderName, TeamLevel, TeamMemberInput, TeamRole } from '@augment/shared';
import type { z } from 'zod';
import type { AdminApi, LlmSettings, TeamMember } from '../types';
import { badPayload, type Handlers, ResolverFailure } from './define';
import type { ResolverDeps } from './deps';

const PROVIDERS: readonly z.infer<typeof LlmProviderName>[] = ['openai', 'claude', 'gemini', 'kimi', 'rules'];
const ROLES: readonly z.infer<typeof TeamRole>[] = [
  'backend',
  'frontend',
  'mobile',
  'qa',
  'infrastructure',
  'data',
  'fullstack',
  'design',
];
const LEVELS: readonly z.infer<typeof TeamLevel>[] = ['junior', 'mid', 'senior', 'staff', 'principal'];

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
  if (!ROLES.includes(role as z.infer<typeof TeamRole>))
    throw badPayload(`role must be one of ${ROLES.join(', ')}`, 'role');
  const body: z.input<typeof TeamMemberInput> = { name, email, role: role as z.infer<typeof TeamRole> };
  if (input.level !== undefined && input.level !== null && input.level !== '') {
    if (!LEVELS.includes(input.level as z.infer<typeof TeamLevel>)) {
      throw badPayload(`level must be one of ${LEVELS.join(', ')}`, 'level');
    }
    body.level = input.level as z.infer<typeof TeamLevel>;
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

export function adminHandlers(deps: ResolverDeps): Handlers<AdminApi> {
  const runner = deps.runner;
  async function call<T>(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    body?: unknown,
  ): Promise<T> {
    const res = await runner.request<T>(method, path, body);
    if (!res.ok) throw new ResolverFailure(res.error);
    return res.data.data;
  }

  return {
    async checkRunner() {
      const started = deps.now().getTime();
      const health = await call<unknown>('GET', '/health');
      return { health, latencyMs: Math.max(0, deps.now().getTime() - started) };
    },

    listModels: () => call('GET', '/models'),

    getSettings: () => deps.settings.getLlm(),

    async saveSettings(payload) {
      const provider = payload?.provider ?? null;
      if (provider !== null && !PROVIDERS.includes(provider)) {
        throw badPayload(`provider must be one of ${PROVIDERS.join(', ')}`, 'provider');
      }
      const rawModel = typeof payload?.model === 'string' ? payload.model.trim() : '';
      if (rawModel.length > 200) throw badPayload('model name is too long', 'model');
      // The rule-based engine has no model.
      const model = provider && provider !== 'rules' && rawModel !== '' ? rawModel : null;
      const settings: LlmSettings = { provider, model };
      await deps.settings.setLlm(settings);
      return settings;
    },

    listMembers: async () => memberList(await call<unknown>('GET', '/team-members')),

    async saveMember(payload) {
      const member = payload?.member;
      const body = memberBody(member);
      const id = member?.id;
      const saved =
        id === undefined || id === null
          ? await call<unknown>('POST', '/team-members', body)
          : await call<unknown>('PUT', `/team-members/${memberId(id)}`, body);
      return (isRecord(saved) ? { ...body, ...saved } : { ...body, ...(id ? { id } : {}) }) as TeamMember;
    },

    deleteMember: (payload) => call('DELETE', `/team-members/${memberId(payload?.id)}`),
  };
}
