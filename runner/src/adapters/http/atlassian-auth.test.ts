import { describe, expect, it } from 'vitest';
import {
  authorizationHeader,
  checkAuth,
  confluenceBaseUrl,
  jiraBaseUrl,
  redact,
  siteKey,
} from './atlassian-auth.js';
import { networkFailureReason } from './call-runner.js';
import { configuredAtlassianAuth } from './configured-auth.js';

describe('Atlassian base URLs', () => {
  it('uses the site root for Basic auth, whether or not the URL ends in /wiki', () => {
    for (const siteUrl of [
      'https://acme.atlassian.net',
      'https://acme.atlassian.net/',
      'https://acme.atlassian.net/wiki/',
    ]) {
      const auth = { kind: 'basic', siteUrl, email: 'a@b.c', apiToken: 'tok-123456' } as const;
      expect(jiraBaseUrl(auth)).toBe('https://acme.atlassian.net');
      expect(confluenceBaseUrl(auth)).toBe('https://acme.atlassian.net');
    }
  });

  it('reaches both products of a site through the gateway from a Jira or a Confluence apiBaseUrl', () => {
    const fromJira = {
      kind: 'forge',
      apiBaseUrl: 'https://api.atlassian.com/ex/jira/abc-123',
      systemToken: 'sys-123456',
    } as const;
    const fromConfluence = { ...fromJira, apiBaseUrl: 'https://api.atlassian.com/ex/confluence/abc-123/' };
    for (const auth of [fromJira, fromConfluence]) {
      expect(jiraBaseUrl(auth)).toBe('https://api.atlassian.com/ex/jira/abc-123');
      expect(confluenceBaseUrl(auth)).toBe('https://api.atlassian.com/ex/confluence/abc-123');
      expect(siteKey(auth)).toBe('cloud:abc-123');
    }
    expect(confluenceBaseUrl({ ...fromJira, confluenceApiBaseUrl: 'https://x.example/c' })).toBe(
      'https://x.example/c',
    );
  });

  it('sends Bearer for Forge and Basic for an API token', () => {
    expect(authorizationHeader({ kind: 'forge', apiBaseUrl: 'https://x.example', systemToken: 'abc' })).toBe(
      'Bearer abc',
    );
    expect(
      authorizationHeader({ kind: 'basic', siteUrl: 'https://x.example', email: 'me@x', apiToken: 'pw' }),
    ).toBe(`Basic ${Buffer.from('me@x:pw').toString('base64')}`);
  });
});

describe('credential hygiene', () => {
  it('rejects a malformed auth object naming the fields, not their values', () => {
    const bad = { kind: 'basic', siteUrl: 'not a url', email: 'me@x', apiToken: 'super-secret-token' };
    const e = (() => {
      try {
        checkAuth(bad, 'jira');
      } catch (x) {
        return x as Error;
      }
      return undefined;
    })();
    expect(e?.message).toContain('siteUrl');
    expect(JSON.stringify(e)).not.toContain('super-secret-token');
    expect(e?.message).not.toContain('super-secret-token');
  });

  it('redacts literal secrets and anything shaped like an Authorization value', () => {
    const text =
      'failed with token s3cr3t-value and header Bearer eyJhbGciOiJIUzI1NiJ9.e30 and Basic YWJjOmRlZmdoaWo=';
    const out = redact(text, ['s3cr3t-value']);
    expect(out).not.toContain('s3cr3t-value');
    expect(out).not.toContain('eyJhbGciOiJIUzI1NiJ9');
    expect(out).not.toContain('YWJjOmRlZmdoaWo=');
    const prose = 'Basic authentication with passwords is deprecated';
    expect(redact(prose, [])).toBe(prose);
  });
});

describe('networkFailureReason', () => {
  it('recognises resets, hang-ups and timeouts from axios and undici', () => {
    expect(networkFailureReason(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe(
      'ECONNRESET',
    );
    expect(networkFailureReason(new TypeError('fetch failed', { cause: { code: 'UND_ERR_SOCKET' } }))).toBe(
      'UND_ERR_SOCKET',
    );
    expect(
      networkFailureReason(Object.assign(new Error('timeout of 50ms exceeded'), { code: 'ECONNABORTED' })),
    ).toBe('timeout');
    expect(networkFailureReason(new DOMException('aborted', 'TimeoutError'))).toBe('timeout');
    expect(networkFailureReason(new Error('socket hang up'))).toBe('connection dropped');
    expect(networkFailureReason(new Error('nope'))).toBeUndefined();
  });
});

describe('configuredAtlassianAuth', () => {
  const base = {
    JIRA_SERVER_URL: 'https://acme.atlassian.net',
    JIRA_USERNAME: 'bot@acme.example',
    JIRA_API_TOKEN: 'jira-token-1',
    CONFLUENCE_SERVER_URL: undefined,
    CONFLUENCE_USERNAME: undefined,
    CONFLUENCE_API_TOKEN: undefined,
  };

  it('is undefined until Jira is fully configured', () => {
    expect(configuredAtlassianAuth({ ...base, JIRA_API_TOKEN: undefined })).toBeUndefined();
  });

  it('lets Confluence fall back to the Jira values one by one', () => {
    const both = configuredAtlassianAuth({
      ...base,
      CONFLUENCE_SERVER_URL: 'https://acme.atlassian.net/wiki',
      CONFLUENCE_API_TOKEN: 'conf-token-2',
    });
    expect(both?.auth).toEqual({
      kind: 'basic',
      siteUrl: base.JIRA_SERVER_URL,
      email: base.JIRA_USERNAME,
      apiToken: 'jira-token-1',
    });
    expect(both?.confluenceAuth).toEqual({
      kind: 'basic',
      siteUrl: 'https://acme.atlassian.net/wiki',
      email: base.JIRA_USERNAME,
      apiToken: 'conf-token-2',
    });
  });
});
