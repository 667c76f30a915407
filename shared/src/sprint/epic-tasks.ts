/**
 * Turns an epic's Jira issues into planner tasks: which issues are the units of work, which team does
 * each, how many days it takes, and which must finish first. Pure (no Jira calls), so every rule is
 * unit-tested.
 *
 * Units: the sub-tasks of the epic's children (the tasks `/plan/tasks/create` makes under each story),
 * and each child without sub-tasks (a task directly under the epic, or a story not broken down yet).
 * A child with sub-tasks is not scheduled itself: it shows in the result as the span of its sub-tasks.
 *
 * Dependencies: every "Blocks" link between units, within a story or across stories. A link that names
 * a story with sub-tasks stands for all of its work: its blocker side is the story's last sub-tasks (those
 * no other of its sub-tasks waits for), its blocked side the story's first ones.
 *
 * Team rule, first match wins:
 *  1. a label `team:<name>` (also `team-<name>`, `team_<name>`);
 *  2. a label that names a role (`backend`, `frontend`, `qa`, `infrastructure`, `data`, `design`,
 *     or a common alias such as `be`, `fe`, `infra`, `devops`, `ux`);
 *  3. a component named like rule 1 or 2 (product-area components such as "Payments" are ignored);
 *  4. an issue type that names a role ("Backend Task", "QA Task", "Test");
 *  5. a summary prefix: `[Backend] ...`, `(FE) ...`, `Backend: ...`, `QA - ...`;
 *  6. words of the summary (api, endpoint, database -> backend; page, button, css -> frontend; ...),
 *     the role with the most hits, ties in role order;
 *  7. otherwise the team `unassigned` (reported in `warnings`).
 * Role names are what team members' roles are called, so capacity from `/team-members` lines up.
 *
 * Estimate rule: Jira's original estimate (seconds, 8 hours a day), else story points (1 point = 1 day),
 * else DEFAULT_ESTIMATE_DAYS with `estimate_source: "default"` so the caller can see it was guessed.
 */

import { TEAM_ROLES, type TeamRoleName } from '../team/roles.js';

/**
 * The fields of a Jira issue these rules read (the runner's JiraIssue has them all), so the rules stay
 * pure and live beside the scheduler.
 */
export interface EpicIssue {
  key: string;
  summary: string;
  issueType: string;
  status: string;
  /** "new" | "indeterminate" | "done" */
  statusCategory: string | null;
  labels: string[];
  parentKey: string | null;
  storyPoints: number | null;
  originalEstimateSeconds: number | null;
  /** Blocks links touching this issue. */
  blocks: { blocker: string; blocked: string }[];
  sprintIds: number[];
  /** Every field as Jira returned it (components are read from here). */
  fields: Record<string, unknown>;
}

export const HOURS_PER_DAY = 8;
export const DAYS_PER_STORY_POINT = 1;
export const DEFAULT_ESTIMATE_DAYS = 2;
export const UNASSIGNED_TEAM = 'unassigned';

export type TeamSource = 'label' | 'component' | 'issue_type' | 'summary_prefix' | 'summary_words' | 'none';
export type EstimateSource = 'original_estimate' | 'story_points' | 'default';

/** One unit of work as the planner will see it, with where each value came from. */
export interface EpicTask {
  key: string;
  /** The epic's child this sub-task belongs to; null when the child is a unit itself. */
  story_key: string | null;
  summary: string;
  issue_type: string;
  status: string;
  team: string;
  team_source: TeamSource;
  estimate_days: number;
  estimate_source: EstimateSource;
  /** Keys of the issues that block this one and are still open. */
  depends_on: string[];
}

export interface SkippedIssue {
  key: string;
  reason: string;
}

/** A child of the epic that is planned: itself (no sub-tasks) or through its open sub-tasks. */
export interface EpicStory {
  key: string;
  summary: string;
  issue_type: string;
  status: string;
  /** Its units: its open sub-tasks, or its own key. */
  tasks: string[];
}

