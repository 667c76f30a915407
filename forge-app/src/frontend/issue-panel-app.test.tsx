import { describe, expect, it, vi } from 'vitest';
import type { PreviewRef } from '../types';

await vi.hoisted(async () => (await import('../testing/fake-bridge')).installFakeBridge());
vi.mock('@forge/api', async () => (await import('../testing/forge-fakes')).forgeApiModule());
vi.mock('@forge/kvs', async () => (await import('../testing/forge-fakes')).forgeKvsModule());

const { issuePanelHandler } = await import('../../../src/index');
const { callResolver, storyContext } = await import('../testing/call-resolver');
const { fakeJira, fakeKvs, fakePlanHash, fakeRunner, fakeSession } = await import('../testing/forge-fakes');
const { setUpAppTests } = await import('../testing/app-harness');
const { IssuePanelApp } = await import('./issue-panel-app');

const render = setUpAppTests(issuePanelHandler, () => <IssuePanelApp pollMs={10} />, storyContext);

describe('issue panel', () => {
  it('previews a description, follows the job, then creates it in Jira', async () => {
    const panel = await render();
    await panel.waitForText('Generate the description');

    await panel.click('Preview description');
    await panel.waitForText('Preview (nothing is changed in Jira yet)');
    expect(panel.hasText('Queued')).toBe(true);

    fakeRunner.update('job-1', { status: 'active', progress: { stage: 'writing', percent: 40 } });
    await panel.waitForText('Stage: writing');
    expect(panel.hasText('40%')).toBe(true);
    expect(panel.all('ProgressBar')[0]?.props.value).toBe(0.4);

    fakeRunner.complete('job-1', {
      description: 'Users sign in with email.\n\nSessions last a day.',
      acceptance_criteria: ['Given a user, when they sign in, then they see the dashboard'],
    });
    await panel.waitForText('Proposed description');
    expect(panel.hasText('Sessions last a day.')).toBe(true);
    expect(panel.hasText('Given a user, when they sign in, then they see the dashboard')).toBe(true);

    const preview = (fakeRunner.jobs.get('job-1')!.result as { preview: PreviewRef }).preview;
    expect(
      panel.hasText(`Applying creates exactly this preview (${preview.preview_hash.slice(0, 12)}…)`),
    ).toBe(true);
    await panel.click('Create in Jira');
    await panel.waitForText('Applying in Jira');
    // Generated once; the create names the preview and its hash instead of generating again.
    expect(fakeRunner.requestsTo('/generate/single')).toHaveLength(1);
    expect(fakeRunner.requestsTo(`/previews/${preview.preview_id}/apply`)[0]?.body).toEqual({
      preview_hash: preview.preview_hash,
    });
    fakeRunner.complete('job-2', { description: 'Users sign in with email.', updated: true });
    await panel.waitForText('Done in Jira');
    expect(panel.button('Create in Jira')).toBeUndefined();
  });

  it('shows the running job again when the issue is reopened', async () => {
    await callResolver(issuePanelHandler, 'startAction', { action: 'tasks' }, storyContext);
    fakeRunner.update('job-1', { status: 'active', progress: { stage: 'splitting by team', percent: 70 } });

    const panel = await render();

    await panel.waitForText('Stage: splitting by team');
    expect(panel.hasText('Team-based tasks')).toBe(true);
    expect(panel.button('Preview tasks')?.props.isDisabled).toBe(true);
    fakeRunner.complete('job-1', {
      story_types: ['api', 'ui'],
      tasks: [
        { id: 't1', summary: 'Build login API', team: 'backend', estimate_days: 2, depends_on_tasks: [] },
        { id: 't2', summary: 'Login form', team: 'frontend', estimate_days: 1, depends_on_tasks: ['t1'] },
      ],
    });
    await panel.waitForText('Login form');
    expect(panel.hasText('2 task(s) by team')).toBe(true);
    expect(panel.hasText('Build login API')).toBe(true);
    // The dependency is shown by its summary, not its id.
    const loginFormRow = panel.all('Row').find((r) => JSON.stringify(r).includes('Login form'));
    expect(JSON.stringify(loginFormRow)).toContain('"text":"Build login API"');
  });

  it('offers "Already running — view" on a duplicate start and shows that job', async () => {
    await callResolver(issuePanelHandler, 'startAction', { action: 'description' }, storyContext);
    fakeKvs.data.clear();
    const panel = await render();
    await panel.waitForText('Generate the description');

    await panel.click('Preview description');
    await panel.waitForText('Already running');
    expect(panel.hasText('A single job is already running for PROJ-1')).toBe(true);

    await panel.click('Already running — view');
    await panel.waitForText('Queued');
    expect(panel.invokes('trackJob').at(-1)?.data).toMatchObject({
      payload: { kind: 'description', jobId: 'job-1' },
    });
    fakeRunner.complete('job-1', { description: 'From the first click.' });
    await panel.waitForText('From the first click.');
  });

  it('shows a job started elsewhere as what it is: a create, not a preview', async () => {
    await callResolver(issuePanelHandler, 'startAction', { action: 'description' }, storyContext);
    fakeRunner.complete('job-1', { description: 'Shown.' });
    const preview = (fakeRunner.jobs.get('job-1')!.result as { preview: PreviewRef }).preview;
    await callResolver(
      issuePanelHandler,
      'applyPreview',
      { kind: 'description', jobId: 'job-1', previewHash: preview.preview_hash },
      storyContext,
    );
    fakeKvs.data.delete('job:PROJ-1:description');
    const panel = await render();
    await panel.waitForText('Generate the description');

    await panel.click('Preview description');
    await panel.waitForText('Already running');
    await panel.click('Already running — view');

    await panel.waitForText('Applying in Jira');
    fakeRunner.complete('job-2', { description: 'Written to Jira.' });
    await panel.waitForText('Done in Jira');
    expect(panel.button('Create in Jira')).toBeUndefined();
    expect(fakeKvs.data.get('job:PROJ-1:description')).toMatchObject({ job_id: 'job-2', dry_run: false });
  });

  it('generates test cases at the chosen coverage level and analyzes coverage', async () => {
    const panel = await render();
    await panel.waitForText('Generate the description');

    await panel.click('Test cases');
    await panel.choose('coverageLevel', 'comprehensive');
    await panel.click('Generate test cases');
    await panel.waitForText('Login succeeds with valid credentials');
    expect(fakeRunner.requestsTo('/plan/tests/story')[0]?.body).toEqual({
      story_key: 'PROJ-1',
      coverage_level: 'comprehensive',
    });

    await panel.click('Coverage');
    await panel.click('Analyze coverage');
    await panel.waitForText('Coverage: 50%');
    expect(
      panel.hasText(
        'Expired sessions are refused — missing task and test — suggested: Refuse expired sessions',
      ),
    ).toBe(true);
    expect(panel.hasText('Acceptance criteria')).toBe(true);
  });

  it('says why a failed job failed', async () => {
    const panel = await render();
    await panel.waitForText('Generate the description');
    await panel.click('Preview description');
    await panel.waitForText('Queued');

    fakeRunner.update('job-1', { status: 'failed', error: { message: 'Jira refused: issue is closed' } });

    await panel.waitForText('Jira refused: issue is closed');
    expect(panel.hasText('The job failed')).toBe(true);
    expect(panel.button('Create in Jira')).toBeUndefined();
  });

  it('explains an unreachable runner and recovers on retry', async () => {
    await callResolver(issuePanelHandler, 'startAction', { action: 'description' }, storyContext);
    // Reads are retried: only a runner that stays unreachable is reported.
    fakeRunner.failTransport(new Error('connect ETIMEDOUT'), 3);
    const panel = await render();

    await panel.waitForText('Could not reach Augment');
    expect(panel.hasText('Could not reach the Augment runner: connect ETIMEDOUT')).toBe(true);

    await panel.click('Try again');
    await panel.waitForText('Generate the description');
    expect(panel.hasText('Queued')).toBe(true);
  });

  it('tells a viewer which Jira permission the create needs, and creates nothing', async () => {
    fakeSession.accountId = 'viewer-1';
    const panel = await render();
    await panel.waitForText('Generate the description');
    await panel.click('Preview description');
    await panel.waitForText('Queued');
    fakeRunner.complete('job-1', { description: 'Only a preview.' });
    await panel.waitForText('Only a preview.');

    await panel.click('Create in Jira');

    await panel.waitForText('You need the Jira permission Edit issues on PROJ-1 to do this.');
    expect(panel.hasText('You do not have permission')).toBe(true);
    expect(fakeRunner.jobs.size).toBe(1);
  });

  it('asks the user to allow access when Forge needs their consent first', async () => {
    const panel = await render();
    await panel.waitForText('Generate the description');
    await panel.click('Preview description');
    fakeRunner.complete('job-1', { description: 'Only a preview.' });
    await panel.waitForText('Only a preview.');
    fakeJira.needsConsent = true;

    await panel.click('Create in Jira');

    await panel.waitForText('Choose "Allow access" when Atlassian asks, then try again.');
    expect(fakeRunner.jobs.size).toBe(1);
  });

  it('hides story-only work on tasks', async () => {
    const taskContext = {
      ...storyContext,
      extension: { ...storyContext.extension, issue: { key: 'PROJ-2', type: 'Task' } },
    };
    const panel = await render(taskContext);
    await panel.waitForText('Generate the description');

    expect(panel.button('Description')).toBeDefined();
    expect(panel.button('Coverage')).toBeDefined();
    expect(panel.button('Tasks')).toBeUndefined();
    expect(panel.button('Draft PR')).toBeUndefined();
  });
});

