import { describe, expect, it } from 'vitest';
import { DraftPrStory } from './plan.js';
import { type PrContext, renderPrBody, renderPrTitle, renderTemplate } from './pr-body.js';
import { makePlan } from './test-fixtures.js';

const story = DraftPrStory.parse({ key: 'PROJ-7', summary: 'Rate-limit logins {{plan_hash}}' });
const ctx: PrContext = {
  story,
  storyUrl: 'https://jira.example/browse/PROJ-7',
  plan: makePlan(),
  planHash: 'a'.repeat(64),
  planVersion: 2,
  verification: [
    {
      name: 'test',
      command: 'npm test',
      exit_code: 0,
      passed: true,
      timed_out: false,
      duration_ms: 1234,
      output: '',
    },
  ],
  branch: 'augment/PROJ-7-rate-limit-logins',
  baseBranch: 'main',
};

describe('PR title and body', () => {
  it('titles the PR with the story key and summary on one line', () => {
    expect(renderPrTitle({ key: 'PROJ-7', summary: 'Two\nlines' })).toBe('PROJ-7: Two lines');
    expect(renderPrTitle({ key: 'PROJ-7', summary: 'x'.repeat(400) }).length).toBe(250);
  });

  it('links the story and includes the plan summary, scope and verification results', () => {
    const body = renderPrBody(ctx);
    expect(body).toContain('Story: [PROJ-7](https://jira.example/browse/PROJ-7)');
    expect(body).toContain(ctx.plan.summary);
    expect(body).toContain('- added `src/rate-limit.ts`');
    expect(body).toContain('| test | `npm test` | passed | 1.2 s |');
    expect(body).toContain(`plan v2 (\`${'a'.repeat(64)}\`)`);
  });

  it('fills custom templates without re-expanding placeholders found in user text', () => {
    expect(renderPrBody(ctx, '{{story_title}} / {{nope}} / {{ plan_version }}')).toBe(
      'Rate-limit logins {{plan_hash}} /  / 2',
    );
    expect(renderTemplate('{{constructor}}', {})).toBe('');
  });
});
