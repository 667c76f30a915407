import { describe, expect, it } from 'vitest';
import {
  buildEpicTasks,
  DEFAULT_ESTIMATE_DAYS,
  detectTeam,
  type EpicIssue,
  estimateOf,
  outsideBlockerKeys,
  UNASSIGNED_TEAM,
} from './epic-tasks.js';

function issue(key: string, over: Partial<EpicIssue> = {}): EpicIssue {
  return {
    key,
    summary: `Issue ${key}`,
    issueType: 'Task',
    status: 'To Do',
    statusCategory: 'new',
    labels: [],
    parentKey: 'P-1',
    storyPoints: null,
    originalEstimateSeconds: null,
    blocks: [],
    sprintIds: [],
    fields: {},
    ...over,
  };
}
const team = (over: Partial<EpicIssue>) => detectTeam(issue('P-2', over));

describe('detectTeam', () => {
  it('prefers an explicit team label over a role-like label, in any order', () => {
    expect(team({ labels: ['frontend', 'team:backend'] })).toEqual({ team: 'backend', source: 'label' });
    expect(team({ labels: ['Team-Mobile'] })).toEqual({ team: 'mobile', source: 'label' });
    expect(team({ labels: ['team_infra'] })).toEqual({ team: 'infrastructure', source: 'label' });
  });

  it('reads role names and aliases from labels', () => {
    expect(team({ labels: ['customer-facing', 'FE'] })).toEqual({ team: 'frontend', source: 'label' });
    expect(team({ labels: ['devops'] })).toEqual({ team: 'infrastructure', source: 'label' });
  });

  it('uses a component only when it names a team', () => {
    const fields = { components: [{ name: 'Payments' }, { name: 'QA' }] };
    expect(team({ fields })).toEqual({ team: 'qa', source: 'component' });
    expect(team({ fields: { components: [{ name: 'Payments' }] }, summary: 'Tidy up' }).source).toBe('none');
  });

  it('falls back to the issue type, then the summary prefix, then summary words', () => {
    expect(team({ issueType: 'Frontend Task' })).toEqual({ team: 'frontend', source: 'issue_type' });
    expect(team({ summary: '[BE] Rate limiter' })).toEqual({ team: 'backend', source: 'summary_prefix' });
    expect(team({ summary: 'Design: checkout icons' })).toEqual({ team: 'design', source: 'summary_prefix' });
    expect(team({ summary: 'QA - smoke run' })).toEqual({ team: 'qa', source: 'summary_prefix' });
    expect(team({ summary: 'Add the orders endpoint and database migration' })).toEqual({
      team: 'backend',
      source: 'summary_words',
    });
    expect(team({ summary: 'Deploy pipeline for the payments service' }).team).toBe('infrastructure');
  });

  it('leaves an issue with no clue unassigned', () => {
    expect(team({ summary: 'Think about it' })).toEqual({ team: UNASSIGNED_TEAM, source: 'none' });
  });
});

describe('estimateOf', () => {
  it('converts the original estimate at 8 hours a day before looking at story points', () => {
    expect(estimateOf({ originalEstimateSeconds: 3 * 8 * 3600, storyPoints: 13 })).toEqual({
      days: 3,
      source: 'original_estimate',
    });
    expect(estimateOf({ originalEstimateSeconds: 4 * 3600, storyPoints: null }).days).toBe(0.5);
  });

  it('uses story points, then the default', () => {
    expect(estimateOf({ originalEstimateSeconds: 0, storyPoints: 5 })).toEqual({
      days: 5,
      source: 'story_points',
    });
    expect(estimateOf({ originalEstimateSeconds: null, storyPoints: null })).toEqual({
      days: DEFAULT_ESTIMATE_DAYS,
      source: 'default',
    });
  });
});

