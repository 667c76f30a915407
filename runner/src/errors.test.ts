import { describe, expect, it } from 'vitest';
import { AtlassianError, type AtlassianErrorCode } from './adapters/http/atlassian-error.js';
import { LlmError, LlmOutputError, LlmProviderError } from './adapters/llm/errors.js';
import { OpenCodeError } from './adapters/opencode/errors.js';
import { ScmError, scmErrorCode } from './adapters/scm/scm-client.js';
import { AppError, errorChainStack, finalError, isRetryable, redactedCause } from './errors.js';
import { scrubSecrets } from './logger.js';

const atlassian = (code: AtlassianErrorCode, upstreamStatus: number) =>
  new AtlassianError({ service: 'jira', upstreamStatus, code, message: code });

describe('AppError', () => {
  it('carries our status, a code, details, retryable and the ES2022 cause', () => {
    const cause = new Error('underneath');
    const err = new AppError(404, 'not_found', 'PROJ-1 not found', { field: 'ticket_key' }, { cause });
    expect(err).toBeInstanceOf(Error);
    expect(err).toMatchObject({ name: 'AppError', status: 404, code: 'not_found', retryable: false });
    expect(err.details).toEqual({ field: 'ticket_key' });
    expect(err.cause).toBe(cause);
    expect(err.upstreamStatus).toBeUndefined();
    expect(new AppError(500, 'x', 'y').cause).toBeUndefined();
  });

  it('keeps an upstream status apart from the status the runner answers with', () => {
    const jira401 = atlassian('unauthorized', 401);
    expect(jira401).toBeInstanceOf(AppError);
    expect(jira401).toMatchObject({ status: 502, upstreamStatus: 401 });
    const llm = new LlmProviderError('openai', 429, 'rate limited');
    expect(llm).toMatchObject({ status: 503, upstreamStatus: 429, code: 'llm_provider_error' });
    const scm = new ScmError(scmErrorCode(403), 'refused', { upstreamStatus: 403 });
    expect(scm).toMatchObject({ status: 502, upstreamStatus: 403, code: 'scm_auth' });
  });

  it('finalError is never retried, whatever its status', () => {
    const err = finalError(503, 'no_capacity', 'no room', { field: 'team_id' });
    expect(err).toMatchObject({ status: 503, retryable: false, details: { field: 'team_id' } });
  });
});

/**
 * The one rule, with the cases of the three functions it replaces: the worker's (explicit `retryable`,
 * else a 4xx other than 429 is final), the HTTP retry loop's (a rate limit always, an outage or a lost
 * connection only for an idempotent request, nothing else) and the batch job's (a 5xx AppError or
 * LlmError, an Atlassian outage or rate limit, an unknown crash).
 */
