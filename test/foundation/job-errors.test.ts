/**
 * How a failed job reports its error: a `retryable: false` error fails the job at once through BullMQ's
 * UnrecoverableError, and what BullMQ keeps (the failed reason and the stack trace shown by Bull Board)
 * is the original error's message and stack, its causes' stacks after it, and no secret.
 */
import { Queue } from 'bullmq';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../runner/src/errors.js';
import { jobKeys } from '../../runner/src/jobs/keys.js';
import type { AnyProcessor } from '../../runner/src/jobs/types.js';
import type { Runner } from '../../runner/src/server.js';
import { api, cleanPrefix, logSink, REDIS_URL, testEnv, waitFor, withRunner } from '../helpers/runner.js';

const SECRET = 'jira-token-0123456789abcdef';
const runners: Runner[] = [];
const queues: Queue[] = [];
const prefixes: string[] = [];
afterEach(async () => {
  await Promise.all(runners.splice(0).map((r) => r.stop()));
  await Promise.all(queues.splice(0).map((q) => q.close()));
});
afterAll(async () => {
  await Promise.all(prefixes.map(cleanPrefix));
});

async function start(single: AnyProcessor) {
  const env = testEnv({ LOG_LEVEL: 'warn', JIRA_API_TOKEN: SECRET });
  const sink = logSink();
  const runner = await withRunner(env, { processorOverrides: { single }, logDestination: sink.stream });
  runners.push(runner);
  prefixes.push(env.QUEUE_PREFIX);
  const url = new URL(REDIS_URL);
  const queue = new Queue(jobKeys(env.QUEUE_PREFIX).queueName, {
    connection: { host: url.hostname, port: Number(url.port) },
    prefix: env.QUEUE_PREFIX,
  });
  queues.push(queue);
  return { client: api(runner), queue, logs: sink.text };
}

// Named functions, so their frames can be looked for in the recorded stack.
function readTicketFromJira(): never {
  throw Object.assign(new Error(`socket closed while sending Authorization: Bearer ${SECRET}`), {
    code: 'ECONNRESET',
  });
}
function describeTicket(): never {
  try {
    readTicketFromJira();
  } catch (err) {
    throw new AppError(404, 'issue_not_found', `PROJ-9 does not exist (token ${SECRET})`, undefined, {
      retryable: false,
      cause: err,
    });
  }
}

describe('a failed job', () => {
  it('keeps the original stack and its cause, fails at once when not retryable, and leaks no secret', async () => {
    const { client, queue, logs } = await start(async () => describeTicket());
    const { body } = await client.post('/generate/single', { ticket_key: 'ERR-1', async_mode: true });
    const failed = await waitFor(async () => {
      const r = await client.get(`/jobs/${body.job_id}`);
      return r.body?.status === 'failed' ? r.body : undefined;
    });
    // retryable: false -> UnrecoverableError: one attempt of the three the job type allows.
    expect(failed.attempts_made).toBe(1);
    expect(failed.max_attempts).toBeGreaterThan(1);
    expect(failed.error).toBe('PROJ-9 does not exist (token [REDACTED])');

    const job = await queue.getJob(body.job_id);
    const stack = (job?.stacktrace ?? []).join('\n');
    // The frames of the code that failed, not of the worker's rethrow.
    expect(stack).toContain('AppError: PROJ-9 does not exist');
    expect(stack).toContain('describeTicket');
    expect(stack).toContain('Caused by: Error: socket closed');
    expect(stack).toContain('readTicketFromJira');
    expect(stack).not.toContain(SECRET);

    const line = logs()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.msg === 'job failed');
    expect(line).toMatchObject({ level: 'warn', code: 'issue_not_found', final: true });
    expect(String(line?.stack)).toContain('readTicketFromJira');
    expect(logs()).not.toContain(SECRET);
  });
});