/** Aliases -> role. Keys are lower-case single tokens. */
const ROLE_ALIASES: Readonly<Record<string, TeamRoleName>> = {
  // Every role by its own name (the one team list), then the common aliases.
  ...Object.fromEntries(TEAM_ROLES.map((r) => [r, r])),
  'back-end': 'backend',
  be: 'backend',
  server: 'backend',
  api: 'backend',
  'front-end': 'frontend',
  fe: 'frontend',
  ui: 'frontend',
  web: 'frontend',
  test: 'qa',
  testing: 'qa',
  quality: 'qa',
  infra: 'infrastructure',
  devops: 'infrastructure',
  ops: 'infrastructure',
  platform: 'infrastructure',
  sre: 'infrastructure',
  analytics: 'data',
  ux: 'design',
  ios: 'mobile',
  android: 'mobile',
  app: 'mobile',
  'full-stack': 'fullstack',
};

/** Summary words per role (rule 6). Order matters for ties. */
const ROLE_WORDS: [string, string[]][] = [
  [
    'backend',
    [
      'api',
      'endpoint',
      'endpoints',
      'service',
      'services',
      'database',
      'db',
      'schema',
      'migration',
      'server',
      'backend',
      'webhook',
      'queue',
      'worker',
      'rest',
      'graphql',
      'sql',
      'persistence',
      'integration',
    ],
  ],
  [
    'frontend',
    [
      'ui',
      'page',
      'pages',
      'screen',
      'screens',
      'component',
      'components',
      'button',
      'form',
      'forms',
      'css',
      'frontend',
      'react',
      'layout',
      'modal',
      'view',
      'picker',
      'widget',
      'responsive',
      'styling',
    ],
  ],
  ['qa', ['test', 'tests', 'testing', 'qa', 'e2e', 'regression', 'automation', 'verify', 'validation']],
  [
    'infrastructure',
    [
      'deploy',
      'deployment',
      'pipeline',
      'ci',
      'cd',
      'terraform',
      'kubernetes',
      'k8s',
      'helm',
      'infra',
      'infrastructure',
      'monitoring',
      'alerting',
      'docker',
      'provision',
      'scaling',
    ],
  ],
  ['data', ['etl', 'analytics', 'warehouse', 'data', 'reporting', 'metrics', 'dataset', 'tracking']],
  ['design', ['design', 'mockup', 'mockups', 'wireframe', 'wireframes', 'ux', 'figma', 'prototype']],
];

const TEAM_LABEL = /^team[:_-](.+)$/i;

const normaliseTeam = (name: string): string => {
  const n = name.trim().toLowerCase();
  return ROLE_ALIASES[n] ?? n;
};

/** A label/component value that names a team (rule 1 or 2), or null. */
function teamFromTag(tag: string): string | null {
  const m = TEAM_LABEL.exec(tag.trim());
  if (m?.[1]?.trim()) return normaliseTeam(m[1]);
  return ROLE_ALIASES[tag.trim().toLowerCase()] ?? null;
}

const words = (text: string): string[] =>
  text
    .toLowerCase()
    .split(/[^a-z0-9-]+/)
    .filter(Boolean);

function componentNames(fields: Record<string, unknown>): string[] {
  const raw = fields.components;
  if (!Array.isArray(raw)) return [];
  return raw
    .map((c) => (c && typeof c === 'object' ? (c as { name?: unknown }).name : undefined))
    .filter((n): n is string => typeof n === 'string');
}

const PREFIX = /^\s*(?:\[([^\]]{1,30})\]|\(([^)]{1,30})\)|([A-Za-z][A-Za-z-]{0,29})\s*(?::|\s-\s|\s–\s))/;

