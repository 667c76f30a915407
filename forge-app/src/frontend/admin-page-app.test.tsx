import { describe, expect, it, vi } from 'vitest';

await vi.hoisted(async () => (await import('../testing/fake-bridge')).installFakeBridge());
vi.mock('@forge/api', async () => (await import('../testing/forge-fakes')).forgeApiModule());
vi.mock('@forge/kvs', async () => (await import('../testing/forge-fakes')).forgeKvsModule());

const { adminHandler } = await import('../../../src/index');
const { adminContext } = await import('../testing/call-resolver');
const { fakeRunner, fakeSession } = await import('../testing/forge-fakes');
const { setUpAppTests } = await import('../testing/app-harness');
const { AdminPageApp } = await import('./admin-page-app');

const render = setUpAppTests(adminHandler, () => <AdminPageApp />, adminContext);

describe('admin page', () => {
  it('checks the runner with a signed call on open and again on request', async () => {
    const page = await render();

    await page.waitForText('Connected');
    expect(page.hasText('version 0.1.0')).toBe(true);
    expect(page.hasText('for this site (site-cloud-1), acting for you as forge:user-1')).toBe(true);

    // What every real call would get when the runner's FORGE_APP_ID is another app's.
    fakeRunner.refuseTokens();
    await page.click('Check runner');
    await page.waitForText('set FORGE_APP_ID to the app id in manifest.yml');
    expect(page.hasText('Request refused')).toBe(true);
    expect(page.hasText('Connected')).toBe(false);
  });

  it('tells a user who is not a Jira administrator, and shows nothing of the settings', async () => {
    fakeSession.accountId = 'viewer-1';
    const page = await render();

    await page.waitForText('Only Jira administrators can view or change Augment settings.');
    expect(fakeRunner.requests).toEqual([]);
  });

  it('stores the chosen LLM provider and model', async () => {
    const page = await render();
    await page.waitFor(
      () => page.all('Select').some((s) => s.props.name === 'provider'),
      'the provider select',
    );
    await page.waitFor(
      () => JSON.stringify(page.all('Select')[0]?.props.options).includes('no API key on the runner'),
      'the model list',
    );

    await page.choose('provider', 'openai');
    await page.choose('model', 'gpt-5');
    await page.click('Save LLM choice');

    await page.waitForText('Saved: openai / gpt-5');
    expect(fakeRunner.settings).toEqual({ llm_provider: 'openai', llm_model: 'gpt-5' });
  });

  it('adds, edits and removes team members with their capacity', async () => {
    const page = await render();
    await page.waitForText('2 team member(s)');

    await page.type('member-name', 'Linus');
    expect(page.hasText('Email is required.')).toBe(true);
    expect(page.button('Add member')?.props.isDisabled).toBe(true);
    await page.type('member-email', 'linus@example.com');
    await page.choose('member-role', 'qa');
    await page.choose('member-level', 'junior');
    await page.type('member-capacity', '4');
    await page.click('Add member');
    await page.waitForText('3 team member(s)');
    expect(fakeRunner.members.at(-1)).toMatchObject({
      name: 'Linus',
      email: 'linus@example.com',
      role: 'qa',
      level: 'junior',
      capacity_days_per_sprint: 4,
    });

    await page.click('Edit Ada');
    expect(page.hasText('Edit Ada')).toBe(true);
    await page.type('member-capacity', '9');
    await page.click('Save member');
    await page.waitFor(() => fakeRunner.members[0]?.capacity_days_per_sprint === 9, 'the update');
    expect(fakeRunner.requests.find((r) => r.method === 'PUT')).toMatchObject({
      path: '/team-members/1',
      body: { name: 'Ada', email: 'ada@example.com', role: 'backend', level: 'senior', team_id: 1 },
    });

    await page.click('Remove Grace');
    await page.waitForText('2 team member(s)');
    expect(fakeRunner.members.map((m) => m.name)).toEqual(['Ada', 'Linus']);
  });

  it('shows a refused team member with the runner message', async () => {
    const page = await render();
    await page.waitForText('2 team member(s)');
    fakeRunner.override('POST', /^\/team-members$/, {
      status: 409,
      body: {
        error: {
          code: 'conflict',
          message: 'A member with this email already exists',
          details: { field: 'email' },
        },
      },
    });

    await page.type('member-name', 'Ada Again');
    await page.type('member-email', 'ada@example.com');
    await page.choose('member-role', 'backend');
    await page.click('Add member');

    await page.waitForText('A member with this email already exists');
    expect(page.hasText('Request refused')).toBe(true);
  });
});
