import { describe, expect, it } from 'vitest';
import { jiraSiteUrl } from './prd-write-back.js';

describe('jiraSiteUrl', () => {
  it('uses the configured Jira site for configured credentials', () => {
    expect(jiraSiteUrl({ JIRA_SERVER_URL: 'https://acme.atlassian.net/' }, undefined, null)).toBe(
      'https://acme.atlassian.net',
    );
  });

  it('for a Forge call, prefers a site_url it brings, else the site of the Confluence page', () => {
    const forge = { kind: 'forge', api_base_url: 'https://api.atlassian.com/ex/jira/abc' };
    expect(
      jiraSiteUrl(
        { JIRA_SERVER_URL: 'https://other.example' },
        { ...forge, site_url: 'https://acme.atlassian.net' },
      ),
    ).toBe('https://acme.atlassian.net');
    expect(
      jiraSiteUrl(
        { JIRA_SERVER_URL: undefined },
        forge,
        'https://acme.atlassian.net/wiki/spaces/S/pages/1/PRD',
      ),
    ).toBe('https://acme.atlassian.net');
  });

  it('keeps a context path in front of /wiki and gives up on what is not a URL', () => {
    expect(
      jiraSiteUrl({ JIRA_SERVER_URL: undefined }, undefined, 'https://intra.example/atl/wiki/x/AbC'),
    ).toBe('https://intra.example/atl');
    expect(jiraSiteUrl({ JIRA_SERVER_URL: undefined }, undefined, '12345')).toBeNull();
  });
});
