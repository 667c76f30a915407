/**
 * Epic-wide work that an epic's non-functional requirements ask for (an audit trail, a security review, a
 * load test, a localisation pass): planned once per epic, under the first story that needs it, and
 * linked to every story it serves, instead of being repeated in each story.
 */
import type { CoverageLevel } from '../api/requests.js';
import { areaScores } from './generate-team-tasks.js';
import { generateTestCases } from './generate-test-cases.js';
import type { ProductProfile } from './product-profile.js';
import type { Story, Team, TeamTask } from './schemas.js';
import { capitalize, contentTokens, roundHalfDay, splitSentences, truncate } from './text.js';
import {
  CROSS_CUTTING,
  type CrossCuttingId,
  type CrossCuttingKind,
  EPIC_REQUIREMENT,
  type WorkArea,
} from './work-rules.js';

export interface CrossCuttingWork {
  kind: CrossCuttingKind;
  /** Tells apart two items of one kind (two requirements no other kind names). */
  part?: number;
  /** The requirement lines (or story criteria) that ask for it. */
  lines: string[];
  /** Keys of the stories it serves, in plan order. */
  stories: string[];
}

const storyText = (s: Story) => [s.title, s.description, ...s.acceptance_criteria].join('\n');

/**
 * The epic-wide work of an epic: one item per kind that a requirement line names (a line counts for the
 * first kind it matches), plus the kinds whose criteria appear in two or more stories (an audit entry
 * in every story is one audit trail).
 */
export function findCrossCutting(
  constraints: readonly string[],
  stories: readonly Story[],
): CrossCuttingWork[] {
  const lines = new Map<CrossCuttingId, string[]>();
  for (const line of constraints) {
    const kind = CROSS_CUTTING.find((k) => k.trigger.test(line));
    if (kind) lines.set(kind.id, [...(lines.get(kind.id) ?? []), line]);
  }
  for (const kind of CROSS_CUTTING) {
    if (lines.has(kind.id) || !kind.covers_criterion) continue;
    const asking = stories.filter((s) => s.acceptance_criteria.some((c) => kind.covers_criterion!.test(c)));
    if (asking.length >= 2)
      lines.set(
        kind.id,
        asking.map((s) => s.acceptance_criteria.find((c) => kind.covers_criterion!.test(c))!),
      );
  }
  const out: CrossCuttingWork[] = [];
  for (const kind of CROSS_CUTTING) {
    const found = lines.get(kind.id);
    if (!found) continue;
    const keys = stories.map((s) => s.key!).filter(Boolean);
    const needing = stories.filter(
      (s) =>
        kind.story_cue.test(storyText(s)) ||
        (kind.covers_criterion && s.acceptance_criteria.some((c) => kind.covers_criterion!.test(c))),
    );
    // A requirement that names a part of the product ("checkout stays under 800 ms") serves the stories
    // about that part: words of the requirement that few stories share.
    const named = distinctiveWords(found, stories);
    const about = stories.filter((s) => contentTokens(storyText(s)).some((t) => named.has(t)));
    // "for all stories", "every balance change": the requirement says itself that it spans the epic.
    const everywhere = found.some((l) => /\b(?:all|every|each|any)\b/i.test(l));
    const served = everywhere ? [] : needing.length > 0 ? needing : about;
    out.push({ kind, lines: found, stories: served.length > 0 ? served.map((s) => s.key!) : keys });
  }
  return out;
}

/**
 * The epic's requirements that neither an item of epic-wide work nor any story's own task carries: each
 * becomes one task of its own (a team from what it is about), so that no requirement is silently dropped.
 */
export function unplacedRequirements(
  constraints: readonly string[],
  planned: readonly CrossCuttingWork[],
  tasks: readonly TeamTask[],
  stories: readonly Story[],
  product: ProductProfile,
): CrossCuttingWork[] {
  const taken = new Set(planned.flatMap((w) => w.lines));
  const carried = tasks.filter((t) => t.team !== 'qa').map((t) => t.description);
  const keys = stories.map((s) => s.key!).filter(Boolean);
  const out: CrossCuttingWork[] = [];
  for (const line of new Set(constraints)) {
    if (taken.has(line) || carried.some((d) => d.includes(line))) continue;
    // A line that states no rule ("Platform: web and iOS") is context, not work.
    if (
      !/\b(?:must|should|shall|never|always|only|all|every|each|keep|within|under|below|at least|at most|no)\b|[<>≤≥]/i.test(
        line,
      )
    )
      continue;
    const named = distinctiveWords([line], stories);
    const about = stories.filter((s) => contentTokens(storyText(s)).some((t) => named.has(t)));
    const everywhere = /\b(?:all|every|each|any)\b/i.test(line);
    const kind: CrossCuttingKind = {
      ...EPIC_REQUIREMENT,
      scope: [...EPIC_REQUIREMENT.scope],
      done_when: [...EPIC_REQUIREMENT.done_when],
      team: requirementTeam(line, product),
      relation: EPIC_REQUIREMENT.measured.test(line) ? 'verifies' : 'builds',
      trigger: /$^/,
      story_cue: /$^/,
    };
    out.push({
      kind,
      lines: [line],
      stories: !everywhere && about.length > 0 ? about.map((s) => s.key!) : keys,
      part: out.length + 1,
    });
  }
  return out;
}