/** The team of an issue and which rule found it (see the module comment for the order). */
export function detectTeam(issue: Pick<EpicIssue, 'labels' | 'summary' | 'issueType' | 'fields'>): {
  team: string;
  source: TeamSource;
} {
  // Rule 1 before rule 2 across all labels: an explicit team label beats a role-like label.
  for (const label of issue.labels) {
    const m = TEAM_LABEL.exec(label.trim());
    if (m?.[1]?.trim()) return { team: normaliseTeam(m[1]), source: 'label' };
  }
  for (const label of issue.labels) {
    const t = teamFromTag(label);
    if (t) return { team: t, source: 'label' };
  }
  for (const name of componentNames(issue.fields)) {
    const t = teamFromTag(name);
    if (t) return { team: t, source: 'component' };
  }
  for (const w of words(issue.issueType)) {
    const t = ROLE_ALIASES[w];
    if (t && w !== 'api' && w !== 'server') return { team: t, source: 'issue_type' };
  }
  const prefix = PREFIX.exec(issue.summary);
  const tag = prefix?.[1] ?? prefix?.[2] ?? prefix?.[3];
  if (tag) {
    const t = teamFromTag(tag);
    if (t) return { team: t, source: 'summary_prefix' };
  }
  const summaryWords = words(issue.summary);
  let best: string | null = null;
  let bestHits = 0;
  for (const [role, vocabulary] of ROLE_WORDS) {
    const hits = summaryWords.filter((w) => vocabulary.includes(w)).length;
    if (hits > bestHits) {
      best = role;
      bestHits = hits;
    }
  }
  if (best) return { team: best, source: 'summary_words' };
  return { team: UNASSIGNED_TEAM, source: 'none' };
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** Days of work of an issue and where the figure came from. */
export function estimateOf(issue: Pick<EpicIssue, 'originalEstimateSeconds' | 'storyPoints'>): {
  days: number;
  source: EstimateSource;
} {
  const seconds = issue.originalEstimateSeconds;
  if (seconds !== null && seconds > 0) {
    return { days: round2(seconds / 3600 / HOURS_PER_DAY), source: 'original_estimate' };
  }
  const points = issue.storyPoints;
  if (points !== null && points > 0)
    return { days: round2(points * DAYS_PER_STORY_POINT), source: 'story_points' };
  return { days: DEFAULT_ESTIMATE_DAYS, source: 'default' };
}

export interface EpicTasksOptions {
  /** Sub-tasks of the children (any order); each belongs to its `parentKey`. */
  subtasks?: readonly EpicIssue[];
  /** The board's active sprints (id -> name): issues in one are committed work and are not re-planned. */
  activeSprints?: ReadonlyMap<number, string>;
  /** Keys of blockers outside the epic that are done (their links no longer hold anything up). */
  doneOutside?: ReadonlySet<string>;
}

export interface EpicTasks {
  tasks: EpicTask[];
  stories: EpicStory[];
  skipped: SkippedIssue[];
  warnings: string[];
}

/**
 * Planner tasks from the epic's children and their sub-tasks. Done issues and issues in an active sprint
 * are skipped (with the reason) and count as finished blockers, and so do the sub-tasks of such a child.
 * A blocker outside the epic that is not known to be done stays a dependency: the planner then reports
 * the blocked task as unscheduled, naming the blocker.
 */
export function buildEpicTasks(children: readonly EpicIssue[], opts: EpicTasksOptions = {}): EpicTasks {
  const active = opts.activeSprints ?? new Map<number, string>();
  const doneOutside = opts.doneOutside ?? new Set<string>();
  const closedReason = (issue: EpicIssue): string | null => {
    if (issue.statusCategory === 'done') return `done (status ${issue.status || 'done'})`;
    const activeId = issue.sprintIds.find((id) => active.has(id));
    if (activeId !== undefined) return `already in the active sprint "${active.get(activeId)}" (${activeId})`;
    return null;
  };
  const subsOf = new Map<string, EpicIssue[]>();
  const seen = new Set<string>();
  for (const sub of opts.subtasks ?? []) {
    if (!sub.parentKey || seen.has(sub.key)) continue;
    seen.add(sub.key);
    subsOf.set(sub.parentKey, [...(subsOf.get(sub.parentKey) ?? []), sub]);
  }

  const skipped: SkippedIssue[] = [];
  const finished = new Set<string>();
  const units: { issue: EpicIssue; story: string | null }[] = [];
  const stories: EpicStory[] = [];
  const storyUnits = new Map<string, string[]>();
  const storyOf = new Map<string, string>();
  const all: EpicIssue[] = [];
  const seenChild = new Set<string>();
  for (const child of children) {
    if (seenChild.has(child.key)) continue;
    seenChild.add(child.key);
    const subs = subsOf.get(child.key) ?? [];
    all.push(child, ...subs);
    for (const sub of subs) storyOf.set(sub.key, child.key);
    if (child.issueType.toLowerCase() === 'epic') {
      skipped.push({ key: child.key, reason: 'is an epic' });
      continue;
    }
    const story = {
      key: child.key,
      summary: child.summary,
      issue_type: child.issueType,
      status: child.status,
    };
    const why = closedReason(child);
    if (why) {
      skipped.push({ key: child.key, reason: why });
      finished.add(child.key);
      for (const sub of subs) finished.add(sub.key);
      continue;
    }
    if (subs.length === 0) {
      units.push({ issue: child, story: null });
      stories.push({ ...story, tasks: [child.key] });
      continue;
    }
    const open: string[] = [];
    for (const sub of subs) {
      const subWhy = closedReason(sub);
      if (subWhy) {
        skipped.push({ key: sub.key, reason: subWhy });
        finished.add(sub.key);
      } else {
        units.push({ issue: sub, story: child.key });
        open.push(sub.key);
      }
    }
    if (open.length === 0) {
      skipped.push({ key: child.key, reason: 'every sub-task is done or in the active sprint' });
      finished.add(child.key);
      continue;
    }
    storyUnits.set(child.key, open);
    stories.push({ ...story, tasks: open });
  }

  // Every Blocks link once (Jira shows a link on both of its issues), in the order first seen.
  const links = new Map<string, { blocker: string; blocked: string }>();
  for (const issue of all) {
    for (const link of issue.blocks) {
      if (link.blocker === link.blocked) continue;
      const id = `${link.blocker}>${link.blocked}`;
      if (!links.has(id)) links.set(id, { blocker: link.blocker, blocked: link.blocked });
    }
  }
  // A story's first and last units, from the links among its own sub-tasks.
  const hasBlocker = new Set<string>();
  const hasDependent = new Set<string>();
  for (const { blocker, blocked } of links.values()) {
    const s = storyOf.get(blocker);
    if (s !== undefined && s === storyOf.get(blocked) && storyUnits.has(s)) {
      hasDependent.add(blocker);
      hasBlocker.add(blocked);
    }
  }
  const unitKeys = new Set(units.map((u) => u.issue.key));
  const firstUnits = (story: string) => storyUnits.get(story)!.filter((k) => !hasBlocker.has(k));
  const lastUnits = (story: string) => storyUnits.get(story)!.filter((k) => !hasDependent.has(k));
  const dependsOn = new Map<string, Set<string>>();
  for (const { blocker, blocked } of links.values()) {
    // A link between a story and its own sub-task says nothing the hierarchy does not.
    if (storyOf.get(blocked) === blocker || storyOf.get(blocker) === blocked) continue;
    const targets = unitKeys.has(blocked) ? [blocked] : storyUnits.has(blocked) ? firstUnits(blocked) : [];
    if (targets.length === 0) continue;
    if (finished.has(blocker) || doneOutside.has(blocker)) continue;
    // An epic or an issue outside the epic that is still open stays a dependency the plan reports.
    const sources = storyUnits.has(blocker) ? lastUnits(blocker) : [blocker];
    for (const target of targets) {
      const deps = dependsOn.get(target) ?? new Set<string>();
      for (const source of sources) if (source !== target) deps.add(source);
      dependsOn.set(target, deps);
    }
  }

  const tasks: EpicTask[] = units.map(({ issue, story }) => {
    const { team, source: teamSource } = detectTeam(issue);
    const { days, source: estimateSource } = estimateOf(issue);
    return {
      key: issue.key,
      story_key: story,
      summary: issue.summary,
      issue_type: issue.issueType,
      status: issue.status,
      team,
      team_source: teamSource,
      estimate_days: days,
      estimate_source: estimateSource,
      depends_on: [...(dependsOn.get(issue.key) ?? [])],
    };
  });

  const warnings: string[] = [];
  const guessed = tasks.filter((t) => t.estimate_source === 'default').map((t) => t.key);
  if (guessed.length > 0) {
    warnings.push(
      `${guessed.length} issue(s) have no original estimate or story points; assumed ${DEFAULT_ESTIMATE_DAYS} days each: ${guessed.join(', ')}`,
    );
  }
  const teamless = tasks.filter((t) => t.team_source === 'none').map((t) => t.key);
  if (teamless.length > 0) {
    warnings.push(
      `${teamless.length} issue(s) have no team; add a label such as team:backend: ${teamless.join(', ')}`,
    );
  }
  return { tasks, stories, skipped, warnings };
}

/** Keys of issues outside `issues` that block one of them: whether they are done decides what waits. */
export function outsideBlockerKeys(issues: readonly EpicIssue[]): string[] {
  const keys = new Set(issues.map((c) => c.key));
  const out = new Set<string>();
  for (const c of issues) {
    for (const link of c.blocks) if (link.blocked === c.key && !keys.has(link.blocker)) out.add(link.blocker);
  }
  return [...out];
}
