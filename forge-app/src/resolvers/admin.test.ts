import { beforeEach, describe, expect, it, vi } from 'vitest';
import { adminHandler } from '../../../src/index';
import { adminContext, callResolver } from '../testing/call-resolver';
import { fakeKvs, fakeRunner, resetFakes } from '../testing/forge-fakes';
import type { LlmSettings, TeamMember } from '../types';

vi.mock('@forge/api', async () => (await import('../testing/forge-fakes')).forgeApiModule());
vi.mock('@forge/kvs', async () => (await import('../testing/forge-fakes')).forgeKvsModule());

const call = <T>(fn: string, payload: unknown = {}) =>
  callResolver<T>(adminHandler, fn, payload, adminContext);

beforeEach(() => {
  resetFakes();
  vi.spyOn(console, 'error').mockImplementation(() => {});
});

describe('admin resolvers', () => {
  it('checks the runner through /health', async () => {
    const res = await call<{ health: unknown; latencyMs: number }>('checkRunner');

    expect(res).toMatchObject({ ok: true, data: { health: { status: 'ok' } } });
    expect(fakeRunner.requests[0]).toMatchObject({ method: 'GET', path: '/health' });
  });

  it('explains a runner that answers with something other than JSON', async () => {
    fakeRunner.override('GET', /^\/health$/, { status: 200, raw: '<html>tunnel offline</html>' });

    const res = await call('checkRunner');

    expect(res).toMatchObject({ ok: false, error: { code: 'invalid_response' } });
    if (!res.ok) expect(res.error.message).toMatch(/baseUrl/);
  });

  it('stores the LLM choice in app storage and clears it back to the runner default', async () => {
    const saved = await call<LlmSettings>('saveSettings', {
      provider: 'gemini',
      model: ' gemini-2.5-flash ',
    });
    expect(saved).toEqual({ ok: true, data: { provider: 'gemini', model: 'gemini-2.5-flash' } });
    expect(await call('getSettings')).toEqual({
      ok: true,
      data: { provider: 'gemini', model: 'gemini-2.5-flash' },
    });

    await call('saveSettings', { provider: null, model: null });
    expect(fakeKvs.data.has('settings:llm')).toBe(false);
  });

  it('stores the rule-based engine as the LLM choice, without a model', async () => {
    const saved = await call<LlmSettings>('saveSettings', { provider: 'rules', model: 'gpt-4o' });
    expect(saved).toEqual({ ok: true, data: { provider: 'rules', model: null } });
  });

  it('refuses an unknown LLM provider', async () => {
    const res = await call('saveSettings', { provider: 'skynet', model: 'x' });

    expect(res).toMatchObject({ ok: false, error: { details: { field: 'provider' } } });
    expect(fakeKvs.data.size).toBe(0);
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
    expect(fakeRunner.requests).toHaveLength(0);
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