describe('draft PR review in the story panel', () => {
  it('reviews, revises, compares, approves the shown hash and follows the pipeline to the PR', async () => {
    const panel = await render();
    await panel.waitForText('Generate the description');
    await panel.click('Draft PR');

    await panel.type('repos', 'https://bitbucket.org/acme/app.git');
    await panel.click('Start draft PR');
    await panel.waitForText('Plan v1');
    expect(panel.hasText(`Plan hash ${fakePlanHash(1).slice(0, 12)}…`)).toBe(true);
    expect(panel.hasText('Add a login endpoint')).toBe(true);
    expect(panel.hasText('modified: src/auth/login.ts')).toBe(true);
    expect(panel.hasText('Bad password: Sign-in fails (mitigation: Clear error message)')).toBe(true);
    expect(panel.hasText('login succeeds (unit)')).toBe(true);
    expect(panel.hasText('awaiting approval')).toBe(true);

    await panel.type('feedback', 'add rate limiting');
    await panel.click('Revise plan');
    await panel.waitForText('Plan v2');
    expect(panel.hasText('Add a login endpoint (revised: add rate limiting)')).toBe(true);

    await panel.waitFor(() => panel.button('Compare versions') !== undefined, 'the compare button');
    await panel.click('Compare versions');
    await panel.waitForText('Changes between the versions');
    expect(panel.hasText('Add a login endpoint → Add a login endpoint (revised: add rate limiting)')).toBe(
      true,
    );
    expect(fakeRunner.requests.some((r) => r.path.endsWith('/plans/compare?from=1&to=2'))).toBe(true);

    await panel.click('Approve plan v2');
    await panel.waitForText(`Approved plan ${fakePlanHash(2).slice(0, 12)}…`);
    const approve = fakeRunner.requests.find((r) => r.path.endsWith('/approve'));
    expect(approve?.body).toEqual({ plan_hash: fakePlanHash(2) });
    expect(panel.button('Revise plan')).toBeUndefined();

    fakeRunner.advanceDraftPr('dpr-1', 'VERIFY', 70);
    await panel.waitForText('Stage: VERIFY');
    expect(panel.hasText('70%')).toBe(true);

    fakeRunner.finishDraftPr('dpr-1', 'https://bitbucket.org/acme/app/pull-requests/7');
    await panel.waitForText('Open the draft pull request');
    expect(panel.all('Link')[0]?.props.href).toBe('https://bitbucket.org/acme/app/pull-requests/7');
  });

  it('refuses a stale approval and shows the newer plan', async () => {
    const panel = await render();
    await panel.waitForText('Generate the description');
    await panel.click('Draft PR');
    await panel.type('repos', 'https://github.com/acme/app.git');
    await panel.click('Start draft PR');
    await panel.waitForText('Plan v1');

    // Someone else revises the plan while this panel still shows v1.
    await callResolver(
      issuePanelHandler,
      'draftPrRevise',
      { jobId: 'dpr-1', feedback: 'split the change' },
      storyContext,
    );
    await panel.click('Approve plan v1');

    await panel.waitForText('The plan changed since it was shown; review the latest version.');
    await panel.waitForText('Plan v2');
    expect(fakeRunner.draftPrs.get('dpr-1')?.approved_hash).toBeNull();
  });
});
