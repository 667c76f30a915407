/** Bad input gives clear errors, and no credential ever shows up in an error, its JSON or a log line. */
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AtlassianAuth } from '../../runner/src/adapters/http/atlassian-auth.js';
import { createAtlassianClients } from '../../runner/src/adapters/http/atlassian-clients.js';
import { AtlassianError } from '../../runner/src/adapters/http/atlassian-error.js';
import { SiteLimiters } from '../../runner/src/adapters/http/site-limiter.js';
import { demoSeed, type Emulator, startEmulator } from '../emulator/index.js';
import { clientsFor, FAST_RETRY } from './helpers.js';

let emu: Emulator;
beforeEach(async () => {
  emu = await startEmulator({ seed: demoSeed() });
});
afterEach(async () => {
  await emu.close();
});

async function failure(p: Promise<unknown>): Promise<AtlassianError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(AtlassianError);
  return e as AtlassianError;
}

describe('bad input', () => {
  it('an unknown issue key is a 404 naming the key', async () => {
    const { jira } = clientsFor(emu);
    const e = await failure(jira.getIssue('DEMO-999'));
    expect(e).toMatchObject({ upstreamStatus: 404, code: 'not_found', service: 'jira', status: 404 });
    expect(e.message).toMatch(/^Issue DEMO-999 does not exist/);
  });

  it('a missing permission is a 403 saying what was refused', async () => {
    const { jira, confluence } = clientsFor(emu, 'reader');
    const e = await failure(jira.createIssue({ projectKey: 'DEMO', issueType: 'Story', summary: 'x' }));
    expect(e).toMatchObject({ upstreamStatus: 403, code: 'forbidden', status: 403 });
    expect(e.message).toContain('Permission denied');
    expect(e.message).toContain('create an issue in DEMO');
    expect(e.message).toContain('You do not have permission to create issues in this project.');

    const c = await failure(confluence.updatePage('1001', (s) => `${s}<p>x</p>`));
    expect(c).toMatchObject({ status: 403, code: 'forbidden', service: 'confluence' });
    // Reading is still allowed for that account.
    expect((await jira.getIssue('DEMO-1')).key).toBe('DEMO-1');
  });

  it('a malformed page id or issue key is refused before any request', async () => {
    const { jira, confluence } = clientsFor(emu);
    const before = emu.state.requests.length;
    for (const ref of ['abc', '12ab', 'https://acme.atlassian.net/wiki/display/DEMO/Checkout+PRD', '']) {
      const e = await failure(confluence.getPage(ref));
      expect(e).toMatchObject({ code: 'invalid_input', upstreamStatus: 0, status: 400 });
      expect(e.message).toContain('Malformed Confluence page reference');
    }
    await expect(confluence.updatePage('not-a-page', (s) => s)).rejects.toMatchObject({
      code: 'invalid_input',
    });
    await expect(jira.getIssue('not a key')).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(jira.linkOnce('DEMO-2', 'DEMO-2')).rejects.toMatchObject({ code: 'invalid_input' });
    expect(emu.state.requests.length).toBe(before);
  });

  it('reads issue keys by the one rule: an upper-case project key (a lower-case key is refused)', async () => {
    const { jira } = clientsFor(emu);
    const before = emu.state.requests.length;
    for (const key of ['demo-1', 'Demo-1', 'DEMO-01', 'DEMO-0', '1DEMO-1']) {
      const e = await failure(jira.getIssue(key));
      expect(e, key).toMatchObject({ code: 'invalid_input', upstreamStatus: 0, status: 400 });
      expect(e.message).toContain('upper-case project key');
    }
    expect(emu.state.requests.length).toBe(before);
    expect((await jira.getIssue('DEMO-1')).key).toBe('DEMO-1');
  });

  it('an unknown page is a 404 naming the page', async () => {
    const { confluence } = clientsFor(emu);
    const e = await failure(confluence.getPage('424242'));
    expect(e).toMatchObject({ status: 404, code: 'not_found' });
    expect(e.message).toBe('Confluence page 424242 does not exist or is not visible to this account');
  });

  it('Jira field errors are passed on readably', async () => {
    const { jira } = clientsFor(emu);
    const e = await failure(jira.createIssue({ projectKey: 'NOPE', issueType: 'Story', summary: 'x' }));
    expect(e).toMatchObject({ status: 400, code: 'bad_request' });
    expect(e.serverMessages).toContain('project: valid project is required');
    expect(e.message).toContain('valid project is required');
  });

  it("invalid JQL is a 400 with Jira's explanation", async () => {
    const { jira } = clientsFor(emu);
    const e = await failure(jira.searchJql('projct = DEMO'));
    expect(e.message).toContain("Field 'projct' does not exist");
  });
});

