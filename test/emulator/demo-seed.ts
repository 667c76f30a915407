/**
 * Sample data for trying the runner with no Atlassian account: project DEMO, an epic whose PRD field
 * points at a Confluence page with a "Story List" table, stories with estimates and a dependency, and a
 * scrum board with an active and a future sprint.
 */
import type { SeedData } from './seed.js';

export const DEMO_PRD_PAGE_ID = '1001';
export const DEMO_RFC_PAGE_ID = '1002';
export const DEMO_EPIC_KEY = 'DEMO-1';
export const DEMO_BOARD_ID = 1;

const cell = (text: string) => `<td><p>${text}</p></td>`;

const PRD_STORAGE = [
  '<h1>Checkout revamp</h1>',
  '<p>Goal: let shoppers pay in under a minute, with or without an account.</p>',
  '<h2>Background</h2>',
  '<p>Half of the abandoned carts stop at the sign-up step. Saved cards and guest checkout remove it.</p>',
  '<h2>Story List</h2>',
  '<table data-layout="default"><colgroup><col /><col /><col /></colgroup><tbody>',
  '<tr><th><p><strong>Title</strong></p></th><th><p><strong>Description</strong></p></th><th><p><strong>Acceptance Criteria</strong></p></th></tr>',
  '<tr>',
  cell('Guest checkout'),
  cell('As a shopper I can pay without creating an account.'),
  '<td><p>Given: a cart with at least one item</p><p>When: the shopper chooses "Continue as guest"</p><p>Then: they reach the payment step without signing up</p></td>',
  '</tr>',
  '<tr>',
  cell('Saved cards'),
  cell('As a returning shopper I can pay with a card saved on a previous order.'),
  '<td><ul><li><p>The last four digits and expiry of each saved card are shown</p></li><li><p>A saved card can be removed</p></li></ul></td>',
  '</tr>',
  '<tr>',
  cell('Order confirmation e-mail'),
  cell('Shoppers receive an e-mail with the order summary.'),
  cell('The e-mail is sent within a minute of payment and lists every item with its price.'),
  '</tr>',
  '<tr>',
  cell('Address autocomplete'),
  cell('Suggest addresses while the shopper types.'),
  '<td><p>Given: the shopper types three characters of a street</p><p>When: suggestions are available</p><p>Then: up to five addresses are listed</p></td>',
  '</tr>',
  '</tbody></table>',
  '<h2>Out of scope</h2>',
  '<p>Split payments and gift cards.</p>',
].join('');

const RFC_STORAGE = [
  '<h1>RFC: checkout service split</h1>',
  '<p>The payment step moves to a new <code>payments</code> service; the web app calls it through the API gateway.</p>',
  '<h2>Components</h2>',
  '<ul><li><p>backend: payments service, saved-card vault integration</p></li><li><p>frontend: guest flow, card picker</p></li></ul>',
].join('');

export function demoSeed(): SeedData {
  return {
    projects: [{ key: 'DEMO', name: 'Demo Shop', id: '10000' }],
    issues: [
      {
        key: DEMO_EPIC_KEY,
        projectKey: 'DEMO',
        issueType: 'Epic',
        summary: 'Checkout revamp',
        description: 'Faster checkout: guest checkout, saved cards and clearer confirmations.',
        fields: {
          PRD: `{{baseUrl}}/wiki/spaces/DEMO/pages/${DEMO_PRD_PAGE_ID}/Checkout+revamp+PRD`,
          RFC: `{{baseUrl}}/wiki/spaces/DEMO/pages/${DEMO_RFC_PAGE_ID}/Checkout+service+split`,
        },
      },
      {
        key: 'DEMO-2',
        projectKey: 'DEMO',
        issueType: 'Story',
        summary: 'Guest checkout',
        description: 'As a shopper I can pay without creating an account.',
        parentKey: DEMO_EPIC_KEY,
        storyPoints: 5,
        originalEstimate: '3d',
        labels: ['frontend'],
      },
      {
        key: 'DEMO-3',
        projectKey: 'DEMO',
        issueType: 'Story',
        summary: 'Saved cards',
        description: 'As a returning shopper I can pay with a card saved on a previous order.',
        parentKey: DEMO_EPIC_KEY,
        storyPoints: 8,
        originalEstimate: '1w',
        labels: ['backend'],
      },
      {
        key: 'DEMO-4',
        projectKey: 'DEMO',
        issueType: 'Task',
        summary: 'Payments service skeleton',
        description: 'Create the payments service with a health check and deployment pipeline.',
        parentKey: DEMO_EPIC_KEY,
        originalEstimate: '2d',
        labels: ['backend'],
        status: 'In Progress',
      },
    ],
    // The service skeleton must exist before saved cards can be built.
    links: [{ blocker: 'DEMO-4', blocked: 'DEMO-3' }],
    boards: [{ id: DEMO_BOARD_ID, name: 'DEMO board', projectKey: 'DEMO', type: 'scrum' }],
    sprints: [
      {
        id: 1,
        boardId: DEMO_BOARD_ID,
        name: 'DEMO Sprint 1',
        state: 'active',
        startDate: '2026-01-05T09:00:00.000Z',
        endDate: '2026-01-19T17:00:00.000Z',
        goal: 'Payments service running',
        issues: ['DEMO-4'],
      },
      { id: 2, boardId: DEMO_BOARD_ID, name: 'DEMO Sprint 2', state: 'future' },
    ],
    spaces: [{ key: 'DEMO', name: 'Demo Shop' }],
    pages: [
      { id: DEMO_PRD_PAGE_ID, spaceKey: 'DEMO', title: 'Checkout revamp PRD', storage: PRD_STORAGE },
      { id: DEMO_RFC_PAGE_ID, spaceKey: 'DEMO', title: 'Checkout service split', storage: RFC_STORAGE },
    ],
  };
}
