/**
 * Cycle-time estimate of a ticket per team, explained by the complexity signals found in it. It is
 * computed from the same task breakdown as team-based task generation, so the two always agree.
 */
import type { ComplexityLevel, ComplexitySignal, StoryLike } from './analyze-story.js';
import { analyzeStory } from './analyze-story.js';
import { generateTeamTasks } from './generate-team-tasks.js';
import { TEAM_ORDER, type Team, type TeamTask } from './schemas.js';

export interface TeamEstimate {
  team: Team;
  /** Sum of the team's task estimates. */
  effort_days: number;
  tasks: number;
  /** The multiplier applied to the team's base estimates. */
  factor: number;
  task_summaries: string[];
}

export interface TicketEstimate {
  ticket_key?: string;
  total_effort_days: number;
  /** Longest chain of dependent tasks: elapsed time when each team works its tasks in parallel. */
  cycle_time_days: number;
  complexity: ComplexityLevel;
  factor: number;
  per_team: TeamEstimate[];
  signals: ComplexitySignal[];
  /** Human-readable reasons, one per complexity signal (or one saying none was found). */
  reasons: string[];
}

/**
 * Estimates a ticket per team. Equal to summing the tasks `generateTeamTasks` would produce for it
 * (splitting changes the number of tasks, never the total).
 */
export function estimateTicket(ticket: StoryLike): TicketEstimate {
  const analysis = analyzeStory(ticket);
  const plan = generateTeamTasks(ticket, { include_tests: false, max_task_cycle_days: 30 });
  const perTeam: TeamEstimate[] = [];
  for (const team of TEAM_ORDER) {
    const tasks = plan.tasks.filter((t) => t.team === team);
    if (tasks.length === 0) continue;
    perTeam.push({
      team,
      effort_days: sum(tasks.map((t) => t.estimate_days)),
      tasks: tasks.length,
      factor: analysis.complexity.team_factor[team],
      task_summaries: tasks.map((t) => t.summary),
    });
  }
  const reasons =
    analysis.complexity.signals.length === 0
      ? ['No complexity signals found: a plain story with few criteria, entities and no external systems']
      : analysis.complexity.signals.map(
          (s) => `${s.detail} (+${Math.round(s.weight * 100)}% effort for ${s.teams.join(', ')})`,
        );
  const est: TicketEstimate = {
    total_effort_days: sum(perTeam.map((t) => t.effort_days)),
    cycle_time_days: longestPath(plan.tasks),
    complexity: analysis.complexity.level,
    factor: analysis.complexity.factor,
    per_team: perTeam,
    signals: analysis.complexity.signals,
    reasons,
  };
  if (ticket.key) est.ticket_key = ticket.key;
  return est;
}

function sum(xs: readonly number[]): number {
  return Math.round(xs.reduce((a, b) => a + b, 0) * 100) / 100;
}

/** Length in days of the heaviest dependency chain (tasks are a DAG by construction). */
export function longestPath(tasks: readonly TeamTask[]): number {
  const byId = new Map(tasks.map((t) => [t.id, t] as const));
  const memo = new Map<string, number>();
  const visit = (id: string, depth: number): number => {
    const known = memo.get(id);
    if (known !== undefined) return known;
    const t = byId.get(id);
    if (!t || depth > tasks.length) return 0;
    let before = 0;
    for (const d of t.depends_on_tasks) before = Math.max(before, visit(d, depth + 1));
    const total = before + t.estimate_days;
    memo.set(id, total);
    return total;
  };
  let best = 0;
  for (const t of tasks) best = Math.max(best, visit(t.id, 0));
  return Math.round(best * 100) / 100;
}
