import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuthHeader } from '../../runner/src/adapters/git/git-env.js';
import { adfToText } from '../../runner/src/adapters/jira/adf.js';
import type { AdfDocument } from '../../runner/src/adapters/jira/jira-types.js';
import { BB_EMAIL, BB_REPO_URL, BB_TOKEN, type Suite, startSuite, untilStatus } from './setup.js';

let s: Suite;
beforeAll(async () => {
  s = await startSuite({ provider: 'bitbucket' });
}, 60_000);
afterAll(async () => {
  await s?.stop();
}, 60_000);

const get = (path: string) => s.client.get(path);
const PULLS_PATH = '/2.0/repositories/acme/invoices/pullrequests';
const commentsOn = (key: string) =>
  (s.emu.state.issues.get(key)?.comments ?? []).map((c) => adfToText(c.body as AdfDocument));
const originCommits = (branch: string) =>
  s.origin
    .git(['rev-list', `main..refs/heads/${branch}`])
    .split('\n')
    .filter(Boolean);
const pullsFor = (head: string) => s.scm.pulls.filter((p) => p.head === head);
const SECRETS = () => [
  BB_EMAIL,
  BB_TOKEN,
  basicAuthHeader({ username: BB_EMAIL, password: BB_TOKEN }).slice(6),
  basicAuthHeader({ username: 'x-bitbucket-api-token-auth', password: BB_TOKEN }).slice(6),
  s.emu.credentials.admin.apiToken,
];

/** Everything the API and the queue hold about a job: record, progress, queue jobs, every artifact. */
async function everythingAbout(jobId: string): Promise<string> {
  const listed = (await get(`/draft-pr/jobs/${jobId}/artifacts`)).body;
  const artifacts = await Promise.all(
    listed.artifacts.map(
      async (a: { type: string }) => (await get(`/draft-pr/jobs/${jobId}/artifacts/${a.type}`)).text,
    ),
  );
  return [
    JSON.stringify((await get(`/draft-pr/jobs/${jobId}`)).body),
    JSON.stringify((await get(`/draft-pr/jobs/${jobId}/progress`)).body),
    JSON.stringify((await get(`/draft-pr/jobs/${jobId}/plan`)).body),
    JSON.stringify((await get(`/jobs/ticket/draft-pr:${jobId}`)).body),
    JSON.stringify(listed),
    ...artifacts,
  ].join('\n');
}

