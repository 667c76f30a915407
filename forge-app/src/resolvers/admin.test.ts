import { beforeEach, describe, expect, it, vi } from 'vitest';
import { adminHandler } from '../../../src/index';
import { adminContext, callResolver } from '../testing/call-resolver';
import { fakeJira, fakeKvs, fakeRunner, fakeSession, resetFakes } from '../testing/forge-fakes';
import type { LlmSettings, RunnerIdentity, TeamMember } from '../types';

vi.mock('@forge/api', async () => (await import('../testing/forge-fakes')).forgeApiModule());
vi.mock('@forge/kvs', async () => (await import('../testing/forge-fakes')).forgeKvsModule());

const call = <T>(fn: string, payload: unknown = {}) =>
  callResolver<T>(adminHandler, fn, payload, adminContext);

beforeEach(() => {
  resetFakes();
  vi.spyOn(console, 'error').mockImplementation(() => {});
});

describe('admin resolvers', () => {
  it('checks the runner with an authenticated call that says who the runner believes the caller is', async () => {
    const res = await call<{ whoami: RunnerIdentity; latencyMs: number }>('checkRunner');

    expect(res).toMatchObject({
      ok: true,
      data: { whoami: { kind: 'forge', tenant: 'site-cloud-1', actor: 'forge:user-1', system_token: true } },
    });
    expect(fakeRunner.requests.map((r) => r.path)).toEqual(['/whoami']);
  });

  it('shows the 401 every real call would get when the runner refuses the app, with what to fix', async () => {
    fakeRunner.refuseTokens();

    const res = await call('checkRunner');

    expect(res).toMatchObject({ ok: false, error: { code: 'unauthorized', status: 401 } });
    if (!res.ok) {
      expect(res.error.message).toMatch(/FORGE_APP_ID/);
      expect(res.error.message).toMatch(/manifest\.yml/);
      expect(res.error.message).toContain('jwt_claim_validation_failed');
    }
  });

  it('explains a runner that answers with something other than JSON', async () => {
    fakeRunner.override('GET', /^\/whoami$/, { status: 200, raw: '<html>tunnel offline</html>' });

    const res = await call('checkRunner');

    expect(res).toMatchObject({ ok: false, error: { code: 'invalid_response' } });
    if (!res.ok) expect(res.error.message).toMatch(/baseUrl/);
  });

  it('stores the LLM choice on the runner for the whole site and clears it back to the runner default', async () => {
    const saved = await call<LlmSettings>('saveSettings', {
      provider: 'gemini',
      model: ' gemini-2.5-flash ',
    });
    expect(saved).toEqual({ ok: true, data: { provider: 'gemini', model: 'gemini-2.5-flash' } });
    expect(fakeRunner.requestsTo('/settings').at(-1)).toEqual({
      method: 'PUT',
      path: '/settings',
      body: { llm_provider: 'gemini', llm_model: 'gemini-2.5-flash' },
    });
    expect(await call('getSettings')).toEqual({
      ok: true,
      data: { provider: 'gemini', model: 'gemini-2.5-flash' },
    });

    await call('saveSettings', { provider: null, model: null });
    expect(fakeRunner.settings).toEqual({ llm_provider: null, llm_model: null });
  });

  it('moves a choice an older version kept in this installation to the runner, once', async () => {
    await fakeKvs.set('settings:llm', { provider: 'claude', model: 'claude-sonnet-4-5' });

    expect(await call('getSettings')).toEqual({
      ok: true,
      data: { provider: 'claude', model: 'claude-sonnet-4-5' },
    });
    expect(fakeRunner.settings).toEqual({ llm_provider: 'claude', llm_model: 'claude-sonnet-4-5' });
    expect(fakeKvs.data.has('settings:llm')).toBe(false);
  });

  it('stores the rule-based engine as the LLM choice, without a model', async () => {
    const saved = await call<LlmSettings>('saveSettings', { provider: 'rules', model: 'gpt-4o' });
    expect(saved).toEqual({ ok: true, data: { provider: 'rules', model: null } });
  });

  it('refuses an unknown LLM provider', async () => {
    const res = await call('saveSettings', { provider: 'skynet', model: 'x' });

    expect(res).toMatchObject({ ok: false, error: { details: { field: 'provider' } } });
    expect(fakeRunner.requestsTo('/settings').filter((r) => r.method === 'PUT')).toHaveLength(0);
  });

  it('lists, adds, updates and deletes team members with their capacity', async () => {
    const list = await call<TeamMember[]>('listMembers');
    expect(list.ok && list.data.map((m) => m.name)).toEqual(['Ada', 'Grace']);

    const added = await call<TeamMember>('saveMember', {
      member: {
        name: ' Linus ',
        role: 'qa',
        email: 'linus@example.com',
        level: '',
        capacity_days_per_sprint: 5,
      },
    });
    expect(added.ok && added.data).toMatchObject({
      id: 101,
      name: 'Linus',
      level: 'mid',
      capacity_days_per_sprint: 5,
    });
    expect(fakeRunner.requests.at(-1)).toEqual({
      method: 'POST',
      path: '/team-members',
      body: { name: 'Linus', email: 'linus@example.com', role: 'qa', capacity_days_per_sprint: 5 },
    });

    await call('saveMember', {
      member: { id: 1, name: 'Ada', email: 'ada@example.com', role: 'backend', capacity_days_per_sprint: 9 },
    });
    expect(fakeRunner.requests.at(-1)).toMatchObject({ method: 'PUT', path: '/team-members/1' });

    await call('deleteMember', { id: 2 });
    expect(fakeRunner.members.map((m) => m.name)).toEqual(['Ada', 'Linus']);
    expect(fakeRunner.members[0]).toMatchObject({ capacity_days_per_sprint: 9 });
  });

  it('refuses a member without a name, email or known role, or with an impossible capacity', async () => {
    const valid = { name: 'X', email: 'x@example.com', role: 'qa' };
    const refused = async (member: Record<string, unknown>, field: string) =>
      expect(await call('saveMember', { member })).toMatchObject({
        ok: false,
        error: { details: { field } },
      });

    await refused({ ...valid, name: '' }, 'name');
    await refused({ ...valid, email: 'x' }, 'email');
    await refused({ ...valid, role: 'wizard' }, 'role');
    await refused({ ...valid, capacity_days_per_sprint: -1 }, 'capacity_days_per_sprint');
    expect(fakeRunner.requests.filter((r) => r.path.startsWith('/team-members'))).toHaveLength(0);
  });

  it('names the field the runner rejects', async () => {
    fakeRunner.override('POST', /^\/team-members$/, {
      status: 400,
      body: {
        error: {
          code: 'validation_error',
          message: 'Invalid request body',
          details: { issues: [{ path: ['email'] }] },
        },
      },
    });

    const res = await call('saveMember', { member: { name: 'X', email: 'x@example.com', role: 'qa' } });

    expect(res).toMatchObject({ ok: false, error: { message: 'Invalid request body Fields: email.' } });
  });
});

