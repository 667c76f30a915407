import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { htmlToPlanText } from './html-to-text.js';
import { planDocument } from './plan-document.js';
import { classifyHeading, readPlanSource } from './read-plan-source.js';

const PRD_DIR = join(import.meta.dirname, '..', '..', '..', 'test', 'fixtures', 'prd');
const checkout = readFileSync(join(PRD_DIR, '01-checkout-basic.xhtml'), 'utf8');

const row = (title: string, description: string, criteria: string) =>
  `<tr><td><p>${title}</p></td><td><p>${description}</p></td><td>${criteria}</td></tr>`;

/** A Confluence page with a five-row story table among other sections and tables. */
const LOYALTY_PAGE = [
  '<h1>Loyalty points</h1>',
  '<h2>Problem</h2><p>Repeat customers get nothing for coming back.</p>',
  '<h2>Goals</h2><ul><li><p>Raise repeat purchases by 10%</p></li></ul>',
  '<h2>Story List</h2>',
  '<table><tbody>',
  '<tr><th><p>Title</p></th><th><p>Description</p></th><th><p>Acceptance Criteria</p></th></tr>',
  row(
    'Earn points',
    'Customers earn one point per euro spent.',
    '<p>Given: a paid order of 12.40 EUR</p><p>When: the order is captured</p><p>Then: 12 points are added to the ledger</p>',
  ),
  row(
    'Redeem points',
    'Points pay for part of an order.',
    '<ul><li><p>100 points are worth 1 EUR</p></li><li><p>Points never pay for shipping</p></li></ul>',
  ),
  row(
    'Refund points',
    'A refunded order takes its points back.',
    '<p>Points of a refunded order are removed</p><p>A balance never goes below zero</p>',
  ),
  row(
    'Points expiry',
    'Unused points expire after 12 months.',
    '<p>Points older than 12 months expire in the nightly batch</p>',
  ),
  row(
    'Ledger export',
    'Finance exports the points ledger as CSV.',
    '<p>The CSV reconciles with the order totals</p>',
  ),
  '</tbody></table>',
  '<h2>Non-functional requirements</h2><ul><li><p>All amounts are integer cents</p></li><li><p>Every balance change is audited</p></li></ul>',
  '<h2>Questions</h2><table><tbody><tr><th><p>Question</p></th><th><p>Outcome</p></th></tr>',
  '<tr><td><p>What if an order is delivered twice?</p></td><td><p>Only one delivery counts</p><p>A full refund takes every point back</p></td></tr></tbody></table>',
  '<h2>Not doing</h2><ul><li><p>Tiered membership</p></li><li><p>There is no UI in this release</p></li></ul>',
].join('');

