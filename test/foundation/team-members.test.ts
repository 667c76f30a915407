import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runner } from '../../runner/src/server.js';
import { api, cleanPrefix, testEnv, withRunner } from '../helpers/runner.js';

let runner: Runner;
let prefix: string;
beforeAll(async () => {
  const env = testEnv({ RUNNER_ROLE: 'api', DATABASE_PATH: ':memory:' });
  prefix = env.QUEUE_PREFIX;
  runner = await withRunner(env);
});
afterAll(async () => {
  await runner.stop();
  await cleanPrefix(prefix);
});

describe('team members', () => {
  it('creates, reads, updates, lists and deletes a member', async () => {
    const c = api(runner);
    const created = await c.post('/team-members', {
      name: 'Ada',
      email: 'ada@example.com',
      role: 'backend',
      level: 'senior',
      team_id: 1,
    });
    expect(created.status).toBe(201);
    expect(created.body.capacity_days_per_sprint).toBe(8);
    const id = created.body.id;
    expect((await c.get(`/team-members/${id}`)).body.name).toBe('Ada');
    const updated = await c.call('PUT', `/team-members/${id}`, { capacity_days_per_sprint: 5 });
    expect(updated.status).toBe(200);
    expect(updated.body.capacity_days_per_sprint).toBe(5);
    expect(updated.body.email).toBe('ada@example.com');
    await c.post('/team-members', {
      name: 'Bo',
      email: 'bo@example.com',
      role: 'fullstack',
      capacity_days_per_sprint: 6,
      team_id: 1,
    });
    await c.post('/team-members', { name: 'Cy', email: 'cy@example.com', role: 'qa', active: false });
    expect((await c.get('/team-members?role=backend')).body.total).toBe(1);
    expect((await c.get('/team-members?active=true')).body.total).toBe(2);
    const cap = await c.get('/team-members/role/backend/capacity?team_id=1');
    expect(cap.body).toEqual({ role: 'backend', team_id: 1, members: 2, capacity_days_per_sprint: 8 });
    const roles = await c.get('/team-members/roles');
    expect(roles.body.roles.find((r: { role: string }) => r.role === 'qa').members).toBe(0);
    expect((await c.get('/team-members/levels')).body.levels).toHaveLength(5);
    expect((await c.del(`/team-members/${id}`)).status).toBe(200);
    expect((await c.get(`/team-members/${id}`)).status).toBe(404);
  });

  it('names the invalid field, refuses a duplicate e-mail with 409 and unknown ids with 404', async () => {
    const c = api(runner);
    const bad = await c.post('/team-members', { name: 'X', email: 'x@example.com', role: 'wizard' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.field).toBe('role');
    await c.post('/team-members', { name: 'D', email: 'd@example.com', role: 'qa' });
    const dup = await c.post('/team-members', { name: 'D2', email: 'D@example.com', role: 'qa' });
    expect(dup.status).toBe(409);
    expect(dup.body.error.details.field).toBe('email');
    expect((await c.call('PUT', '/team-members/99999', { name: 'Z' })).status).toBe(404);
    expect((await c.del('/team-members/99999')).status).toBe(404);
    expect((await c.call('PUT', '/team-members/1', {})).status).toBe(400);
    expect((await c.get('/team-members/abc')).body.error.details.field).toBe('member_id');
  });
});

describe('system routes', () => {
  it('lists configured models without keys and serves Prometheus metrics', async () => {
    const c = api(runner);
    const models = await c.get('/models');
    expect(models.status).toBe(200);
    expect(models.body.fallback_engine).toBe('rules');
    expect(models.body.providers.map((p: { provider: string }) => p.provider).sort()).toEqual([
      'claude',
      'gemini',
      'kimi',
      'openai',
    ]);
    const metrics = await c.get('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    expect(metrics.text).toMatch(/^augment_jobs\{state="waiting"\} \d+$/m);
  });
});
