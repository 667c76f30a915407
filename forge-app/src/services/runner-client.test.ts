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

  it('points at the app id when the runner refuses the invocation token, keeping the runner’s reason', async () => {
    const body = JSON.stringify({
      error: {
        code: 'unauthorized',
        message: 'invalid Forge invocation token (jwt_claim_validation_failed)',
      },
    });
    const res = await createRunnerClient(answer(401, body)).request('GET', '/jobs/1');

    expect(res).toMatchObject({ ok: false, error: { code: 'unauthorized', status: 401 } });
    if (!res.ok) {
      expect(res.error.message).toMatch(
        /^The runner did not accept this app’s credentials: on the runner, set FORGE_APP_ID/,
      );
      expect(res.error.message).toContain(
        '(runner: invalid Forge invocation token (jwt_claim_validation_failed))',
      );
    }
  });

  it('says what to do about a 403 rather than only that it was refused', async () => {
    const body = JSON.stringify({
      error: { code: 'forbidden', message: 'templates are managed with an API key' },
    });
    const res = await createRunnerClient(answer(403, body)).request('POST', '/draft-pr/templates', {});

    if (!res.ok) expect(res.error.message).toMatch(/Jira administrator/);
  });

  it('treats an empty success body as null data', async () => {
    expect(await createRunnerClient(answer(204, '')).request('DELETE', '/team-members/1')).toEqual({
      ok: true,
      data: { status: 204, data: null },
    });
  });

  it('reports a thrown transport error as runner_unreachable', async () => {
    const client = createRunnerClient(
      async () => {
        throw new Error('Invalid remote key provided: "runner"');
      },
      { sleep: async () => {} },
    );

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

describe('runner client deadline and retries', () => {
  /** A runner answering each call from a script; `hang` never answers (until aborted). */
  function scripted(replies: (number | 'hang' | 'throw')[]) {
    const calls: { method: string; aborted: () => boolean }[] = [];
    const invoke: InvokeRemote = async (_key, options) => {
      const next = replies[calls.length] ?? 200;
      calls.push({ method: options.method, aborted: () => options.signal?.aborted === true });
      if (next === 'throw') throw new Error('socket hang up');
      if (next === 'hang') return new Promise(() => {});
      return {
        ok: next < 300,
        status: next,
        headers: { get: (h: string) => (h === 'retry-after' && next === 429 ? '0' : null) },
        text: async () => (next < 300 ? '{"done":true}' : ''),
      };
    };
    return { invoke, calls };
  }
  const fast = { sleep: async () => {}, retryDelaysMs: [1, 1] };

  it('retries a read on 502, 503, 504, 429 and a lost connection, then answers', async () => {
    for (const first of [502, 503, 504, 429, 'throw'] as const) {
      const { invoke, calls } = scripted([first, 200]);
      const res = await createRunnerClient(invoke, fast).request('GET', '/jobs/j1');
      expect(res, String(first)).toEqual({ ok: true, data: { status: 200, data: { done: true } } });
      expect(calls).toHaveLength(2);
    }
  });

  it('retries a write only on 429 and 503, which a server sends before doing anything', async () => {
    for (const [first, attempts] of [
      [429, 2],
      [503, 2],
      [502, 1],
      [504, 1],
      ['throw', 1],
    ] as const) {
      const { invoke, calls } = scripted([first, 202]);
      await createRunnerClient(invoke, fast).request('POST', '/generate/single', {});
      expect(calls, String(first)).toHaveLength(attempts);
    }
  });

  it('gives up on a read after the retries and says nothing changed', async () => {
    const { invoke, calls } = scripted([503, 503, 503, 503]);
    const res = await createRunnerClient(invoke, fast).request('GET', '/jobs/j1');

    expect(res).toMatchObject({ ok: false, error: { status: 503 } });
    expect(calls).toHaveLength(3);
  });

  it('stops waiting at the deadline: a read changed nothing, a start may have started', async () => {
    const read = scripted(['hang']);
    const r = await createRunnerClient(read.invoke, { deadlineMs: 30 }).request('GET', '/jobs/j1');
    expect(r).toMatchObject({ ok: false, error: { code: 'runner_timeout', status: 504 } });
    if (!r.ok) expect(r.error.message).toMatch(/nothing was changed/);
    expect(read.calls[0]!.aborted()).toBe(true);

    const write = scripted(['hang']);
    const w = await createRunnerClient(write.invoke, { deadlineMs: 30 }).request(
      'POST',
      '/generate/single',
      {},
    );
    expect(w).toMatchObject({
      ok: false,
      error: { code: 'runner_timeout', details: { may_have_started: true } },
    });
    if (!w.ok) expect(w.error.message).toMatch(/may have started/);
  });

  it('keeps retries inside the deadline', async () => {
    let clock = 0;
    const { invoke, calls } = scripted([503, 503, 503]);
    const res = await createRunnerClient(invoke, {
      deadlineMs: 1_000,
      retryDelaysMs: [600, 600],
      now: () => clock,
      sleep: async (ms) => {
        clock += ms;
      },
    }).request('GET', '/jobs/j1');

    expect(res).toMatchObject({ ok: false, error: { status: 503 } });
    expect(calls).toHaveLength(2);
  });
});
