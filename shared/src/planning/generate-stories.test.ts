import { describe, expect, it } from 'vitest';
import { INVOICING_EPIC_SUMMARY, INVOICING_PRD, INVOICING_RFC } from './fixtures/invoicing-prd.js';
import { generateStoriesForEpic } from './generate-stories.js';
import { htmlToPlanText } from './html-to-text.js';
import { StoryList } from './schemas.js';

describe('generateStoriesForEpic', () => {
  it('turns each feature heading with a user story into a story with its criteria', () => {
    const stories = generateStoriesForEpic({ epic_summary: INVOICING_EPIC_SUMMARY, prd_text: INVOICING_PRD });
    expect(StoryList.parse({ stories })).toEqual({ stories });
    expect(stories.map((s) => s.title)).toEqual([
      'Create invoices',
      'Invoice line items and totals',
      'Send invoices',
      'Online payment',
      'Overdue reminders',
      'Invoice list',
      'Revenue report',
      'Audit trail',
    ]);
    expect(stories[0]!.description).toMatch(/^As a finance manager, I want to create an invoice/);
    expect(stories[0]!.acceptance_criteria[1]).toBe(
      'Amount must be positive and currency must be a valid ISO 4217 code',
    );
    expect(stories.every((s) => (s.story_points ?? 0) > 0)).toBe(true);
  });

  it('skips non-goals and background sections', () => {
    const stories = generateStoriesForEpic({ epic_summary: 'x', prd_text: INVOICING_PRD });
    expect(stories.some((s) => /Multi-entity|Recurring/.test(s.title))).toBe(false);
  });

  it('gives each RFC line to the story it is about', () => {
    const stories = generateStoriesForEpic({
      epic_summary: 'x',
      prd_text: INVOICING_PRD,
      rfc_text: INVOICING_RFC,
    });
    const byTitle = Object.fromEntries(stories.map((s) => [s.title, s.description]));
    expect(byTitle['Send invoices']).toContain('POST /invoices/{id}/send');
    expect(byTitle['Online payment']).toContain('POST /invoices/{id}/payments');
    expect(byTitle['Revenue report']).toContain('GET /reports/revenue.csv');
    expect(byTitle['Create invoices']).not.toContain('/payments');
  });

  it('splits a generic requirements list into one story per bullet, nested bullets as criteria', () => {
    const stories = generateStoriesForEpic({
      epic_summary: 'Team workspace',
      epic_description: [
        '## Requirements',
        '- Users can invite teammates by email',
        '  - The invitation expires after 7 days',
        '  - An invited user who already has an account is added directly',
        '- The system shall allow admins to remove members',
        '1. Export the member list as CSV',
      ].join('\n'),
    });
    expect(stories.map((s) => s.title)).toEqual([
      'Invite teammates by email',
      'Remove members',
      'Export the member list as CSV',
    ]);
    expect(stories[0]!.acceptance_criteria).toHaveLength(2);
    expect(stories[0]!.acceptance_criteria[0]).toBe('The invitation expires after 7 days');
    // No criteria given: the requirement as written is what it is checked against; nothing is made up.
    expect(stories[2]!.acceptance_criteria).toEqual(['Export the member list as CSV']);
  });

  it('reads requirement ids and falls back to must/should sentences in prose', () => {
    const ids = generateStoriesForEpic({
      epic_summary: 'x',
      epic_description: 'FR-1: Patients can book an appointment.\nFR-2: Doctors can cancel an appointment.',
    });
    expect(ids.map((s) => s.title)).toEqual(['Book an appointment', 'Cancel an appointment']);
    expect(ids[0]!.description).toBe('Patients can book an appointment.');
    const prose = generateStoriesForEpic({
      epic_summary: 'x',
      epic_description:
        'The shop needs a wishlist. Customers should be able to save products for later. Admins must see the most wished products.',
    });
    expect(prose.map((s) => s.title)).toEqual(['Save products for later', 'See the most wished products']);
  });

  it('merges the same requirement stated in the epic and the PRD', () => {
    const stories = generateStoriesForEpic({
      epic_summary: 'x',
      epic_description: '- Users can export invoices as CSV',
      prd_text: '- Export invoices as CSV\n  - The file has a header row',
    });
    expect(stories).toHaveLength(1);
    expect(stories[0]!.acceptance_criteria).toEqual(['The file has a header row']);
  });

  it('accepts Confluence storage format / HTML', () => {
    const html =
      '<h2>Features</h2><ul><li>Users can archive projects<ul><li>Archived projects are read-only</li></ul></li><li>Users can restore archived projects</li></ul>';
    expect(htmlToPlanText(html)).toBe(
      '## Features\n\n- Users can archive projects\n  - Archived projects are read-only\n- Users can restore archived projects',
    );
    const stories = generateStoriesForEpic({ epic_summary: 'x', prd_text: html });
    expect(stories.map((s) => s.title)).toEqual(['Archive projects', 'Restore archived projects']);
    expect(stories[0]!.acceptance_criteria).toEqual(['Archived projects are read-only']);
  });

  it('stops at max_stories and always returns at least one story', () => {
    expect(
      generateStoriesForEpic({ epic_summary: 'x', prd_text: INVOICING_PRD, max_stories: 3 }),
    ).toHaveLength(3);
    const one = generateStoriesForEpic({ epic_summary: 'Dark mode', epic_description: '' });
    expect(one).toHaveLength(1);
    expect(one[0]!.title).toBe('Dark mode');
    // A bare title states nothing to check: no criteria are invented (readiness asks for them).
    expect(one[0]!.acceptance_criteria).toEqual([]);
  });
});

