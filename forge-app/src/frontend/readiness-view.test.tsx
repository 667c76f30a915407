import { describe, expect, it, vi } from 'vitest';

await vi.hoisted(async () => (await import('../testing/fake-bridge')).installFakeBridge());
vi.mock('@forge/api', async () => (await import('../testing/forge-fakes')).forgeApiModule());
vi.mock('@forge/kvs', async () => (await import('../testing/forge-fakes')).forgeKvsModule());

const { issuePanelHandler } = await import('../../../src/index');
const { callResolver, storyContext } = await import('../testing/call-resolver');
const { fakeRunner } = await import('../testing/forge-fakes');
const { setUpAppTests } = await import('../testing/app-harness');
const { IssuePanelApp } = await import('./issue-panel-app');

/** What GET /plan/readiness/{key} answers for a weak story, then for the same story once fixed. */
const weak = {
  ticket_key: 'PROJ-1',
  summary: 'Login',
  issue_type: 'Story',
  score: 30,
  level: 'not_ready',
  reasons: [
    {
      signal: 'acceptance_criteria',
      points: 0,
      max_points: 30,
      message: 'No acceptance criteria: add the conditions that make the story done',
    },
    { signal: 'testable_criteria', points: 0, max_points: 20, message: 'Nothing to test yet' },
    {
      signal: 'links_only',
      points: 0,
      max_points: 20,
      message: 'The description is only links: summarise what the linked pages say',
    },
    { signal: 'open_questions', points: 15, max_points: 15, message: 'No open questions' },
    {
      signal: 'story_shape',
      points: 15,
      max_points: 15,
      message: 'Written as a user story (who, what, why)',
    },
  ],
  suggestions: [
    'No acceptance criteria: add the conditions that make the story done',
    'Nothing to test yet',
    'The description is only links: summarise what the linked pages say',
  ],
  acceptance_criteria: [],
};
const fixed = {
  ...weak,
  score: 100,
  level: 'ready',
  reasons: weak.reasons.map((r) => ({ ...r, points: r.max_points })),
  suggestions: [],
};

const render = setUpAppTests(issuePanelHandler, () => <IssuePanelApp pollMs={10} />, storyContext);

describe('readiness in the issue panel', () => {
  it('the resolver asks the runner for the issue of the panel', async () => {
    fakeRunner.override('GET', /^\/plan\/readiness\/PROJ-1$/, { status: 200, body: weak });
    const res = await callResolver(issuePanelHandler, 'getReadiness', {}, storyContext);
    expect(res).toEqual({ ok: true, data: weak });
    expect(fakeRunner.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /plan/readiness/PROJ-1']);
  });

  it('shows the score, the points per signal and what to fix, and checks again on demand', async () => {
    fakeRunner.override('GET', /^\/plan\/readiness\/PROJ-1$/, { status: 200, body: weak });
    const panel = await render();
    await panel.waitForText('Generate the description');

    await panel.click('Readiness');
    await panel.waitForText('Readiness: 30/100');
    expect(panel.hasText('Not ready')).toBe(true);
    expect(panel.all('ProgressBar')[0]?.props.value).toBe(0.3);
    expect(panel.hasText('Acceptance criteria: 0/30 — No acceptance criteria')).toBe(true);
    expect(panel.hasText('Description: 0/20 — The description is only links')).toBe(true);
    expect(panel.hasText('Fix before generating')).toBe(true);

    // The author fixes the story in Jira, then checks again.
    fakeRunner.override('GET', /^\/plan\/readiness\/PROJ-1$/, { status: 200, body: fixed });
    await panel.click('Check again');
    await panel.waitForText('Readiness: 100/100');
    expect(panel.all('Lozenge').map((l) => JSON.stringify(l))).toEqual([
      expect.stringContaining('"text":"Ready"'),
    ]);
    expect(panel.hasText('Not ready')).toBe(false);
    expect(panel.hasText('Fix before generating')).toBe(false);
  });

  it('explains a refusal of the runner and retries', async () => {
    fakeRunner.override('GET', /^\/plan\/readiness\//, {
      status: 404,
      body: {
        error: {
          code: 'issue_not_found',
          message: 'PROJ-1 does not exist or is not visible',
          details: { field: 'ticket_key' },
        },
      },
    });
    fakeRunner.override('GET', /^\/plan\/readiness\/PROJ-1$/, { status: 200, body: fixed });
    const panel = await render();
    await panel.waitForText('Generate the description');
    await panel.click('Readiness');
    await panel.waitForText('PROJ-1 does not exist or is not visible');
    await panel.click('Try again');
    await panel.waitForText('Readiness: 100/100');
  });

  it('is not offered on tasks', async () => {
    const taskContext = {
      ...storyContext,
      extension: { ...storyContext.extension, issue: { key: 'PROJ-2', type: 'Task' } },
    };
    const panel = await render(taskContext);
    await panel.waitForText('Generate the description');
    expect(panel.button('Readiness')).toBeUndefined();
  });
});