describe('Bitbucket Cloud draft PR through the API, the queue and the worker', () => {
  it('opens a Bitbucket draft PR, links it on the story, and a retry reuses the open PR instead of opening another', async () => {
    const res = await s.client.post('/draft-pr/create', {
      story_key: 'SHOP-5',
      repos: [{ url: BB_REPO_URL }],
    });
    expect(res.status, res.text).toBe(202);
    const jobId: string = res.body.job_id;
    await untilStatus(s.client, jobId, 'awaiting_approval');
    const plan = (await get(`/draft-pr/jobs/${jobId}/plan`)).body;

    // The first create is refused (as if Bitbucket had opened the PR but answered with an error).
    s.scm.fail({ method: 'POST', pathPrefix: PULLS_PATH, status: 403, times: 1 });
    const approved = await s.client.post(`/draft-pr/jobs/${jobId}/approve`, { plan_hash: plan.plan_hash });
    expect(approved.status, approved.text).toBe(200);
    const failed = await untilStatus(s.client, jobId, 'failed');
    expect(failed).toMatchObject({ stage: 'DRAFT_PR', pr_url: null, error: { code: 'scm_auth' } });
    const branch: string = failed.branch;
    expect(branch).toBe('augment/SHOP-5-sort-invoices-by-date');
    // The branch reached the local origin through the bitbucket.org rewrite, with the plan's one commit.
    expect(originCommits(branch)).toEqual([failed.result.commit_sha]);
    expect(pullsFor(branch)).toEqual([]);
    expect(commentsOn('SHOP-5')).toEqual([]);

    // Every PR API call went to the Bitbucket endpoints with the configured account email and API token.
    expect(s.scm.requests.length).toBeGreaterThan(0);
    for (const r of s.scm.requests) {
      expect(r.path).toBe(PULLS_PATH);
      expect(r.headers.authorization).toBe(basicAuthHeader({ username: BB_EMAIL, password: BB_TOKEN }));
    }
    const lookup = s.scm.requests.find((r) => r.method === 'GET');
    expect(lookup?.query).toMatchObject({ state: 'OPEN', q: `source.branch.name="${branch}"` });
    const post = s.scm.requests.find((r) => r.method === 'POST');
    expect(post?.body).toMatchObject({
      title: 'SHOP-5: Sort invoices by date',
      draft: true,
      source: { branch: { name: branch } },
      destination: { branch: { name: 'main' } },
    });

    // The draft PR the refused request had in fact opened.
    const opened = s.scm.seed({
      provider: 'bitbucket',
      repo: 'acme/invoices',
      title: post!.body.title,
      body: post!.body.description,
      head: branch,
      base: 'main',
      draft: true,
      state: 'open',
    });
    const retried = await s.client.post(`/draft-pr/jobs/${jobId}/retry`, {});
    expect(retried.status, retried.text).toBe(202);
    expect(retried.body).toMatchObject({ status: 'pending', stage: 'DRAFT_PR' });
    const done = await untilStatus(s.client, jobId, 'done');
    const prUrl = `https://bitbucket.example/acme/invoices/pull-requests/${opened.number}`;
    expect(done.result.pr).toEqual({
      provider: 'bitbucket',
      number: opened.number,
      url: prUrl,
      reused: true,
    });
    expect(done.pr_url).toBe(prUrl);
    expect(pullsFor(branch)).toEqual([expect.objectContaining({ draft: true, state: 'open' })]);
    expect(s.scm.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(originCommits(branch)).toEqual([failed.result.commit_sha]);
    expect(commentsOn('SHOP-5')).toEqual([expect.stringContaining(prUrl)]);
    const runs = (await get(`/draft-pr/jobs/${jobId}/progress`)).body.runs;
    expect(runs.map((r: { stage: string; outcome: string }) => `${r.stage}:${r.outcome}`)).toEqual([
      'PLAN:succeeded',
      'APPLY:succeeded',
      'VERIFY:succeeded',
      'PACKAGE:succeeded',
      'DRAFT_PR:failed',
      'DRAFT_PR:succeeded',
    ]);
    const pr = (await get(`/draft-pr/jobs/${jobId}/artifacts/pr`)).body;
    expect(pr).toMatchObject({ provider: 'bitbucket', draft: true, head: branch, base: 'main' });

    const all = await everythingAbout(jobId);
    expect(all).toContain(prUrl);
    for (const secret of SECRETS()) expect(all).not.toContain(secret);
  }, 120_000);

  it('opens a new Bitbucket draft PR with draft: true when none exists, and a done job cannot be retried', async () => {
    const res = await s.client.post('/draft-pr/create', {
      story_key: 'SHOP-6',
      repos: [{ url: BB_REPO_URL }],
    });
    expect(res.status, res.text).toBe(202);
    const jobId: string = res.body.job_id;
    await untilStatus(s.client, jobId, 'awaiting_approval');
    const plan = (await get(`/draft-pr/jobs/${jobId}/plan`)).body;
    const approved = await s.client.post(`/draft-pr/jobs/${jobId}/approve`, { plan_hash: plan.plan_hash });
    expect(approved.status, approved.text).toBe(200);
    const done = await untilStatus(s.client, jobId, 'done');
    const branch: string = done.branch;
    expect(pullsFor(branch)).toEqual([
      expect.objectContaining({
        provider: 'bitbucket',
        repo: 'acme/invoices',
        draft: true,
        base: 'main',
        title: 'SHOP-6: Invoice totals per month',
      }),
    ]);
    const number = pullsFor(branch)[0]!.number;
    expect(done.result.pr).toEqual({
      provider: 'bitbucket',
      number,
      url: `https://bitbucket.example/acme/invoices/pull-requests/${number}`,
      reused: false,
    });
    expect(commentsOn('SHOP-6')).toEqual([expect.stringContaining(done.pr_url)]);
    expect((await s.client.post(`/draft-pr/jobs/${jobId}/retry`, {})).status).toBe(409);

    const all = await everythingAbout(jobId);
    for (const secret of SECRETS()) expect(all).not.toContain(secret);
    const logs = s.logs();
    expect(logs).toContain('draft PR stage succeeded');
    for (const secret of SECRETS()) expect(logs).not.toContain(secret);
  }, 120_000);
});