describe('generateStoriesForEpic reads the page as its author wrote it', () => {
  const page = [
    '<h1>Loyalty points</h1>',
    '<h2>Goals</h2><ul><li><p>Raise repeat purchases by 10%</p></li></ul>',
    '<h2>Story List</h2><table><tbody>',
    '<tr><th><p>Title</p></th><th><p>Description</p></th><th><p>Acceptance Criteria</p></th></tr>',
    ...['Earn points', 'Redeem points', 'Refund points', 'Points expiry', 'Ledger export'].map(
      (t, i) =>
        `<tr><td><p>${t}</p></td><td><p>Story ${i + 1} of the loyalty epic.</p></td><td><p>Given: a customer with 10 points</p><p>When: ${t.toLowerCase()} runs</p><p>Then: the ledger shows it</p></td></tr>`,
    ),
    '</tbody></table>',
    '<h2>Questions</h2><table><tbody><tr><th><p>Question</p></th><th><p>Outcome</p></th></tr>',
    '<tr><td><p>Delivered twice?</p></td><td><p>Only one delivery counts</p><p>A full refund takes every point back</p></td></tr></tbody></table>',
    '<h2>Not Doing</h2><ul><li><p>Tiered membership</p></li></ul>',
  ].join('');

  it('plans every row of the story table, in order, with the row criteria, and no other section', () => {
    const stories = generateStoriesForEpic({ epic_summary: 'Loyalty', prd_text: page });
    expect(stories.map((s) => s.title)).toEqual([
      'Earn points',
      'Redeem points',
      'Refund points',
      'Points expiry',
      'Ledger export',
    ]);
    expect(stories[0]!.acceptance_criteria).toEqual([
      'Given a customer with 10 points, when earn points runs, then the ledger shows it',
    ]);
  });

  it('reads the story table of a page given as the epic itself (augment plan FILE)', () => {
    const stories = generateStoriesForEpic({ epic_summary: 'Loyalty', epic_description: page });
    expect(stories).toHaveLength(5);
    expect(stories.map((s) => s.title).join('|')).not.toMatch(/Questions|Story List|Tiered|Goals|Raise/);
  });

  it('keeps the boundaries between the paragraphs of a table cell', () => {
    expect(htmlToPlanText(page)).toContain('Only one delivery counts; A full refund takes every point back');
  });

  it('reads bullets under a story heading as its criteria whatever their verb, and keeps "4.5:1" whole', () => {
    const stories = generateStoriesForEpic({
      epic_summary: 'Reports',
      epic_description: [
        '## Revenue chart',
        '- Has a legend for every series',
        '- Axis labels remain readable at 320 px',
        '- Scales to 24 months of data',
        '## Contrast of at least 4.5:1 on every chart',
        '- Checked in light and dark themes',
      ].join('\n'),
    });
    expect(stories.map((s) => s.title)).toEqual([
      'Revenue chart',
      'Contrast of at least 4.5:1 on every chart',
    ]);
    expect(stories[0]!.acceptance_criteria).toEqual([
      'Has a legend for every series',
      'Axis labels remain readable at 320 px',
      'Scales to 24 months of data',
    ]);
  });
});
