import { partOf } from './render-timeline-html.js';
import type { SprintPlan, SprintPlanInput, TimelineEntry } from './schemas.js';
import { workingDaysBetween } from './working-days.js';

const WEEKDAY = ['Su', 'Mo', 'Tu', 'We', 'Th', 'Fr', 'Sa'];
const SUMMARY_WIDTH = 48;

/**
 * Renders a plan as a plain-text Gantt chart for terminals: a header with the totals, then one block
 * per sprint with each team's use of its capacity and one row per task, whose bar covers the sprint's
 * working days (two characters per day: `##` working, `..` idle, `||` a zero-length milestone). Tasks
 * on the critical path are marked `*`; a task split over sprints has a row in each, with its part.
 * Unscheduled and flagged tasks are listed at the end.
 */
export function renderTextGantt(plan: SprintPlan, input: SprintPlanInput): string {
  const byKey = new Map(input.tasks.map((task) => [task.key, task]));
  const critical = new Set(plan.critical_path);
  const bySprint = new Map<number, TimelineEntry[]>();
  for (const entry of plan.timeline) {
    const list = bySprint.get(entry.sprint_number);
    if (list) list.push(entry);
    else bySprint.set(entry.sprint_number, [entry]);
  }
  let keyWidth = 3;
  let teamWidth = 4;
  for (const e of plan.timeline) {
    keyWidth = Math.max(keyWidth, e.key.length);
    teamWidth = Math.max(teamWidth, e.team.length);
  }
  keyWidth = Math.min(24, keyWidth);
  teamWidth = Math.min(16, teamWidth);
  const s = plan.summary;

  const lines: string[] = [];
  lines.push(
    `${plan.epic_key}: ${s.sprints_used} sprint${s.sprints_used === 1 ? '' : 's'} ` +
      `(lower bound ${plan.lower_bound_sprints}), ${s.scheduled_tasks} of ${s.total_tasks} tasks scheduled, ` +
      `${s.scheduled_estimate_days} of ${s.total_estimate_days} days of work`,
  );
  lines.push(
    `From ${s.start_date} to ${s.end_date ?? '-'}, overall utilisation ${percent(s.overall_utilisation)}`,
  );
  if (plan.critical_path.length > 0) {
    lines.push(`Critical path (${s.critical_path_days} days): ${plan.critical_path.join(' -> ')}`);
  }

  for (const sprint of plan.sprints) {
    const days = workingDaysBetween(sprint.start_date, sprint.end_date);
    lines.push('');
    lines.push(
      `== ${sprint.name}  ${sprint.start_date} .. ${sprint.end_date}  (${sprint.working_days} working days) ==`,
    );
    const teams = Object.keys(sprint.capacity).filter((team) => (sprint.used[team] ?? 0) > 0);
    if (teams.length > 0) {
      lines.push(
        '   ' +
          teams
            .map(
              (team) =>
                `${team} ${sprint.used[team]}/${sprint.capacity[team]} days (${percent(sprint.utilisation[team] ?? 0)})`,
            )
            .join(', '),
      );
    }
    const entries = bySprint.get(sprint.number) ?? [];
    if (entries.length === 0) {
      lines.push('   (no tasks)');
      continue;
    }
    const header = days.map((d) => WEEKDAY[new Date(`${d}T00:00:00Z`).getUTCDay()]).join('');
    lines.push(`   ${pad('', 2)}${pad('key', keyWidth)} ${pad('team', teamWidth)} |${header}| dates`);
    for (const entry of entries) {
      const task = byKey.get(entry.key);
      const mark = critical.has(entry.key) ? '* ' : '  ';
      const bar = days.map((_, d) => cell(entry, d, days.length - 1)).join('');
      const dates = entry.start === entry.end ? entry.start : `${entry.start}..${entry.end}`;
      const part = partOf(entry, task?.estimate_days);
      const est = part ? ` ${part}` : task ? ` ${task.estimate_days}d` : '';
      const summary = task?.summary ? `  ${truncate(oneLine(task.summary), SUMMARY_WIDTH)}` : '';
      lines.push(
        `   ${mark}${pad(entry.key, keyWidth)} ${pad(entry.team, teamWidth)} |${bar}| ${dates}${est}${summary}`,
      );
    }
  }

  if (plan.unscheduled.length > 0) {
    lines.push('');
    lines.push(`Unscheduled (${plan.unscheduled.length}):`);
    for (const u of plan.unscheduled) lines.push(`   ${pad(u.key, keyWidth)} ${u.reason}`);
  }
  if (plan.flags.length > 0) {
    lines.push('');
    lines.push(`Flags (${plan.flags.length}):`);
    for (const f of plan.flags) lines.push(`   ${pad(f.key, keyWidth)} ${f.reason}`);
  }
  return `${lines.join('\n')}\n`;
}

function cell(entry: TimelineEntry, day: number, lastDay: number): string {
  if (entry.end_offset === entry.start_offset) {
    return Math.min(Math.floor(entry.start_offset), lastDay) === day ? '||' : '..';
  }
  return entry.start_offset < day + 1 && entry.end_offset > day ? '##' : '..';
}

function percent(x: number): string {
  return `${Math.round(x * 100)}%`;
}

function pad(text: string, width: number): string {
  const t = truncate(text, width);
  return t + ' '.repeat(Math.max(0, width - t.length));
}

function truncate(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}~`;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