describe('admin resolvers are for Jira administrators only', () => {
  const every: [string, unknown][] = [
    ['checkRunner', {}],
    ['listModels', {}],
    ['getSettings', {}],
    ['saveSettings', { provider: 'openai', model: 'gpt-5' }],
    ['listMembers', {}],
    ['saveMember', { member: { name: 'Mallory', email: 'mallory@example.com', role: 'qa' } }],
    [
      'saveMember',
      { member: { id: 1, name: 'Ada', email: 'ada@example.com', role: 'qa', capacity_days_per_sprint: 0 } },
    ],
    ['deleteMember', { id: 2 }],
  ];

  it('refuses a user who is not a Jira administrator on every admin resolver, and changes nothing', async () => {
    fakeSession.accountId = 'viewer-1';

    for (const [fn, payload] of every) {
      const res = await call(fn, payload);
      expect(res, fn).toMatchObject({
        ok: false,
        error: { code: 'permission_denied', status: 403, details: { missing_permissions: ['ADMINISTER'] } },
      });
    }
    expect(fakeRunner.requests).toEqual([]);
    expect(fakeRunner.members.map((m) => m.name)).toEqual(['Ada', 'Grace']);
  });

  it('refuses a call with an empty context (no signed-in user) on every admin resolver', async () => {
    fakeSession.accountId = undefined;

    for (const [fn, payload] of every) {
      const res = await callResolver(adminHandler, fn, payload, {});
      expect(res, fn).toMatchObject({ ok: false, error: { code: 'not_signed_in', status: 401 } });
    }
    expect(fakeRunner.requests).toEqual([]);
  });

  it('asks Jira whether the caller holds the ADMINISTER global permission', async () => {
    await call('listMembers');

    expect(fakeJira.calls).toEqual(['/rest/api/3/permissions/check']);
  });
});
