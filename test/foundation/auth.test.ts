import { createHmac } from 'node:crypto';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runner } from '../../runner/src/server.js';
import { startForgeJwks, TEST_APP_UUID } from '../helpers/forge-jwks.js';
import { api, cleanPrefix, logSink, TEST_API_KEY, testEnv, withRunner } from '../helpers/runner.js';

let runner: Runner;
let jwks: Awaited<ReturnType<typeof startForgeJwks>>;
let prefix: string;
const sink = logSink();
const SECRET = 'whsec-test-abcdef';

beforeAll(async () => {
  jwks = await startForgeJwks();
  const env = testEnv({
    FORGE_APP_ID: TEST_APP_UUID,
    FORGE_JWKS_URL: jwks.url,
    WEBHOOK_SECRET: SECRET,
    LOG_LEVEL: 'info',
    MAX_BODY_BYTES: '4096',
    RUNNER_ROLE: 'api',
  });
  prefix = env.QUEUE_PREFIX;
  runner = await withRunner(env, { logDestination: sink.stream });
});
afterAll(async () => {
  await runner.stop();
  await jwks.close();
  await cleanPrefix(prefix);
});

const queued = async () => {
  const h = await api(runner, '').get('/health');
  return h.body.queue.waiting + h.body.queue.active;
};
const body = { ticket_key: 'AUTH-1', async_mode: true };

describe('authentication', () => {
  it('serves /health without credentials', async () => {
    const r = await api(runner, '').get('/health');
    expect(r.status).toBe(200);
    expect(r.body.redis.reachable).toBe(true);
  });

  it('refuses a request without credentials with a JSON 401 and enqueues nothing', async () => {
    const before = await queued();
    const r = await api(runner, '').post('/generate/single', body);
    expect(r.status).toBe(401);
    expect(r.body.error).toEqual({ code: 'unauthorized', message: 'missing credentials' });
    expect(await queued()).toBe(before);
  });

  it('refuses a wrong API key', async () => {
    const r = await api(runner, 'wrong-key').post('/generate/single', body);
    expect(r.status).toBe(401);
    expect(r.body.error.message).toBe('invalid credentials');
  });

  it('protects the docs, the OpenAPI document and the queue dashboard too', async () => {
    for (const p of ['/docs', '/openapi.json', '/admin/queues', '/jobs']) {
      expect((await api(runner, '').get(p)).status, p).toBe(401);
      expect((await api(runner).get(p)).status, p).toBe(200);
    }
  });

  it('accepts HTTP Basic with the API key as password (browsers)', async () => {
    const basic = Buffer.from('me:test-key-0123456789').toString('base64');
    const r = await api(runner, '').call('GET', '/jobs', undefined, { authorization: `Basic ${basic}` });
    expect(r.status).toBe(200);
  });

  it('accepts a Forge Invocation Token signed by the JWKS for this app', async () => {
    const token = await jwks.sign();
    const r = await api(runner, token).call(
      'POST',
      '/generate/single',
      { ...body, ticket_key: 'FIT-1' },
      {
        'x-forge-oauth-system': 'system-token-secret-value',
      },
    );
    expect(r.status).toBe(202);
    // The system token travels beside the job, never inside it.
    const job = await api(runner).get(`/jobs/${r.body.job_id}`);
    expect(JSON.stringify(job.body)).not.toContain('system-token-secret-value');
  });

  it('refuses a Forge token for another app (wrong audience)', async () => {
    const token = await jwks.sign({ aud: 'ari:cloud:ecosystem::app/99999999-0000-0000-0000-000000000000' });
    const r = await api(runner, token).post('/generate/single', body);
    expect(r.status).toBe(401);
    expect(r.body.error.message).toContain('invalid Forge invocation token');
  });

  it('refuses a Forge token with the wrong issuer or already expired', async () => {
    expect(
      (await api(runner, await jwks.sign({ iss: 'someone-else' })).post('/generate/single', body)).status,
    ).toBe(401);
    expect(
      (await api(runner, await jwks.sign({ expSeconds: -120 })).post('/generate/single', body)).status,
    ).toBe(401);
  });

  it('refuses a Forge token without an expiry, or one issued to live longer than five minutes', async () => {
    const refused = async (claims: Parameters<typeof jwks.sign>[0]) => {
      const r = await api(runner, await jwks.sign(claims)).post('/generate/single', body);
      expect(r.status).toBe(401);
      expect(r.body.error.code).toBe('unauthorized');
      return r.body.error.message as string;
    };
    expect(await refused({ exp: false })).toContain('invalid Forge invocation token');
    expect(await refused({ iat: false })).toContain('invalid Forge invocation token');
    expect(await refused({ expSeconds: 7 * 24 * 3600 })).toContain('token_lifetime_too_long');
    expect(await refused({ iatOffsetSeconds: -3600, expSeconds: 3600 + 60 })).toContain(
      'invalid Forge invocation token',
    );
    // A token as Forge issues them (25 s) and one at the limit are both fine.
    expect((await api(runner, await jwks.sign({ expSeconds: 300 })).get('/whoami')).status).toBe(200);
  });

  it('answers who the runner believes the caller is, for Forge and API-key callers', async () => {
    const forge = await api(runner, await jwks.sign({ accountId: '5b10:ada' })).get('/whoami');
    expect(forge.status).toBe(200);
    expect(forge.body).toMatchObject({
      kind: 'forge',
      tenant: 'site-cloud-1',
      actor: 'forge:5b10:ada',
      app_id: `ari:cloud:ecosystem::app/${TEST_APP_UUID}`,
      installation_id: 'ari:cloud:ecosystem::installation/abc',
      account_id: '5b10:ada',
      system_token: false,
    });
    const key = await api(runner).get('/whoami');
    expect(key.body).toMatchObject({ kind: 'api_key', tenant: 'local', account_id: null });
    expect((await api(runner, '').get('/whoami')).status).toBe(401);
  });

  it('accepts an HMAC-signed body and refuses a tampered one', async () => {
    const raw = JSON.stringify({ ticket_key: 'HMAC-1', async_mode: true });
    const ts = String(Math.floor(Date.now() / 1000));
    const sig = createHmac('sha256', SECRET).update(`${ts}.${raw}`).digest('hex');
    const headers = { 'x-augment-timestamp': ts, 'x-augment-signature': `sha256=${sig}` };
    const ok = await api(runner, '').call('POST', '/generate/single', raw, headers);
    expect(ok.status).toBe(202);
    const tampered = await api(runner, '').call(
      'POST',
      '/generate/single',
      raw.replace('HMAC-1', 'HMAC-2'),
      headers,
    );
    expect(tampered.status).toBe(401);
    const stale = String(Math.floor(Date.now() / 1000) - 3600);
    const staleSig = createHmac('sha256', SECRET).update(`${stale}.${raw}`).digest('hex');
    const old = await api(runner, '').call('POST', '/generate/single', raw, {
      'x-augment-timestamp': stale,
      'x-augment-signature': `sha256=${staleSig}`,
    });
    expect(old.status).toBe(401);
  });

  it('never writes API keys or tokens into the logs', async () => {
    await api(runner, 'wrong-key-that-must-not-leak').post('/generate/single', body);
    const text = sink.text();
    expect(text).toContain('"path":"/generate/single"');
    expect(text).not.toContain('test-key-0123456789');
    expect(text).not.toContain('wrong-key-that-must-not-leak');
    expect(text).not.toContain('system-token-secret-value');
  });
});