/** The team a requirement line is for: what it is about, or QA for a budget measured on the whole. */
function requirementTeam(line: string, product: ProductProfile): Team {
  const scores = [...areaScores(line).entries()].sort((a, b) => b[1] - a[1]);
  const area: WorkArea | undefined = scores[0]?.[0];
  if (!area) return EPIC_REQUIREMENT.measured.test(line) ? 'qa' : 'backend';
  const teams: Record<WorkArea, Team> = {
    server: 'backend',
    ui: product.no_ui ? 'backend' : product.mobile_app && !product.web ? 'mobile' : 'frontend',
    data: 'data',
    infra: 'infrastructure',
    design: product.no_ui ? 'backend' : 'design',
  };
  return teams[area];
}

/** Words of the requirement lines found in at least one story but in at most a third of them. */
function distinctiveWords(lines: readonly string[], stories: readonly Story[]): Set<string> {
  const bags = stories.map((s) => new Set(contentTokens(storyText(s))));
  const out = new Set<string>();
  for (const t of new Set(contentTokens(lines.join(' ')))) {
    const n = bags.filter((b) => b.has(t)).length;
    if (n > 0 && n * 3 <= stories.length) out.add(t);
  }
  return out;
}

/** The sentence of a requirement line that names the work ("... checked once in the data-contract review"). */
function clause(kind: CrossCuttingKind, line: string): string {
  const label = /^([^:]{2,40}):\s+/.exec(line);
  const body = label ? line.slice(label[0].length) : line;
  // "Audit log: every write action records ...": the label names the work, the first sentence says it.
  const sentences = splitSentences(body);
  const sentence =
    (label && kind.trigger.test(label[1]!) ? sentences[0] : sentences.find((s) => kind.trigger.test(s))) ??
    body;
  return sentence.replace(/[.;]+$/, '');
}

/** The task of one item of epic-wide work, under its first story, blocking the QA of every story it serves. */
export function crossCuttingTask(
  work: CrossCuttingWork,
  opts: { team_factor?: Partial<Record<Team, number>>; coverage_level?: CoverageLevel } = {},
): TeamTask {
  const first = work.stories[0]!;
  const clauses = [...new Set(work.lines.map((l) => clause(work.kind, l)))];
  const summary = truncate(
    `${work.kind.label}: ${clauses.map((c, i) => (i === 0 ? c : c.replace(/^[A-Z]/, (x) => x.toLowerCase()))).join('; ')}`,
    250,
  );
  const description = [
    `Epic-wide work, planned once for the ${work.stories.length} stories that need it: ${work.stories.join(', ')}.`,
    '',
    '**Requirement**',
    ...work.lines.map((l) => `- ${l}`),
    '',
    '**Scope**',
    ...work.kind.scope.map((s) => `- ${s}`),
    '',
    '**Done when**',
    ...work.kind.done_when.map((s) => `- ${s}`),
  ].join('\n');
  const task: TeamTask = {
    id: `${first}-${work.kind.team}-${work.kind.id.replace(/_/g, '-')}${work.part ? `-${work.part}` : ''}`,
    summary: capitalize(summary),
    description,
    team: work.kind.team,
    estimate_days: roundHalfDay(work.kind.days * (opts.team_factor?.[work.kind.team] ?? 1)),
    depends_on_tasks: [],
    blocked_by_teams: [],
    test_cases: [],
    covers_criteria: work.lines.filter(
      (l) => !work.kind.trigger.test(l) || work.kind.covers_criterion?.test(l),
    ),
    story_key: first,
    serves_stories: work.stories,
  };
  // Its cases check the requirement itself, on the build that ships.
  if (opts.coverage_level)
    task.test_cases = generateTestCases(
      {
        title: task.summary,
        description: work.kind.scope.join('\n'),
        acceptance_criteria: work.lines,
        team: task.team,
      },
      { coverage_level: opts.coverage_level, epic_wide: true, subject: work.kind.label },
    );
  return task;
}

/**
 * Links an item of epic-wide work to the QA of the stories it serves, in place: what it builds (an audit
 * trail) blocks their QA; what it verifies (a load test, a security review) waits for it.
 */
export function linkCrossCutting(work: CrossCuttingWork, task: TeamTask, tasks: readonly TeamTask[]): void {
  const qa = tasks.filter(
    (t) => t.team === 'qa' && !t.serves_stories && t.story_key && work.stories.includes(t.story_key),
  );
  for (const t of qa) {
    if (work.kind.relation === 'builds') {
      if (!t.depends_on_tasks.includes(task.id)) t.depends_on_tasks.push(task.id);
    } else if (!task.depends_on_tasks.includes(t.id)) task.depends_on_tasks.push(t.id);
  }
}