describe('isRetryable', () => {
  it('an explicit retryable wins, on an AppError or on a plain error', () => {
    expect(isRetryable(Object.assign(new Error('x'), { retryable: false }))).toBe(false);
    expect(isRetryable(Object.assign(new Error('x'), { retryable: true, status: 400 }))).toBe(true);
    expect(isRetryable(new AppError(400, 'x', 'y', undefined, { retryable: true }))).toBe(true);
    expect(isRetryable(new AppError(503, 'x', 'y', undefined, { retryable: false }))).toBe(false);
  });

  it.each([
    [400, false],
    [401, false],
    [403, false],
    [404, false],
    [409, false],
    [422, false],
    [429, true],
    [499, false],
    [500, true],
    [502, true],
    [503, true],
    [504, true],
  ] as const)('an AppError %i is retryable: %s', (status, expected) => {
    expect(isRetryable(new AppError(status, 'x', 'y'))).toBe(expected);
  });

  it.each<[AtlassianErrorCode, number, boolean, boolean]>([
    // code, upstream status, idempotent request, non-idempotent request
    ['rate_limited', 429, true, true],
    ['unavailable', 503, true, false],
    ['network', 0, true, false],
    ['bad_request', 400, false, false],
    ['invalid_input', 0, false, false],
    ['unauthorized', 401, false, false],
    ['forbidden', 403, false, false],
    ['not_found', 404, false, false],
    ['conflict', 409, false, false],
    ['unknown', 0, false, false],
  ])('Atlassian %s (%i): idempotent %s, not idempotent %s', (code, status, idem, nonIdem) => {
    const err = atlassian(code, status);
    expect(isRetryable(err, { idempotent: true })).toBe(idem);
    expect(isRetryable(err, { idempotent: false })).toBe(nonIdem);
    // A job is idempotent by design: the worker's answer is the idempotent one.
    expect(isRetryable(err)).toBe(idem);
  });

  it('LLM errors: bad input and prompts too large are final, provider failures and bad output are not', () => {
    expect(isRetryable(new LlmError(400, 'llm_provider_unknown', 'x', 'llm_provider'))).toBe(false);
    expect(isRetryable(new LlmError(422, 'llm_prompt_too_large', 'x'))).toBe(false);
    expect(isRetryable(new LlmError(503, 'llm_unavailable', 'x'))).toBe(true);
    expect(isRetryable(new LlmProviderError('openai', 500, 'x'))).toBe(true);
    expect(isRetryable(new LlmProviderError('openai', 400, 'x'))).toBe(true);
    expect(isRetryable(new LlmOutputError('Plan', 'openai', 'gpt', 'bad'))).toBe(true);
  });

  it('code hosts and OpenCode', () => {
    expect(isRetryable(new ScmError('scm_unavailable', 'down', { upstreamStatus: 503 }))).toBe(true);
    expect(isRetryable(new ScmError('scm_auth', 'refused', { upstreamStatus: 401 }))).toBe(false);
    expect(isRetryable(new ScmError('scm_invalid', 'not a repo URL'))).toBe(false);
    expect(isRetryable(new OpenCodeError('invalid_repos', 'x'))).toBe(false);
    expect(isRetryable(new OpenCodeError('cancelled', 'x'))).toBe(false);
    expect(isRetryable(new OpenCodeError('session_failed', 'x'))).toBe(true);
  });

  it('a foreign error is judged by its (upstream) status, anything else may succeed again', () => {
    expect(isRetryable(Object.assign(new Error('sdk'), { status: 404 }))).toBe(false);
    expect(isRetryable(Object.assign(new Error('sdk'), { status: 429 }))).toBe(true);
    expect(isRetryable(Object.assign(new Error('sdk'), { status: 503 }))).toBe(true);
    expect(isRetryable(new TypeError('crash'))).toBe(true);
    expect(isRetryable('a thrown string')).toBe(true);
    expect(isRetryable(undefined)).toBe(true);
  });
});

describe('redactedCause', () => {
  const TOKEN = 'ghp_verySecretToken0123456789';
  const scrub = (text: string) => scrubSecrets(text, [TOKEN]);

  it('keeps name, code, message, stack and inner causes, with secrets removed and nothing else', () => {
    const inner = Object.assign(new Error(`connect to https://x:${TOKEN}@host failed`), {
      code: 'ECONNRESET',
    });
    const axiosLike = Object.assign(new Error(`Request failed with token ${TOKEN}`, { cause: inner }), {
      name: 'AxiosError',
      code: 'ERR_BAD_REQUEST',
      config: { headers: { Authorization: `Bearer ${TOKEN}` } },
      request: { _header: `Authorization: Bearer ${TOKEN}` },
    });
    const copy = redactedCause(axiosLike, scrub);
    expect(copy).toBeInstanceOf(Error);
    expect(copy).toMatchObject({ name: 'AxiosError', code: 'ERR_BAD_REQUEST' });
    expect(copy).not.toHaveProperty('config');
    expect(copy).not.toHaveProperty('request');
    expect(copy.message).toBe('Request failed with token [REDACTED]');
    expect(copy.stack).toContain('AxiosError');
    expect((copy.cause as Error & { code: string }).code).toBe('ECONNRESET');
    const everything = `${JSON.stringify(copy)} ${copy.stack} ${errorChainStack(copy)}`;
    expect(everything).not.toContain(TOKEN);
    expect(errorChainStack(copy)).toContain('Caused by: Error: connect to https://[REDACTED]@host failed');
  });

  it('turns a thrown non-error into an error', () => {
    expect(redactedCause(`plain ${TOKEN}`, scrub).message).toBe('plain [REDACTED]');
  });
});

describe('errorChainStack', () => {
  it('joins the stacks of an error and its causes, scrubbed', () => {
    const root = new Error('root secret-value');
    const top = new AppError(502, 'x', 'top', undefined, { cause: root });
    const text = errorChainStack(top, (s) => s.replaceAll('secret-value', '[REDACTED]'));
    expect(text.split('\n')[0]).toBe('AppError: top');
    expect(text).toContain('Caused by: Error: root [REDACTED]');
    expect(text).not.toContain('secret-value');
  });

  it('stops on a cycle', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    (a as { cause?: unknown }).cause = b;
    expect(errorChainStack(a).match(/Caused by/g)).toHaveLength(1);
  });
});
