import { describe, expect, it } from 'vitest';
import { adfToText, markdownToAdf } from '../adapters/jira/index.js';
import { adfToMarkdown } from '../planning/adf-markdown.js';
import { parseTaskMarkdown, taskMarkdown } from '../planning/markdown.js';
import { descriptionSegments, mergeDescription, sectionText } from './description.js';
import { ticketMarkdown } from './ticket-markdown.js';

const doc = (md: string) => markdownToAdf(md);
const text = (d: ReturnType<typeof doc>) => adfToText(d);

describe('mergeDescription', () => {
  const original = doc(
    ticketMarkdown({
      description: 'Shoppers pay without an account.\n\n## Background\n\nHalf of carts stop at sign-up.',
      acceptance_criteria: ['A guest reaches the payment step', 'The order e-mail is sent'],
      test_cases: [{ title: 'Guest reaches payment', steps: ['Add an item', 'Continue as guest'] }],
    }),
  );

  it('splits a description into prose and our sections, keeping unknown headings in the prose', () => {
    const kinds = descriptionSegments(original).map((s) => s.kind);
    expect(kinds).toEqual(['description', 'acceptance_criteria', 'test_cases']);
    expect(sectionText(original, 'description')).toContain('Half of carts stop at sign-up');
    expect(sectionText(original, 'acceptance_criteria')).toContain('The order e-mail is sent');
  });

  it('replaces only the criteria when only criteria are given', () => {
    const out = mergeDescription(original, { acceptance_criteria: ['A guest can pay by card'] }, 'replace');
    expect(sectionText(out, 'acceptance_criteria')).toBe('A guest can pay by card');
    expect(sectionText(out, 'description')).toContain('Shoppers pay without an account.');
    expect(sectionText(out, 'test_cases')).toContain('Guest reaches payment');
    expect(descriptionSegments(out).map((s) => s.kind)).toEqual([
      'description',
      'acceptance_criteria',
      'test_cases',
    ]);
  });

  it('replaces the prose and keeps the sections when a description is given', () => {
    const out = mergeDescription(original, { description: 'New scope.' }, 'replace');
    expect(sectionText(out, 'description')).toBe('New scope.');
    expect(text(out)).not.toContain('Half of carts');
    expect(sectionText(out, 'acceptance_criteria')).toContain('A guest reaches the payment step');
  });

  it('adds a missing section in its usual place (notes between criteria and tests)', () => {
    const out = mergeDescription(original, { technical_notes: ['Use the payments service'] }, 'replace');
    expect(descriptionSegments(out).map((s) => s.kind)).toEqual([
      'description',
      'acceptance_criteria',
      'technical_notes',
      'test_cases',
    ]);
  });

  it('appends criteria and test cases inside the existing sections', () => {
    const out = mergeDescription(
      original,
      {
        acceptance_criteria: ['A saved card can be removed'],
        test_cases: [{ title: 'Remove a saved card' }],
      },
      'append',
    );
    const ac = sectionText(out, 'acceptance_criteria');
    expect(ac).toContain('A guest reaches the payment step');
    expect(ac).toContain('A saved card can be removed');
    expect(sectionText(out, 'test_cases')).toMatch(/Guest reaches payment[\s\S]*Remove a saved card/);
    expect(descriptionSegments(out).map((s) => s.kind)).toEqual([
      'description',
      'acceptance_criteria',
      'test_cases',
    ]);
  });

  it('builds a whole description from nothing', () => {
    const out = mergeDescription(
      null,
      { description: 'Hello there', acceptance_criteria: ['It works'] },
      'replace',
    );
    expect(text(out)).toMatch(/Hello there[\s\S]*Acceptance criteria[\s\S]*It works/);
  });

  it('removes a section given as an empty list', () => {
    const out = mergeDescription(original, { test_cases: [] }, 'replace');
    expect(descriptionSegments(out).map((s) => s.kind)).toEqual(['description', 'acceptance_criteria']);
  });
});

describe('appending to a task written by the planners', () => {
  it('keeps the task readable by the planners: the new criterion and test case are read back', () => {
    const task = {
      id: 'S-1-backend-1',
      summary: 'Implement GET /invoices/{id}/pdf',
      description: 'Render the invoice as a PDF.',
      team: 'backend' as const,
      estimate_days: 2,
      depends_on_tasks: [],
      blocked_by_teams: [],
      test_cases: [],
      covers_criteria: ['The PDF names the invoice number'],
      story_key: 'S-1',
    };
    const written = markdownToAdf(taskMarkdown(task));
    const out = mergeDescription(
      written,
      {
        acceptance_criteria: ['A draft invoice cannot be downloaded'],
        test_cases: [
          { title: 'Draft PDF is refused', steps: ['Request a draft PDF'], expected_result: '409' },
        ],
      },
      'append',
    );
    const parsed = parseTaskMarkdown(adfToMarkdown(out));
    expect(parsed.team).toBe('backend');
    expect(parsed.estimate_days).toBe(2);
    expect(parsed.covers_criteria).toEqual([
      'The PDF names the invoice number',
      'A draft invoice cannot be downloaded',
    ]);
    expect(parsed.test_cases).toEqual([
      expect.objectContaining({
        title: 'Draft PDF is refused',
        steps: ['Request a draft PDF'],
        expected_result: '409',
      }),
    ]);
  });
});
