/**
 * An epic like the demo's, larger: ten children with estimates (original estimate, story points, none),
 * team labels, Blocks links, one done child and one in the board's active sprint; a second epic whose
 * Blocks links form a cycle; a board with an active sprint and an empty board for manual sprint work.
 */
import type { SeedData } from '../emulator/index.js';

export const EPIC = 'PLAN-1';
export const CYCLE_EPIC = 'PLAN-20';
export const PLAN_BOARD = 1;
export const MANUAL_BOARD = 2;
export const ACTIVE_SPRINT = 1;

/** blocker -> blocked */
export const LINKS: [string, string][] = [
  ['PLAN-3', 'PLAN-4'],
  ['PLAN-2', 'PLAN-5'],
  ['PLAN-5', 'PLAN-6'],
  ['PLAN-4', 'PLAN-7'],
  ['PLAN-6', 'PLAN-8'],
  ['PLAN-7', 'PLAN-9'],
  // Blockers that no longer hold anything up: one in the active sprint, one done.
  ['PLAN-12', 'PLAN-10'],
  ['PLAN-11', 'PLAN-2'],
];

/** The children the planner should schedule, with the team and days it should read from Jira. */
export const EXPECTED: Record<string, { team: string; days: number; source: string }> = {
  'PLAN-2': { team: 'backend', days: 2, source: 'original_estimate' },
  'PLAN-3': { team: 'backend', days: 5, source: 'story_points' },
  'PLAN-4': { team: 'backend', days: 4, source: 'original_estimate' },
  'PLAN-5': { team: 'backend', days: 3, source: 'original_estimate' },
  'PLAN-6': { team: 'frontend', days: 5, source: 'original_estimate' },
  'PLAN-7': { team: 'frontend', days: 4, source: 'story_points' },
  'PLAN-8': { team: 'qa', days: 3, source: 'original_estimate' },
  'PLAN-9': { team: 'qa', days: 2, source: 'default' },
  'PLAN-10': { team: 'frontend', days: 3, source: 'original_estimate' },
};

const child = (
  key: string,
  summary: string,
  extra: { labels?: string[]; originalEstimate?: string; storyPoints?: number; status?: string } = {},
) => ({
  key,
  projectKey: 'PLAN',
  issueType: 'Task',
  summary,
  parentKey: EPIC,
  ...extra,
});

export function sprintSeed(): SeedData {
  return {
    projects: [{ key: 'PLAN', name: 'Planning' }],
    issues: [
      { key: EPIC, projectKey: 'PLAN', issueType: 'Epic', summary: 'Checkout v2' },
      child('PLAN-2', 'Payments service skeleton', { labels: ['team:backend'], originalEstimate: '2d' }),
      child('PLAN-3', 'Card vault integration', { labels: ['backend'], storyPoints: 5 }),
      child('PLAN-4', 'Saved cards API', { labels: ['team:backend'], originalEstimate: '4d' }),
      child('PLAN-5', 'Guest checkout API', { labels: ['team:backend'], originalEstimate: '3d' }),
      child('PLAN-6', 'Guest checkout flow', { labels: ['team:frontend'], originalEstimate: '1w' }),
      child('PLAN-7', 'Saved card picker', { labels: ['frontend'], storyPoints: 4 }),
      child('PLAN-8', '[QA] Guest checkout end-to-end', { originalEstimate: '3d' }),
      child('PLAN-9', 'Regression tests for saved cards'),
      child('PLAN-10', 'Confirmation page layout', { labels: ['team:frontend'], originalEstimate: '3d' }),
      child('PLAN-11', 'Checkout metrics', { labels: ['team:data'], originalEstimate: '2d', status: 'Done' }),
      child('PLAN-12', 'Address lookup proxy', {
        labels: ['team:backend'],
        originalEstimate: '2d',
        status: 'In Progress',
      }),
      { key: CYCLE_EPIC, projectKey: 'PLAN', issueType: 'Epic', summary: 'Tangled epic' },
      ...['PLAN-21', 'PLAN-22', 'PLAN-23'].map((key) => ({
        key,
        projectKey: 'PLAN',
        issueType: 'Task',
        summary: `Tangled ${key}`,
        parentKey: CYCLE_EPIC,
        labels: ['team:backend'],
        originalEstimate: '1d',
      })),
    ],
    links: [
      ...LINKS.map(([blocker, blocked]) => ({ blocker, blocked })),
      { blocker: 'PLAN-21', blocked: 'PLAN-22' },
      { blocker: 'PLAN-22', blocked: 'PLAN-23' },
      { blocker: 'PLAN-23', blocked: 'PLAN-21' },
    ],
    boards: [
      { id: PLAN_BOARD, name: 'PLAN board', projectKey: 'PLAN', type: 'scrum' },
      { id: MANUAL_BOARD, name: 'Manual board', projectKey: 'PLAN', type: 'scrum' },
    ],
    sprints: [
      {
        id: ACTIVE_SPRINT,
        boardId: PLAN_BOARD,
        name: 'PLAN Sprint A',
        state: 'active',
        startDate: '2026-01-05T09:00:00.000Z',
        endDate: '2026-01-19T17:00:00.000Z',
        issues: ['PLAN-12'],
      },
    ],
  };
}

/** Members of team 1 (backend 16, frontend 6, qa 4 days per sprint) and one backend member of team 2. */
export const MEMBERS = [
  { name: 'Ada', email: 'ada@example.com', role: 'backend', capacity_days_per_sprint: 8, team_id: 1 },
  { name: 'Bo', email: 'bo@example.com', role: 'backend', capacity_days_per_sprint: 8, team_id: 1 },
  { name: 'Cy', email: 'cy@example.com', role: 'frontend', capacity_days_per_sprint: 6, team_id: 1 },
  { name: 'Di', email: 'di@example.com', role: 'qa', capacity_days_per_sprint: 4, team_id: 1 },
  { name: 'Eve', email: 'eve@example.com', role: 'backend', capacity_days_per_sprint: 10, team_id: 2 },
];
