import { generateTeamTasks, type TeamTask } from '@augment/shared';
import { describe, expect, it } from 'vitest';
import { markdownToAdf } from '../adapters/jira/adf.js';
import { adfToMarkdown } from './adf-markdown.js';
import { storyFromIssue } from './epic-context.js';
import { criteriaOf, jiraDuration, parseTaskMarkdown, storyMarkdown, taskMarkdown } from './markdown.js';

const story = {
  title: 'Send invoices',
  description: 'As a finance manager, I want to send an invoice by email so that customers receive it.',
  acceptance_criteria: [
    'When the invoice is sent, then the customer receives exactly one email with a PDF attached',
    'A cancelled invoice cannot be sent',
  ],
  key: 'INV-3',
};

describe('descriptions written to Jira read back the same', () => {
  it('keeps a story description and its acceptance criteria through ADF', () => {
    const adf = markdownToAdf(storyMarkdown(story));
    const md = adfToMarkdown(adf);
    expect(criteriaOf(md)).toEqual(story.acceptance_criteria);
    const issue = {
      description: adf,
      descriptionText: '',
      summary: story.title,
      key: 'INV-3',
      storyPoints: 3,
    };
    const parsed = storyFromIssue(issue as never);
    expect(parsed.acceptance_criteria).toEqual(story.acceptance_criteria);
    expect(parsed.description).toContain('As a finance manager');
    expect(parsed.story_points).toBe(3);
  });

  it('does not read the "proposed" note of a generated description as a criterion', () => {
    const md =
      '## Context\nX.\n\n## Acceptance criteria\n_Proposed from the summary; please review._\n- The list shows every invoice';
    const issue = {
      description: markdownToAdf(md),
      descriptionText: '',
      summary: 'List',
      key: 'A-1',
      storyPoints: null,
    };
    expect(storyFromIssue(issue as never).acceptance_criteria).toEqual(['The list shows every invoice']);
  });

  it('reads back the team, estimate, criteria and test cases of a task', () => {
    const task = generateTeamTasks(story, { coverage_level: 'standard' }).tasks.find(
      (t) => t.team === 'backend' && t.test_cases.length >= 2,
    ) as TeamTask;
    const md = adfToMarkdown(markdownToAdf(taskMarkdown(task)));
    const back = parseTaskMarkdown(md);
    expect(back.team).toBe('backend');
    expect(back.estimate_days).toBe(task.estimate_days);
    expect(back.covers_criteria).toEqual(task.covers_criteria);
    expect(back.test_cases.map((t) => t.title)).toEqual(task.test_cases.map((t) => t.title));
    expect(back.test_cases.map((t) => t.type)).toEqual(task.test_cases.map((t) => t.type));
    expect(back.test_cases.map((t) => t.covers_criterion)).toEqual(
      task.test_cases.map((t) => t.covers_criterion),
    );
    expect(back.test_cases[0]!.steps).toEqual(
      task.test_cases[0]!.steps.map((s) => s.replace(/\s*\n\s*/g, ' ')),
    );
  });

  it('reads a hand-written task as its text with no tests', () => {
    const back = parseTaskMarkdown('Fix the login page.\n\nSome notes.');
    expect(back).toMatchObject({ team: null, estimate_days: null, test_cases: [], covers_criteria: [] });
    expect(back.body).toContain('Fix the login page.');
  });
});

describe('jiraDuration', () => {
  it('writes days of 8 hours in Jira syntax', () => {
    expect(jiraDuration(1)).toBe('1d');
    expect(jiraDuration(1.5)).toBe('1d 4h');
    expect(jiraDuration(0.5)).toBe('4h');
    expect(jiraDuration(0.01)).toBe('1h');
  });
});