describe('credentials stay secret', () => {
  const TOKEN = 'ATATT3xFfGF0-very-secret-api-token-123';
  const SYSTEM = 'eyJhbGciOiJ-forge-system-token-456';

  function assertClean(value: unknown, secrets: string[]) {
    const views = [
      String(value),
      JSON.stringify(value),
      inspect(value, { depth: 10, showHidden: true }),
      (value as Error)?.stack ?? '',
    ];
    for (const v of views) for (const s of secrets) expect(v).not.toContain(s);
  }

  it('no error, error JSON, stack or retry log line carries the API token or its Basic encoding', async () => {
    const logged: unknown[] = [];
    const log = { warn: (obj: object, msg: string) => logged.push({ obj, msg }) };
    const bad: AtlassianAuth = {
      kind: 'basic',
      siteUrl: emu.url,
      email: 'admin@example.com',
      apiToken: TOKEN,
    };
    const basic = Buffer.from(`admin@example.com:${TOKEN}`).toString('base64');
    const { jira, confluence } = createAtlassianClients(bad, {
      retry: FAST_RETRY,
      limiters: new SiteLimiters(),
      log,
    });

    const e1 = await failure(jira.getIssue('DEMO-1'));
    expect(e1).toMatchObject({ upstreamStatus: 401, status: 502, code: 'unauthorized' });
    expect(e1.message).toContain('refused the credentials');
    const e2 = await failure(confluence.getPage('1001'));
    expect(e2.code).toBe('unauthorized');
    assertClean(e1, [TOKEN, basic]);
    assertClean(e2, [TOKEN, basic]);
    // The client's error is kept as the cause, as a redacted copy: no request, no headers.
    expect(e1.cause).toBeInstanceOf(Error);
    expect(e1.cause).not.toHaveProperty('config');
    expect(e1.cause).not.toHaveProperty('request');

    // A failure after retries (logged on the way) is clean too.
    emu.setFaults([
      { path: '/rest/*', fault: { type: 'status', status: 503 } },
      { path: '/wiki/*', fault: { type: 'drop' } },
    ]);
    const good = { ...bad, apiToken: emu.credentials.admin.apiToken };
    const realBasic = Buffer.from(`admin@example.com:${good.apiToken}`).toString('base64');
    const clients = createAtlassianClients(good, {
      retry: { ...FAST_RETRY, maxAttempts: 3 },
      limiters: new SiteLimiters(),
      log,
    });
    const e3 = await failure(clients.jira.getIssue('DEMO-1'));
    const e4 = await failure(clients.confluence.getPage('1001'));
    expect(e3.code).toBe('unavailable');
    expect(e4.code).toBe('network');
    expect(logged.length).toBeGreaterThan(0);
    for (const v of [e3, e4, logged]) assertClean(v, [good.apiToken, realBasic]);
  });

  it('no error carries the Forge system token', async () => {
    const auth: AtlassianAuth = { kind: 'forge', apiBaseUrl: `${emu.url}/ex/jira/c-1`, systemToken: SYSTEM };
    const { jira, confluence } = createAtlassianClients(auth, {
      retry: FAST_RETRY,
      limiters: new SiteLimiters(),
    });
    const errors = [await failure(jira.getIssue('DEMO-1')), await failure(confluence.getPage('1001'))];
    for (const e of errors) {
      expect(e.code).toBe('unauthorized');
      assertClean(e, [SYSTEM]);
    }
  });

  it('a malformed credentials object is refused without echoing the token', () => {
    let caught: unknown;
    try {
      createAtlassianClients({
        kind: 'basic',
        siteUrl: 'acme',
        email: 'a@b.c',
        apiToken: TOKEN,
      } as AtlassianAuth);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(AtlassianError);
    expect((caught as AtlassianError).message).toContain('siteUrl');
    assertClean(caught, [TOKEN]);
  });
});
