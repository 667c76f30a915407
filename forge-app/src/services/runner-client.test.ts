import { describe, expect, it } from 'vitest';
import { createRunnerClient, type InvokeRemote } from './runner-client';

const answer =
  (status: number, text: string, statusText = ''): InvokeRemote =>
  async () => ({ ok: status >= 200 && status < 300, status, statusText, text: async () => text });

describe('runner client', () => {
  it('sends JSON to the runner remote with the path, method and body', async () => {
    const seen: unknown[] = [];
    const client = createRunnerClient(async (key, options) => {
      seen.push({ key, ...options });
      return { ok: true, status: 202, text: async () => '{"job_id":"j1","status":"queued"}' };
    });

    const res = await client.request('POST', '/generate/single', { ticket_key: 'A-1' });

    expect(res).toEqual({ ok: true, data: { status: 202, data: { job_id: 'j1', status: 'queued' } } });
    expect(seen[0]).toMatchObject({
      key: 'runner',
      path: '/generate/single',
      method: 'POST',
      body: '{"ticket_key":"A-1"}',
      headers: { 'content-type': 'application/json' },
    });
  });

  it('keeps the runner error code, message and details', async () => {
    const client = createRunnerClient(
      answer(
        409,
        JSON.stringify({
          error: { code: 'duplicate_job', message: 'Already running', details: { existing_job_id: 'j0' } },
        }),
      ),
    );

    expect(await client.request('POST', '/x', {})).toEqual({
      ok: false,
      error: {
        code: 'duplicate_job',
        message: 'Already running',
        status: 409,
        details: { existing_job_id: 'j0' },
      },
    });
  });

  it('turns an error page into a readable failure named by its status', async () => {
    const client = createRunnerClient(answer(502, '<html>Bad gateway</html>', 'Bad Gateway'));

    const res = await client.request('GET', '/health');

    expect(res).toMatchObject({ ok: false, error: { code: 'http_502', status: 502 } });
    if (!res.ok)
      expect(res.error.message).toBe('The runner could not reach an upstream service (Bad Gateway).');
  });

  it('points at the app id when the runner refuses the invocation token', async () => {
    const res = await createRunnerClient(answer(401, '')).request('GET', '/jobs/1');

    expect(res.ok).toBe(false);
    if (!res.ok) expect(res.error.message).toMatch(/FORGE_APP_ID/);
  });

  it('treats an empty success body as null data', async () => {
    expect(await createRunnerClient(answer(204, '')).request('DELETE', '/team-members/1')).toEqual({
      ok: true,
      data: { status: 204, data: null },
    });
  });

  it('reports a thrown transport error as runner_unreachable', async () => {
    const client = createRunnerClient(async () => {
      throw new Error('Invalid remote key provided: "runner"');
    });

    expect(await client.request('GET', '/health')).toMatchObject({
      ok: false,
      error: {
        code: 'runner_unreachable',
        status: 0,
        message: expect.stringContaining('Invalid remote key'),
      },
    });
  });
});
