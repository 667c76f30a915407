/** Starts real runners against the local Redis, each test on its own queue prefix. */
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { type Env, parseEnv } from '../../runner/src/env.js';
import { type Runner, type StartOptions, startRunner } from '../../runner/src/server.js';

export const TEST_API_KEY = 'test-key-0123456789';
export const REDIS_URL = 'redis://127.0.0.1:6379';

export function uniquePrefix(name = 't'): string {
  return `augtest:${name}:${randomUUID().slice(0, 8)}`;
}

export function testEnv(overrides: Record<string, string> = {}): Env {
  return parseEnv({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    API_KEYS: TEST_API_KEY,
    REDIS_URL,
    QUEUE_PREFIX: uniquePrefix(),
    DATA_DIR: `/tmp/augment-test-${randomUUID().slice(0, 8)}`,
    DATABASE_PATH: ':memory:',
    ...overrides,
  });
}

/** Captures log lines (for secret-redaction assertions). */
export function logSink() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { stream, text: () => lines.join('') };
}

export async function withRunner(env: Env, opts: StartOptions = {}): Promise<Runner> {
  return startRunner(env, opts);
}

export function api(runner: { url: string }, key = TEST_API_KEY) {
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(runner.url + path, {
      method,
      headers: {
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, body: json, text, headers: res.headers };
  };
  return {
    call,
    get: (p: string) => call('GET', p),
    post: (p: string, b: unknown) => call('POST', p, b),
    del: (p: string) => call('DELETE', p),
  };
}

export async function waitFor<T>(
  fn: () => Promise<T | undefined | false>,
  timeoutMs = 15_000,
  everyMs = 50,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error('waitFor: timed out');
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Deletes every key under a test prefix. */
export async function cleanPrefix(prefix: string) {
  const redis = new Redis(REDIS_URL);
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
  await redis.quit();
}

export function sleep(ms: number) {
  return new Promise((r) => setTimeout(r, ms));
}
