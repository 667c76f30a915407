import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { OpenCodeError } from '../adapters/opencode/errors.js';
import { createOpenCodeService } from '../adapters/opencode/service.js';
import { parseEnv } from '../env.js';
import { AppError, isRetryable } from '../errors.js';
import { createLogger } from '../logger.js';
import { codeAwareError, validateRepos } from './code-aware.js';

function sink() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { log: createLogger('info', [], stream), text: () => lines.join('') };
}

const service = (vars: Record<string, string>, log = createLogger('silent')) =>
  createOpenCodeService({ env: parseEnv(vars), log, secrets: [] });

describe('codeAwareError', () => {
  it('turns a configuration error into a 400 that names the variables and is not retried', () => {
    const err = codeAwareError(
      new OpenCodeError('opencode_config', 'missing OPENCODE_OPENAI_API_KEY and OPENCODE_OPENAI_MODEL', {
        missing: ['OPENCODE_OPENAI_API_KEY', 'OPENCODE_OPENAI_MODEL'],
      }),
    );
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({
      status: 400,
      code: 'opencode_not_configured',
      retryable: false,
      details: {
        field: 'OPENCODE_OPENAI_API_KEY',
        missing: ['OPENCODE_OPENAI_API_KEY', 'OPENCODE_OPENAI_MODEL'],
      },
    });
  });

  it('names repos for refused repositories', () => {
    const err = codeAwareError(
      new OpenCodeError('invalid_repos', 'repos[1]: localhost is not allowed', { index: 1 }),
    );
    expect(err).toMatchObject({ status: 400, retryable: false, details: { field: 'repos', index: 1 } });
  });

  it('reports a cancelled run with the reason of the job signal', () => {
    const cancel = new AbortController();
    cancel.abort('cancelled by request');
    const byRequest = codeAwareError(new OpenCodeError('cancelled', 'The job was cancelled'), cancel.signal);
    expect(byRequest.message).toBe('cancelled by request');
    expect(byRequest).toMatchObject({ retryable: false });

    const timeout = new AbortController();
    const reason = new Error('timed out after 600000 ms');
    timeout.abort(reason);
    expect(codeAwareError(new OpenCodeError('cancelled', 'The job was cancelled'), timeout.signal)).toBe(
      reason,
    );
  });

  it('does not retry an OpenCode timeout but leaves bad results to the retry policy', () => {
    expect(codeAwareError(new OpenCodeError('opencode_timeout', 'too slow'))).toMatchObject({
      status: 504,
      retryable: false,
    });
    const bad = codeAwareError(
      new OpenCodeError('result_invalid', 'files: too small'),
      undefined,
      'TaskBreakdown',
    );
    expect(bad).toMatchObject({ status: 502, code: 'result_invalid', details: { schema: 'TaskBreakdown' } });
    expect(isRetryable(bad)).toBe(true);
  });
});

describe('the OpenCode service', () => {
  it('is built without any OpenCode configuration and reports the missing variables only when asked', () => {
    const oc = service({ OPENCODE_ENABLED: 'true' });
    expect(oc.enabled).toBe(true);
    expect(() => oc.config()).toThrow(/OPENCODE_LLM_PROVIDER/);
  });

  it('selects the sandbox driver once and shares it', async () => {
    const oc = service({
      OPENCODE_DRIVER: 'process',
      OPENCODE_LLM_PROVIDER: 'openai',
      OPENCODE_OPENAI_API_KEY: 'sk-1234',
      OPENCODE_OPENAI_MODEL: 'm',
    });
    const [a, b] = await Promise.all([oc.driver(), oc.driver()]);
    expect(a.kind).toBe('process');
    expect(a).toBe(b);
    expect(await oc.driver()).toBe(a);
  });

  it('warns at worker start when enabled but not configured, without failing', () => {
    const { log, text } = sink();
    const oc = service({ OPENCODE_ENABLED: 'true', OPENCODE_LLM_PROVIDER: 'gemini' }, log);
    expect(() => oc.warmUp()).not.toThrow();
    expect(text()).toContain('OPENCODE_GOOGLE_API_KEY');
    expect(text()).toContain('OPENCODE_GOOGLE_MODEL');
  });
});

describe('validateRepos', () => {
  const configured = {
    OPENCODE_ENABLED: 'true',
    OPENCODE_LLM_PROVIDER: 'openai',
    OPENCODE_OPENAI_API_KEY: 'sk-1234',
    OPENCODE_OPENAI_MODEL: 'm',
  };

  it('accepts a request without repos whatever the configuration', () => {
    expect(() => validateRepos({ openCode: service({}) }, undefined)).not.toThrow();
    expect(() => validateRepos({ openCode: service({ OPENCODE_ENABLED: 'true' }) }, [])).not.toThrow();
  });

  it('checks the allowed hosts of the configuration', () => {
    const oc = service({ ...configured, OPENCODE_ALLOWED_GIT_HOSTS: 'git.acme.dev' });
    expect(() => validateRepos({ openCode: oc }, ['https://git.acme.dev/team/api.git'])).not.toThrow();
    expect(() => validateRepos({ openCode: oc }, ['https://github.com/team/api.git'])).toThrow(
      expect.objectContaining({ status: 400, details: expect.objectContaining({ field: 'repos' }) }),
    );
  });
});
