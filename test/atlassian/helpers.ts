/** Shared set-up of the Atlassian suites: an emulator and real clients pointed at it. */

import type { AtlassianAuth } from '../../runner/src/adapters/http/atlassian-auth.js';
import { createAtlassianClients } from '../../runner/src/adapters/http/atlassian-clients.js';
import type { RetryOptions } from '../../runner/src/adapters/http/retry.js';
import { SiteLimiters } from '../../runner/src/adapters/http/site-limiter.js';
import type { Emulator } from '../emulator/index.js';

/** Backoff small enough for a fast suite; Retry-After is honoured but clamped to a few ms. */
export const FAST_RETRY: Partial<RetryOptions> = {
  maxAttempts: 10,
  baseDelayMs: 1,
  maxDelayMs: 8,
  maxRetryAfterMs: 5,
};

export type Who = 'basic' | 'forge' | 'reader' | 'gateway';

export function authFor(emu: Emulator, who: Who = 'basic'): AtlassianAuth {
  const { admin, reader } = emu.credentials;
  switch (who) {
    case 'basic':
      return { kind: 'basic', siteUrl: emu.url, email: admin.email, apiToken: admin.apiToken };
    case 'reader':
      return { kind: 'basic', siteUrl: emu.url, email: reader.email, apiToken: reader.apiToken };
    case 'forge':
      return { kind: 'forge', apiBaseUrl: emu.url, systemToken: admin.bearerToken };
    case 'gateway':
      // The api.atlassian.com form: Jira below /ex/jira/<cloudId>, Confluence derived as /ex/confluence/<cloudId>.
      return { kind: 'forge', apiBaseUrl: `${emu.url}/ex/jira/cloud-1234`, systemToken: admin.bearerToken };
  }
}

export function clientsFor(
  emu: Emulator,
  who: Who = 'basic',
  retry: Partial<RetryOptions> = FAST_RETRY,
  extra: { timeoutMs?: number; maxConcurrency?: number } = {},
) {
  return createAtlassianClients(authFor(emu, who), {
    retry,
    limiters: new SiteLimiters(),
    timeoutMs: extra.timeoutMs ?? 5_000,
    maxConcurrency: extra.maxConcurrency ?? 4,
  });
}
