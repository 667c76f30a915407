import type { Story } from '@augment/shared';
import { describe, expect, it } from 'vitest';
import type { JiraClient } from '../adapters/jira/index.js';
import type { StoryTaskResult } from './generate.js';
import { findStoredPlan, type PlanInputs, planInputs, storedPlanValue } from './stored-plan.js';

const story: Story = {
  title: 'Send invoices',
  description: 'As a biller I send invoices by email.',
  acceptance_criteria: ['An invoice is emailed', 'A failed email is retried'],
};
const opts = { include_tests: true, coverage_level: 'standard' as const, max_task_cycle_days: 3 };
const result: StoryTaskResult = {
  story_key: 'INV-2',
  story_types: ['api'],
  tasks: [],
  proposed: [],
  engine: 'rules',
};

/** Only what the lookup reads: the story's issue property. */
const jiraWith = (value: unknown) => ({ getIssueProperty: async () => value }) as unknown as JiraClient;

const stored = (inputs: PlanInputs, jobId = 'job-1') =>
  storedPlanValue(result, inputs, jobId, new Date('2027-01-04T10:00:00Z'));

describe('stored task plans', () => {
  const base = planInputs(story, opts, {}, 'rules');

  it('reuses a plan made from the same inputs and says why, pointing at regenerate', async () => {
    const found = await findStoredPlan(jiraWith(stored(base)), 'INV-2', base, {
      regenerate: false,
      jobId: 'job-2',
    });
    expect(found.plan).not.toBeNull();
    expect(found.use).toMatchObject({
      used: true,
      stored_at: '2027-01-04T10:00:00.000Z',
      stored_by_job: 'job-1',
    });
    expect(found.use.reason).toContain('same inputs');
    expect(found.use.reason).toContain('max_task_cycle_days 3');
    expect(found.use.reason).toContain('regenerate');
  });

  it('makes a new plan when repos, max task days, coverage, model or the story change, naming each', async () => {
    const cases: [PlanInputs, string[], string][] = [
      [
        planInputs(story, opts, { repos: ['https://github.com/acme/billing.git'] }, 'rules'),
        ['repos'],
        'no repos -> repos https://github.com/acme/billing.git',
      ],
      [planInputs(story, { ...opts, max_task_cycle_days: 2 }, {}, 'rules'), ['max_task_cycle_days'], '3 -> '],
      [planInputs(story, { ...opts, coverage_level: 'basic' }, {}, 'rules'), ['coverage_level'], 'basic'],
      [planInputs(story, opts, {}, 'openai:gpt-5-mini'), ['generator'], 'generator openai:gpt-5-mini'],
      [
        planInputs({ ...story, acceptance_criteria: ['An invoice is emailed'] }, opts, {}, 'rules'),
        ['story'],
        'story content changed',
      ],
      [
        planInputs(story, opts, { additional_context: 'EU only' }, 'rules'),
        ['additional_context'],
        'context',
      ],
    ];
    for (const [wanted, changed, text] of cases) {
      const found = await findStoredPlan(jiraWith(stored(base)), 'INV-2', wanted, {
        regenerate: false,
        jobId: 'job-2',
      });
      expect(found.plan, text).toBeNull();
      expect(found.use.used).toBe(false);
      expect(found.use.changed).toEqual(changed);
      expect(found.use.reason).toContain(text);
    }
  });

  it('ignores the order of repositories', () => {
    const a = planInputs(
      story,
      opts,
      { repos: ['https://x/a.git', { url: 'https://x/b.git', branch: 'dev' }] },
      'r',
    );
    const b = planInputs(
      story,
      opts,
      { repos: [{ url: 'https://x/b.git', branch: 'dev' }, 'https://x/a.git'] },
      'r',
    );
    expect(a).toEqual(b);
  });

  it('regenerates on request, except in a retry of the job that already regenerated the plan', async () => {
    const jira = jiraWith(stored(base, 'job-7'));
    const other = await findStoredPlan(jira, 'INV-2', base, { regenerate: true, jobId: 'job-8' });
    expect(other.plan).toBeNull();
    expect(other.use.reason).toContain('regenerate');
    const retry = await findStoredPlan(jira, 'INV-2', base, { regenerate: true, jobId: 'job-7' });
    expect(retry.plan).not.toBeNull();
    expect(retry.use.reason).toContain('earlier attempt of this job');
  });

  it('does not trust a plan stored without the inputs it was made from', async () => {
    const old = { version: 1, hash: 'abc', engine: 'llm', story_types: [], tasks: [], proposed: [] };
    const found = await findStoredPlan(jiraWith(old), 'INV-2', base, { regenerate: false, jobId: 'j' });
    expect(found.plan).toBeNull();
    expect(found.use.reason).toContain('older format');
    const none = await findStoredPlan(jiraWith(null), 'INV-2', base, { regenerate: false, jobId: 'j' });
    expect(none.use).toMatchObject({ used: false, stored_at: null });
  });
});
