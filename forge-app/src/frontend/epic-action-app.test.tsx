import { describe, expect, it, vi } from 'vitest';

await vi.hoisted(async () => (await import('../testing/fake-bridge')).installFakeBridge());
vi.mock('@forge/api', async () => (await import('../testing/forge-fakes')).forgeApiModule());
vi.mock('@forge/kvs', async () => (await import('../testing/forge-fakes')).forgeKvsModule());

const { epicActionHandler } = await import('../../../src/index');
const { callResolver, epicContext } = await import('../testing/call-resolver');
const { fakeJira, fakeRunner, fakeSession } = await import('../testing/forge-fakes');
const { setUpAppTests } = await import('../testing/app-harness');
const { EpicActionApp } = await import('./epic-action-app');

const renderApp = setUpAppTests(epicActionHandler, () => <EpicActionApp pollMs={10} />, epicContext);
const render = async () => {
  const ui = await renderApp();
  await ui.waitForText('Plan PROJ-10');
  return ui;
};

describe('epic action', () => {
  it('previews the epic plan and then creates it in Jira', async () => {
    const action = await render();

    await action.click('Preview epic plan');
    await action.waitForText('Queued');
    fakeRunner.complete('job-1', {
      summary: 'Accounts',
      stories: [
        {
          story: { title: 'Sign in', acceptance_criteria: [] },
          task_ids: ['t1', 't2'],
          test_cases: [{ title: 't' }],
        },
        { story: { title: 'Sign out', acceptance_criteria: [] }, task_ids: ['t3'], test_cases: [] },
      ],
      tasks: [],
    });
    await action.waitForText('2 stories');
    expect(action.hasText('Sign out')).toBe(true);
    const signIn = action.all('Row').find((r) => JSON.stringify(r).includes('Sign in'));
    expect(JSON.stringify(signIn)).toContain('"text":"2"');

    await action.click('Create in Jira');
    await action.waitForText('Applying in Jira');
    fakeRunner.complete('job-2', { stories: [], created_keys: ['PROJ-11', 'PROJ-12'] });
    await action.waitForText('Created in Jira: PROJ-11, PROJ-12');
    // Planned once: the create applies that preview rather than planning again.
    expect(fakeRunner.requestsTo('/plan/epic/complete')).toHaveLength(1);
    expect(fakeRunner.jobs.get('job-2')?.input).toMatchObject({ epic_key: 'PROJ-10', dry_run: false });
  });

  it('previews sprints with capacity per sprint and the timeline, then applies them', async () => {
    const action = await render();
    await action.waitFor(() => action.all('Select').some((s) => s.props.name === 'board'), 'the board list');

    expect(action.button('Preview sprint plan')?.props.isDisabled).toBe(true);
    await action.choose('board', '7');
    await action.pickDate('startDate', '2025-01-15');
    await action.type('capacity', '10');
    await action.click('Preview sprint plan');
    expect(fakeRunner.requestsTo('/sprint/plan/epic')[0]?.body).toEqual({
      epic_key: 'PROJ-10',
      board_id: 7,
      start_date: '2025-01-15',
      sprint_duration_days: 14,
      sprint_capacity_days: 10,
      dry_run: true,
      async_mode: true,
    });

    fakeRunner.complete('job-1', {
      sprints: [
        {
          name: 'Sprint 1',
          start_date: '2025-01-15',
          end_date: '2025-01-28',
          tasks: ['PROJ-21', 'PROJ-22'],
          capacity: { backend: 10, qa: 5 },
          used: { backend: 8, qa: 2 },
        },
      ],
      timeline: [{ key: 'PROJ-21', sprint: 'Sprint 1', start: '2025-01-15', end: '2025-01-17' }],
      unscheduled: [{ key: 'PROJ-29', reason: 'estimate exceeds sprint capacity' }],
      summary: { scheduled_tasks: 2, total_tasks: 3, sprints_used: 1, end_date: '2025-01-28' },
    });
    await action.waitForText('backend 8/10 d, qa 2/5 d');
    expect(action.hasText('2 of 3 tasks in 1 sprint(s), done by 2025-01-28')).toBe(true);
    expect(action.hasText('2025-01-15 – 2025-01-28')).toBe(true);
    expect(action.hasText('Not scheduled: PROJ-29 (estimate exceeds sprint capacity)')).toBe(true);
    expect(action.hasText('Timeline (1 tasks)')).toBe(true);

    await action.click('Apply sprint plan');
    await action.waitFor(() => fakeRunner.jobs.has('job-2'), 'the apply job');
    expect(fakeRunner.jobs.get('job-2')?.input).toMatchObject({ board_id: 7, dry_run: false });
    expect(fakeRunner.requestsTo('/sprint/plan/epic')).toHaveLength(1);

    await action.click('Preview timeline');
    fakeRunner.complete('job-3', {
      timeline: [{ key: 'PROJ-22', sprint: 'Sprint 1', start: '2025-01-20', end: '2025-01-21' }],
    });
    await action.waitForText('2025-01-21');
    await action.click('Save timeline');
    await action.waitFor(() => fakeRunner.jobs.has('job-4'), 'the timeline apply job');
    expect(fakeRunner.jobs.get('job-4')).toMatchObject({
      job_type: 'timeline_planning',
      input: { dry_run: false },
    });
    expect(fakeRunner.requestsTo('/sprint/timeline')).toHaveLength(1);
  });

  it('falls back to typing a board id when Jira does not list boards', async () => {
    fakeJira.status = 403;
    const action = await render();

    await action.waitForText('type the board id instead');
    await action.type('board', '42');
    await action.click('Preview timeline');

    expect(fakeRunner.requestsTo('/sprint/timeline')[0]?.body).toMatchObject({ board_id: 42 });
  });

  it('shows the running sprint plan again when the action is reopened', async () => {
    await callResolver(
      epicActionHandler,
      'planSprints',
      { boardId: 7, startDate: '2025-01-15', sprintDurationDays: 14 },
      epicContext,
    );
    fakeRunner.update('job-1', { status: 'active', progress: { stage: 'assigning sprints', percent: 55 } });

    const action = await render();

    await action.waitForText('Stage: assigning sprints');
    expect(action.hasText('55%')).toBe(true);
  });
});

describe('epic action for a user who may only view the epic', () => {
  it('previews, but says which permission is missing when asked to create', async () => {
    fakeSession.accountId = 'viewer-1';
    const action = await render();

    await action.click('Preview epic plan');
    await action.waitForText('Queued');
    fakeRunner.complete('job-1', { summary: 'Accounts', stories: [], tasks: [] });
    await action.waitFor(() => action.button('Create in Jira') !== undefined, 'the create button');
    await action.click('Create in Jira');

    await action.waitForText('You do not have permission');
    expect(
      action.hasText('You need the Jira permissions Create issues, Edit issues, Link issues on PROJ-10'),
    ).toBe(true);
    expect(fakeRunner.requests.some((r) => r.path.startsWith('/previews/'))).toBe(false);
  });
});