describe('request validation', () => {
  it('answers malformed JSON with 400 naming the body', async () => {
    const r = await api(runner).call('POST', '/generate/single', '{"ticket_key": ', {});
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('malformed_json');
    expect(r.body.error.details.field).toBe('body');
  });

  it('names the field with the wrong type', async () => {
    const r = await api(runner).post('/generate/single', { ticket_key: 'OK-1', dry_run: 'yes' });
    expect(r.status).toBe(400);
    expect(r.body.error.details.field).toBe('dry_run');
    expect(r.body.error.message).toMatch(/^dry_run: /);
  });

  it('names a missing required field and unknown fields', async () => {
    const missing = await api(runner).post('/plan/tasks/generate', { async_mode: true });
    expect(missing.body.error.details.field).toBe('story_keys');
    const unknown = await api(runner).post('/generate/single', { ticket_key: 'OK-1', tiket: 'x' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain('tiket');
  });

  it('refuses an oversized body with 413', async () => {
    const r = await api(runner).post('/generate/single', {
      ticket_key: 'BIG-1',
      additional_context: 'x'.repeat(10_000),
    });
    expect(r.status).toBe(413);
    expect(r.body.error.code).toBe('payload_too_large');
    expect(r.body.error.details.field).toBe('body');
  });

  it('enforces the limit on chunked bodies that declare no length, and reads small ones', async () => {
    const big = await chunkedPost('/generate/single', [
      '{"ticket_key":"BIG-2","additional_context":"',
      ...Array.from({ length: 10 }, () => 'y'.repeat(1000)),
      '"}',
    ]);
    expect(big.status).toBe(413);
    expect(big.body.error.details).toMatchObject({ field: 'body', max_bytes: 4096 });
    const before = await queued();
    const small = await chunkedPost('/generate/single', ['{"ticket_key":', '"CHUNK-1","async_mode":true}']);
    expect(small.status).toBe(202);
    expect(small.body.ticket_keys).toEqual(['CHUNK-1']);
    expect(await queued()).toBe(before + 1);
  });

  it('answers unknown routes with a JSON 404', async () => {
    const r = await api(runner).get('/nope');
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe('not_found');
  });
});

/** POSTs a body in several chunks with Transfer-Encoding: chunked (no Content-Length). */
function chunkedPost(path: string, chunks: string[]): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = request(`${runner.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' },
    });
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        text += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}