describe('readPlanSource', () => {
  it('reads a story table as the list of stories, rows in order, with their own criteria', () => {
    const src = readPlanSource({ summary: 'Loyalty points', prd: LOYALTY_PAGE });
    expect(src.stories_from).toBe('prd_table');
    expect(src.stories.map((s) => s.title)).toEqual([
      'Earn points',
      'Redeem points',
      'Refund points',
      'Points expiry',
      'Ledger export',
    ]);
    expect(src.stories[0]!.acceptance_criteria).toEqual([
      'Given a paid order of 12.40 EUR, when the order is captured, then 12 points are added to the ledger',
    ]);
    expect(src.stories[1]!.acceptance_criteria).toEqual([
      '100 points are worth 1 EUR',
      'Points never pay for shipping',
    ]);
    expect(src.stories[0]!.description).toBe('Customers earn one point per euro spent.');
    expect(src.stories.map((s) => s.row_index)).toEqual([1, 2, 3, 4, 5]);
  });

  it('classifies the other sections: context, constraints, exclusions and questions', () => {
    const src = readPlanSource({ summary: 'Loyalty points', prd: LOYALTY_PAGE });
    expect(src.context).toEqual(
      expect.arrayContaining([
        'Repeat customers get nothing for coming back.',
        'Raise repeat purchases by 10%',
      ]),
    );
    expect(src.constraints).toEqual(['All amounts are integer cents', 'Every balance change is audited']);
    expect(src.exclusions).toEqual(['Tiered membership', 'There is no UI in this release']);
    expect(src.questions.join('\n')).toContain('What if an order is delivered twice?');
  });

  it('keeps the boundaries between the paragraphs of a table cell', () => {
    const text = htmlToPlanText(LOYALTY_PAGE);
    expect(text).toContain('Only one delivery counts; A full refund takes every point back');
    expect(text).not.toMatch(/countsA full/);
  });

  it('plans the rows of a Confluence story table, not the page headings or what it does not do', () => {
    const plan = planDocument({ text: checkout, file_name: '01-checkout-basic.xhtml' });
    expect(plan.summary).toBe('Checkout redesign');
    expect(plan.stories.map((s) => s.story.title)).toEqual([
      'One-page checkout',
      'Saved cards',
      'Order summary sidebar',
    ]);
    const titles = plan.stories.map((s) => s.story.title).join('|');
    expect(titles).not.toMatch(/Questions|Story Ticket List|Buy now|Reduce checkout time/);
  });

  it('reads every bullet under a markdown story heading as a criterion, whatever its verb', () => {
    const src = readPlanSource({
      summary: 'Dashboard',
      description: [
        '# Dashboard',
        '## Background',
        'Managers check numbers every morning.',
        '## Stories',
        '### Revenue chart',
        '- Has a legend for every series',
        '- Axis labels remain readable at 320 px',
        '- Scales to 24 months of data',
        '- Text contrast of at least 4.5:1 against the background',
        '### Scheduled e-mail',
        'Managers get the dashboard at 10:30 every Monday.',
        '- Sent as a PDF attachment',
        '## Out of scope',
        '- Custom date ranges',
      ].join('\n'),
    });
    expect(src.stories.map((s) => s.title)).toEqual(['Revenue chart', 'Scheduled e-mail']);
    expect(src.stories[0]!.acceptance_criteria).toEqual([
      'Has a legend for every series',
      'Axis labels remain readable at 320 px',
      'Scales to 24 months of data',
      'Text contrast of at least 4.5:1 against the background',
    ]);
    expect(src.stories[1]!.description).toBe('Managers get the dashboard at 10:30 every Monday.');
    expect(src.exclusions).toEqual(['Custom date ranges']);
  });

  it('does not cut a title at the colon of a ratio or a time', () => {
    const src = readPlanSource({
      summary: 'Accessibility',
      description: [
        '## Requirements',
        '- Buttons meet a contrast ratio of 4.5:1',
        '- Reminders go out at 10:30 local time',
      ].join('\n'),
    });
    expect(src.stories.map((s) => s.title)).toEqual([
      'Buttons meet a contrast ratio of 4.5:1',
      'Reminders go out at 10:30 local time',
    ]);
  });

  it('reads numbered items and "As a ..." lines as stories when a section lists them', () => {
    const src = readPlanSource({
      summary: 'Clinic scheduling',
      prd: [
        '## Scope',
        '1. **Book a visit**: patients pick a free slot',
        '   - The slot is held for 10 minutes',
        '2. Cancel a visit',
        '## User stories',
        'As a scheduler, I want to move a visit so that the doctor can leave early.',
        '- The patient is told by SMS',
        '## Risks',
        '- The SMS provider may throttle us',
      ].join('\n'),
    });
    expect(src.stories.map((s) => s.title)).toEqual(['Book a visit', 'Cancel a visit', 'Move a visit']);
    expect(src.stories[0]!.description).toBe('patients pick a free slot');
    expect(src.stories[0]!.acceptance_criteria).toEqual(['The slot is held for 10 minutes']);
    expect(src.stories[2]!.actor).toBe('scheduler');
    expect(src.stories[2]!.acceptance_criteria).toEqual(['The patient is told by SMS']);
    expect(src.risks).toEqual(['The SMS provider may throttle us']);
  });

  it('joins a wrapped line that goes on with a conjunction, even when it holds a colon', () => {
    const src = readPlanSource({
      summary: 'Firmware rollouts',
      prd: [
        '## Stories',
        '1. **Staged rollout.** A release is published to a channel (`beta`, `stable`)',
        '   and goes out in stages: 1% then 10% then 100% of the devices.',
        '   - a device gets one staged release at a time',
      ].join('\n'),
    });
    expect(src.stories[0]!.description).toMatch(
      /channel \(`?beta`?, `?stable`?\) and goes out in stages: 1%/,
    );
    expect(src.stories[0]!.acceptance_criteria).toEqual(['a device gets one staged release at a time']);
  });

  it("reads 'What we’ll build' as the stories, 'Not in phase 1' as exclusions, and an unnamed section's rules as constraints", () => {
    const src = readPlanSource({
      summary: 'Meter reads',
      prd: [
        '## Personal data',
        'The export carries customer details. PII must not be loaded at all.',
        'The export is pipe-delimited.',
        '## What we’ll build',
        '### Nightly load',
        '- Reads land in silver by 06:30',
        '### Backfill',
        '- One month at a time',
        '## Not in phase 1',
        '- Gas meters',
      ].join('\n'),
    });
    expect(src.stories.map((s) => s.title)).toEqual(['Nightly load', 'Backfill']);
    expect(src.exclusions).toEqual(['Gas meters']);
    expect(src.constraints).toEqual(['The export carries customer details. PII must not be loaded at all.']);
    expect(src.context).toContain('The export is pipe-delimited.');
  });

  it('titles "R1: ... shall ..." requirements by their work, short enough for a board', () => {
    const src = readPlanSource({
      summary: 'Controlled substances',
      prd: [
        '## Requirements',
        'R1: The system shall submit dispensing data to the state PDMP in ASAP 4.2 format no later than the next business day, retry failed submissions automatically, and show submission status per prescription.',
        '',
        'R2: Every inventory change shall be written to an append-only ledger with user, timestamp, reason code and before/after quantities.',
        '',
        'R3: The PIC shall be able to perform a physical count for any NDC.',
        '',
        'R4: Access to controlled substance screens shall require two-factor re-authentication if the user has been idle for more than 5 minutes.',
        '',
        'R5: The pipeline shall compute 30/60/90-day rolling features per account (active users, seats used %, tickets opened, logins per week, failed payments, plan downgrades) for every account.',
      ].join('\n'),
    });
    expect(src.stories.map((s) => s.title)).toEqual([
      'Submit dispensing data to the state PDMP',
      'Write every inventory change to an append-only ledger',
      'Let the PIC perform a physical count for any NDC',
      'Require two-factor re-authentication for access to controlled substance screens',
      'Compute 30/60/90-day rolling features per account',
    ]);
  });

  it('reads a story table whose description column is "What it means", with a Notes column', () => {
    const src = readPlanSource({
      summary: 'Forecasts',
      prd: [
        '## Stories',
        '| # | Story | What it means | Notes |',
        '|---|-------|---------------|-------|',
        '| 1 | Load daily sales | One CSV per store per day is loaded by 04:00. | Late files load on the next run. |',
      ].join('\n'),
    });
    expect(src.stories.map((s) => s.title)).toEqual(['Load daily sales']);
    expect(src.stories[0]!.description).toBe(
      'One CSV per store per day is loaded by 04:00.\nLate files load on the next run.',
    );
  });

  it('never plans an item the page lists as out of scope, even when a goal names it', () => {
    const src = readPlanSource({
      summary: 'Checkout',
      prd: [
        '## Goals',
        '- Faster checkout',
        '## Features',
        '- Guest checkout',
        '- Buy now, pay later',
        '## Not doing',
        '- Buy now, pay later',
      ].join('\n'),
    });
    expect(src.stories.map((s) => s.title)).toEqual(['Guest checkout']);
    expect(src.notes.join(' ')).toMatch(/Buy now, pay later.*out of scope/);
  });

  it('takes the stories from the PRD and the epic description as context when both are given', () => {
    const src = readPlanSource({
      summary: 'Checkout',
      description: 'Faster checkout for everyone.\n\n- Shoppers pay in under a minute',
      prd: LOYALTY_PAGE,
    });
    expect(src.stories).toHaveLength(5);
    expect(src.context).toContain('Shoppers pay in under a minute');
  });

  it('reads a terse epic: bold labels with an aside, plain label lines, task-list boxes and issue keys', () => {
    const src = readPlanSource({
      summary: 'Visit reminders',
      description: [
        '## OPS-7: Visit reminders',
        'owner: @sam · status: ready',
        '',
        '**stories** (the first two exist already)',
        '1. OPS-8 SMS reminder the day before',
        '2. [OPS-9] confirm by replying C',
        '3. reschedule link in the reminder',
        '',
        'Stories',
        '- [ ] quiet hours for SMS',
        '',
        '**rules (all stories)**',
        '- nothing but the date and a link in an SMS',
        '',
        '**open qs**',
        '- link expiry?',
      ].join('\n'),
    });
    expect(src.stories.map((s) => [s.title, s.jira_key])).toEqual([
      ['SMS reminder the day before', 'OPS-8'],
      ['Confirm by replying C', 'OPS-9'],
      ['Reschedule link in the reminder', null],
      ['Quiet hours for SMS', null],
    ]);
    expect(src.constraints).toEqual(['nothing but the date and a link in an SMS']);
    expect(src.questions).toEqual(['link expiry?']);
  });

  it('reads stories written as bold paragraphs of a Google Docs export, bold by a stylesheet class', () => {
    const html = [
      '<html><head><style type="text/css">.c3{font-weight:700}.c1{color:#000}</style></head><body>',
      '<p class="c1"><span class="c3">Stories</span></p>',
      '<p class="c1"><span class="c3">Order a laptop</span></p>',
      '<ul><li class="c1"><span>A manager picks a model for the new starter</span></li></ul>',
      '<p class="c1"><span class="c3">Approve an order</span></p>',
      '<ul><li class="c1"><span>IT approves orders over 2,000 EUR</span></li></ul>',
      '</body></html>',
    ].join('');
    const src = readPlanSource({ summary: 'Laptops', prd: html });
    expect(src.stories.map((s) => [s.title, s.acceptance_criteria])).toEqual([
      ['Order a laptop', ['A manager picks a model for the new starter']],
      ['Approve an order', ['IT approves orders over 2,000 EUR']],
    ]);
  });

  it('classifies common section names, with numbering and qualifiers', () => {
    expect(classifyHeading('4. Out of scope (for now)')).toBe('exclusions');
    expect(classifyHeading('Non-goals')).toBe('exclusions');
    expect(classifyHeading('Open questions')).toBe('questions');
    expect(classifyHeading('Non-functional requirements')).toBe('constraints');
    expect(classifyHeading('Background and strategic fit')).toBe('context');
    expect(classifyHeading('Risks and mitigations')).toBe('risks');
    expect(classifyHeading('User Stories')).toBe('stories');
    expect(classifyHeading('Functional requirements')).toBe('stories');
    expect(classifyHeading('Users can invite teammates')).toBeNull();
    expect(classifyHeading('Earn points')).toBeNull();
    expect(classifyHeading('Rules (all stories)')).toBe('constraints');
    expect(classifyHeading('Open qs')).toBe('questions');
  });
});