describe('buildEpicTasks', () => {
  const blocks = (blocker: string, blocked: string) => ({ id: `${blocker}>${blocked}`, blocker, blocked });

  it('keeps open blockers as dependencies and drops those that are done or committed', () => {
    const children = [
      issue('P-2', { statusCategory: 'done', status: 'Done' }),
      issue('P-3', { sprintIds: [7] }),
      issue('P-4', {
        blocks: [blocks('P-2', 'P-4'), blocks('P-3', 'P-4'), blocks('P-5', 'P-4'), blocks('P-4', 'P-6')],
      }),
      issue('P-5'),
      issue('P-6', { blocks: [blocks('X-1', 'P-6'), blocks('X-2', 'P-6'), blocks('P-4', 'P-6')] }),
    ];
    const out = buildEpicTasks(children, {
      activeSprints: new Map([[7, 'Sprint 7']]),
      doneOutside: new Set(['X-1']),
    });
    expect(out.tasks.map((t) => [t.key, t.depends_on])).toEqual([
      ['P-4', ['P-5']],
      ['P-5', []],
      ['P-6', ['P-4', 'X-2']],
    ]);
    expect(out.skipped).toEqual([
      { key: 'P-2', reason: 'done (status Done)' },
      { key: 'P-3', reason: 'already in the active sprint "Sprint 7" (7)' },
    ]);
    expect(outsideBlockerKeys(children)).toEqual(['X-1', 'X-2']);
  });

  it('warns about guessed estimates and missing teams, naming the issues', () => {
    const out = buildEpicTasks([
      issue('P-2', { labels: ['backend'], storyPoints: 3 }),
      issue('P-3', { summary: 'Ponder' }),
    ]);
    expect(out.warnings).toHaveLength(2);
    expect(out.warnings[0]).toContain('P-3');
    expect(out.warnings[1]).toContain('team:backend');
    expect(out.tasks[1]).toMatchObject({ team: UNASSIGNED_TEAM, estimate_source: 'default' });
  });

  it("schedules the stories' sub-tasks as the units, with team and estimate from their own fields", () => {
    const sub = (key: string, parent: string, over: Partial<EpicIssue> = {}) =>
      issue(key, { parentKey: parent, issueType: 'Sub-task', ...over });
    const out = buildEpicTasks(
      [
        issue('P-2', { issueType: 'Story', summary: 'Guest checkout', storyPoints: 8 }),
        issue('P-3', { issueType: 'Story', summary: 'Saved cards', labels: ['team:frontend'] }),
        issue('P-4', { issueType: 'Task', labels: ['team:qa'], originalEstimateSeconds: 8 * 3600 }),
      ],
      {
        subtasks: [
          sub('P-10', 'P-2', {
            labels: ['augment-generated', 'team:backend'],
            originalEstimateSeconds: 3 * 28800,
          }),
          sub('P-11', 'P-2', {
            labels: ['augment-generated', 'team:frontend'],
            originalEstimateSeconds: 12 * 3600,
          }),
        ],
      },
    );
    expect(out.tasks.map((t) => [t.key, t.story_key, t.team, t.estimate_days, t.estimate_source])).toEqual([
      ['P-10', 'P-2', 'backend', 3, 'original_estimate'],
      ['P-11', 'P-2', 'frontend', 1.5, 'original_estimate'],
      ['P-3', null, 'frontend', 2, 'default'],
      ['P-4', null, 'qa', 1, 'original_estimate'],
    ]);
    // The story with sub-tasks is their span, not a unit of its own; its 8 points are not counted twice.
    expect(out.stories.map((st) => [st.key, st.tasks])).toEqual([
      ['P-2', ['P-10', 'P-11']],
      ['P-3', ['P-3']],
      ['P-4', ['P-4']],
    ]);
  });

  it('keeps every Blocks link between sub-tasks, across stories, and reads a story link as all its work', () => {
    const sub = (key: string, parent: string, links: [string, string][] = []) =>
      issue(key, { parentKey: parent, issueType: 'Sub-task', blocks: links.map(([a, b]) => blocks(a, b)) });
    const out = buildEpicTasks(
      [
        issue('P-2', { issueType: 'Story' }),
        issue('P-3', { issueType: 'Story', blocks: [blocks('P-2', 'P-3'), blocks('P-3', 'P-31')] }),
        issue('P-4', { issueType: 'Task', blocks: [blocks('P-3', 'P-4')] }),
      ],
      {
        subtasks: [
          // P-2: P-20 -> P-21, P-20 -> P-22 (first P-20, last P-21 and P-22)
          sub('P-20', 'P-2', [
            ['P-20', 'P-21'],
            ['P-20', 'P-22'],
          ]),
          sub('P-21', 'P-2', [['P-20', 'P-21']]),
          sub('P-22', 'P-2', [
            ['P-20', 'P-22'],
            ['P-22', 'P-31'],
          ]),
          // P-3: P-30 -> P-31 (first P-30, last P-31); P-22 of the other story blocks P-31.
          sub('P-30', 'P-3', [['P-30', 'P-31']]),
          sub('P-31', 'P-3', [
            ['P-30', 'P-31'],
            ['P-22', 'P-31'],
          ]),
        ],
      },
    );
    const deps = Object.fromEntries(out.tasks.map((t) => [t.key, [...t.depends_on].sort()]));
    expect(deps).toEqual({
      'P-20': [],
      'P-21': ['P-20'],
      'P-22': ['P-20'],
      // "P-2 blocks P-3": P-3's first sub-task waits for P-2's last ones.
      'P-30': ['P-21', 'P-22'],
      'P-31': ['P-22', 'P-30'],
      // "P-3 blocks P-4": the task waits for P-3's last sub-task.
      'P-4': ['P-31'],
    });
  });

  it("skips done sub-tasks, a story whose sub-tasks are all done, and a committed story's sub-tasks", () => {
    const sub = (key: string, parent: string, over: Partial<EpicIssue> = {}) =>
      issue(key, { parentKey: parent, issueType: 'Sub-task', ...over });
    const out = buildEpicTasks(
      [
        issue('P-2', { issueType: 'Story' }),
        issue('P-3', { issueType: 'Story' }),
        issue('P-4', { issueType: 'Story', sprintIds: [7] }),
      ],
      {
        activeSprints: new Map([[7, 'Sprint 7']]),
        subtasks: [
          sub('P-20', 'P-2', { statusCategory: 'done', status: 'Done' }),
          sub('P-21', 'P-2', { blocks: [blocks('P-20', 'P-21'), blocks('P-40', 'P-21')] }),
          sub('P-30', 'P-3', { statusCategory: 'done', status: 'Done' }),
          sub('P-40', 'P-4', { sprintIds: [7] }),
        ],
      },
    );
    expect(out.tasks.map((t) => [t.key, t.depends_on])).toEqual([['P-21', []]]);
    expect(out.skipped).toEqual([
      { key: 'P-20', reason: 'done (status Done)' },
      { key: 'P-30', reason: 'done (status Done)' },
      { key: 'P-3', reason: 'every sub-task is done or in the active sprint' },
      { key: 'P-4', reason: 'already in the active sprint "Sprint 7" (7)' },
    ]);
  });

  it('skips epics and duplicate children', () => {
    const out = buildEpicTasks([issue('P-2'), issue('P-2'), issue('P-3', { issueType: 'Epic' })]);
    expect(out.tasks.map((t) => t.key)).toEqual(['P-2']);
    expect(out.skipped).toEqual([{ key: 'P-3', reason: 'is an epic' }]);
  });
});
