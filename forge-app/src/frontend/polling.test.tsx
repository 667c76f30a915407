import { describe, expect, it, vi } from 'vitest';

await vi.hoisted(async () => (await import('../testing/fake-bridge')).installFakeBridge());
vi.mock('@forge/api', async () => (await import('../testing/forge-fakes')).forgeApiModule());
vi.mock('@forge/kvs', async () => (await import('../testing/forge-fakes')).forgeKvsModule());

const { issuePanelHandler } = await import('../../../src/index');
const { storyContext } = await import('../testing/call-resolver');
const { fakeRunner } = await import('../testing/forge-fakes');
const { setUpAppTests } = await import('../testing/app-harness');
const { IssuePanelApp } = await import('./issue-panel-app');
const { pollDelay } = await import('./lib/use-job-polling');

const render = setUpAppTests(issuePanelHandler, () => <IssuePanelApp pollMs={10} />, storyContext);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('polling a job', () => {
  it('waits longer between polls while a job runs, up to a ceiling', () => {
    expect([0, 1, 2, 3, 4].map((n) => pollDelay(n, 3000, 30_000))).toEqual([3000, 4500, 6750, 10125, 15188]);
    expect(pollDelay(20, 3000, 30_000)).toBe(30_000);
  });

  it('keeps following a job through a failed poll instead of stopping', async () => {
    const panel = await render();
    await panel.waitForText('Generate the description');
    await panel.click('Preview description');
    await panel.waitForText('Queued');

    // A 500 is not retried inside the call, so the poll itself fails once.
    fakeRunner.override('GET', /^\/jobs\/job-1$/, {
      status: 500,
      body: { error: { code: 'internal_error', message: 'Gateway timeout' } },
    });
    fakeRunner.update('job-1', { status: 'active', progress: { stage: 'writing', percent: 60 } });

    await panel.waitForText('Stage: writing');
    expect(panel.hasText('Gateway timeout')).toBe(false);
  });

  it('stops polling once the job has finished', async () => {
    const panel = await render();
    await panel.waitForText('Generate the description');
    await panel.click('Preview description');
    await panel.waitForText('Queued');
    fakeRunner.complete('job-1', { description: 'Done text.' });
    await panel.waitForText('Done text.');

    const polls = panel.invokes('getJob').length;
    await sleep(300);

    expect(panel.invokes('getJob').length).toBe(polls);
  });

  it('shows a poll failure after repeated failures, and resumes on "Try again"', async () => {
    const panel = await render();
    await panel.waitForText('Generate the description');
    await panel.click('Preview description');
    await panel.waitForText('Queued');
    fakeRunner.override(
      'GET',
      /^\/jobs\/job-1$/,
      { status: 500, body: { error: { code: 'boom', message: 'Runner broke' } } },
      false,
    );

    await panel.waitForText('Runner broke', 5000);
    const polls = panel.invokes('getJob').length;
    await sleep(200);
    expect(panel.invokes('getJob').length).toBe(polls);
  });
});

describe('polling a draft PR', () => {
  it('makes one invocation per poll and pauses while the plan waits for a human', async () => {
    const panel = await render();
    await panel.waitForText('Generate the description');
    await panel.click('Draft PR');
    await panel.type('repos', 'https://github.com/acme/app.git');
    await panel.click('Start draft PR');
    await panel.waitForText('Plan v1');
    await panel.waitForText('Waiting for your review');

    const statusPolls = panel.invokes('draftPrStatus').length;
    await sleep(300);
    // Nothing moves until someone approves or revises: no invocations meanwhile.
    expect(panel.invokes('draftPrStatus').length).toBe(statusPolls);
    expect(panel.invokes('draftPrProgress')).toHaveLength(0);

    await panel.click('Approve plan v1');
    await panel.waitForText('Stage: APPLY');
    fakeRunner.advanceDraftPr('dpr-1', 'VERIFY', 70);
    await panel.waitForText('Stage: VERIFY');
  });
});
