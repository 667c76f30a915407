import { UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { scrubSecrets } from '../logger.js';
import { credentialSecrets, jobFailure } from './worker.js';

const SYSTEM_TOKEN = 'forge-system-token-0123456789';

describe('jobFailure', () => {
  const cause = new Error(`socket hang up (Bearer ${SYSTEM_TOKEN})`);
  const err = new AppError(404, 'issue_not_found', `X-1 not found ${SYSTEM_TOKEN}`, undefined, {
    retryable: false,
    cause,
  });
  const scrub = (text: string) => scrubSecrets(text, [SYSTEM_TOKEN]);

  it('is an UnrecoverableError BullMQ recognises when a retry cannot help, a plain Error otherwise', () => {
    const final = jobFailure(err, true, scrub);
    expect(final).toBeInstanceOf(UnrecoverableError);
    expect(final.name).toBe('UnrecoverableError');
    expect(jobFailure(err, false, scrub)).not.toBeInstanceOf(UnrecoverableError);
  });

  it('keeps the original error as cause and its stack (causes included), scrubbed', () => {
    const failure = jobFailure(err, true, scrub);
    expect(failure.cause).toBe(err);
    expect(failure.message).toBe('X-1 not found [REDACTED]');
    expect(failure.stack).toContain('AppError: X-1 not found [REDACTED]');
    expect(failure.stack).toContain(`Caused by: Error: socket hang up (Bearer [REDACTED])`);
    expect(failure.stack).not.toContain(SYSTEM_TOKEN);
  });
});

describe('credentialSecrets', () => {
  it("takes the job's tokens, not its site address", () => {
    const raw = JSON.stringify({
      kind: 'forge',
      api_base_url: 'https://api.atlassian.com/ex/jira/c-1',
      system_token: SYSTEM_TOKEN,
    });
    expect(credentialSecrets(raw)).toEqual([SYSTEM_TOKEN]);
    expect(credentialSecrets(null)).toEqual([]);
    expect(credentialSecrets('not json')).toEqual([]);
  });
});
