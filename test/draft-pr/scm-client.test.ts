import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  BitbucketScmClient,
  ensureDraftPr,
  GitHubScmClient,
  type ScmClient,
} from '../../runner/src/adapters/scm/index.js';
import { type ScmStub, startScmStub } from '../stubs/scm-stub.js';

const GH_TOKEN = 'ghp_stubToken000111';
const BB_TOKEN = 'ATATT_stubToken222333';
const bbBasic = `Basic ${Buffer.from(`dev@example.com:${BB_TOKEN}`).toString('base64')}`;
let stub: ScmStub;

beforeAll(async () => {
  stub = await startScmStub({ authorization: [`token ${GH_TOKEN}`, bbBasic] });
});
afterAll(() => stub.close());
beforeEach(() => stub.reset());

const clients: [string, () => ScmClient][] = [
  ['GitHub', () => new GitHubScmClient({ owner: 'acme', repo: 'web', token: GH_TOKEN, baseUrl: stub.url })],
  [
    'Bitbucket',
    () =>
      new BitbucketScmClient({
        workspace: 'acme',
        repoSlug: 'web',
        baseUrl: stub.bitbucketUrl,
        auth: { type: 'basic', username: 'dev@example.com', password: BB_TOKEN },
      }),
  ],
];

describe.each(clients)('%s client', (_name, make) => {
  const input = { title: 'PROJ-1: Demo', body: 'Body', head: 'augment/PROJ-1-demo', base: 'main' };

  it('opens a draft PR from the story branch and finds it afterwards', async () => {
    const client = make();
    expect(await client.findOpenPr(input.head)).toBeNull();
    const pr = await client.createDraftPr(input);
    expect(pr).toMatchObject({ number: 1, draft: true, head: input.head, base: 'main' });
    expect(pr.url).toMatch(/^https:\/\//);
    expect(stub.pulls).toEqual([
      expect.objectContaining({ repo: 'acme/web', title: input.title, body: 'Body', draft: true }),
    ]);
    expect(await client.findOpenPr(input.head)).toEqual(pr);
    expect(await client.findOpenPr('augment/other')).toBeNull();
  });

  it('reuses an existing open PR instead of opening a second one', async () => {
    const client = make();
    const first = await ensureDraftPr(client, input);
    const second = await ensureDraftPr(client, input);
    expect(first.reused).toBe(false);
    expect(second).toEqual({ pr: first.pr, reused: true });
    expect(stub.pulls).toHaveLength(1);
  });

  it('resolves a create that lost a race by finding the PR the other worker opened', async () => {
    const client = make();
    const provider = client.provider;
    stub.fail({ method: 'GET', status: 200, body: provider === 'github' ? [] : { values: [] } });
    stub.seed({
      provider,
      repo: 'acme/web',
      title: 't',
      body: '',
      head: input.head,
      base: 'main',
      draft: true,
      state: 'open',
    });
    stub.fail({ method: 'POST', status: 422, body: { message: 'Validation Failed' } });
    const { pr, reused } = await ensureDraftPr(client, input);
    expect(reused).toBe(true);
    expect(pr.number).toBe(1);
  });

  it('reports bad credentials as scm_auth without echoing the token', async () => {
    const bad =
      make().provider === 'github'
        ? new GitHubScmClient({ owner: 'acme', repo: 'web', token: 'ghp_wrongWRONGwrong', baseUrl: stub.url })
        : new BitbucketScmClient({
            workspace: 'acme',
            repoSlug: 'web',
            baseUrl: stub.bitbucketUrl,
            auth: { type: 'bearer', token: 'bb_wrongWRONGwrong' },
          });
    const err = await bad.findOpenPr('x').catch((e: Error) => e);
    expect(err).toMatchObject({ code: 'scm_auth', upstreamStatus: 401 });
    expect(String((err as Error).message)).not.toMatch(/wrongWRONGwrong/);
  });
});

describe('requests on the wire', () => {
  it('asks GitHub by owner:branch and Bitbucket by a source-branch query, both as drafts', async () => {
    await ensureDraftPr(clients[0]![1](), { title: 't', body: 'b', head: 'augment/X-1', base: 'main' });
    await ensureDraftPr(clients[1]![1](), { title: 't', body: 'b', head: 'augment/X-1', base: 'develop' });
    const [ghList, ghCreate, bbList, bbCreate] = stub.requests;
    expect(ghList).toMatchObject({
      method: 'GET',
      path: '/repos/acme/web/pulls',
      query: { head: 'acme:augment/X-1', state: 'open' },
    });
    expect(ghCreate).toMatchObject({
      method: 'POST',
      body: { head: 'augment/X-1', base: 'main', draft: true },
    });
    expect(bbList).toMatchObject({
      method: 'GET',
      path: '/2.0/repositories/acme/web/pullrequests',
      query: { state: 'OPEN', q: 'source.branch.name="augment/X-1"' },
    });
    expect(bbCreate?.body).toEqual({
      title: 't',
      description: 'b',
      source: { branch: { name: 'augment/X-1' } },
      destination: { branch: { name: 'develop' } },
      draft: true,
      close_source_branch: false,
    });
  });
});
