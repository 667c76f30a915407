import type { SprintPlan, SprintPlanInput, TimelineEntry } from './schemas.js';
import { workingDaysBetween } from './working-days.js';

const WEEKDAY = ['Su', 'Mo', 'Tu', 'We', 'Th', 'Fr', 'Sa'];

const STYLE = `
*{box-sizing:border-box}
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px;color:#172b4d;background:#fff}
h1{font-size:22px;margin:0 0 4px}
h2{font-size:17px;margin:28px 0 6px}
h2 small{font-weight:normal;color:#5e6c84;margin-left:8px}
.totals{color:#44546f;margin:0 0 6px}
.path{color:#44546f;margin:0 0 16px;word-break:break-word}
table{border-collapse:collapse;width:100%}
th,td{padding:3px 6px;text-align:left;vertical-align:middle;border-bottom:1px solid #ebecf0}
th{font-weight:600;color:#5e6c84;font-size:12px}
.overview td.num{text-align:right;font-variant-numeric:tabular-nums}
.meter{display:inline-block;width:120px;height:10px;background:#ebecf0;border-radius:5px;overflow:hidden;vertical-align:middle}
.meter span{display:block;height:100%;background:#36b37e}
.meter.over span{background:#de350b}
.util{display:flex;flex-wrap:wrap;gap:6px 18px;margin:0 0 8px;font-size:12px;color:#44546f}
.gantt td.key{white-space:nowrap;font-weight:600}
.gantt td.team{white-space:nowrap;color:#5e6c84}
.gantt td.sum{color:#44546f;max-width:320px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.gantt td.track{width:45%;min-width:240px}
.track-box{position:relative;height:16px;background:repeating-linear-gradient(90deg,#f4f5f7 0,#f4f5f7 calc(var(--day) - 1px),#dfe1e6 calc(var(--day) - 1px),#dfe1e6 var(--day))}
.bar{position:absolute;top:2px;bottom:2px;border-radius:3px;min-width:3px}
.critical td.key::after{content:" \\2605";color:#de350b}
.days{display:flex;font-size:10px;color:#6b778c}
.days span{flex:1;text-align:center}
.issues td.key{white-space:nowrap;font-weight:600}
.legend{font-size:12px;color:#5e6c84;margin:8px 0}
`;

const PALETTE = ['#0065ff', '#00a3bf', '#6554c0', '#ff8b00', '#36b37e', '#de350b', '#172b4d', '#998dd9'];

/**
 * Renders a plan as one self-contained HTML page (inline CSS, no scripts, no external assets): totals
 * and the critical path, an overview table of sprints with per-team utilisation meters, then per sprint
 * a timeline of task bars positioned over its working days, and the unscheduled and flagged tasks.
 * All text from the plan or the input is HTML-escaped.
 */
export function renderTimelineHtml(plan: SprintPlan, input: SprintPlanInput): string {
  const byKey = new Map(input.tasks.map((task) => [task.key, task]));
  const critical = new Set(plan.critical_path);
  const teams = Object.keys(plan.summary.teams);
  const color = new Map(teams.map((team, i) => [team, PALETTE[i % PALETTE.length]!]));
  const bySprint = new Map<number, TimelineEntry[]>();
  for (const entry of plan.timeline) {
    const list = bySprint.get(entry.sprint_number);
    if (list) list.push(entry);
    else bySprint.set(entry.sprint_number, [entry]);
  }
  const s = plan.summary;
  const out: string[] = [];
  out.push(
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(plan.epic_key)} sprint timeline</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    `<h1>${esc(plan.epic_key)} sprint timeline</h1>`,
    `<p class="totals">${s.sprints_used} sprint${s.sprints_used === 1 ? '' : 's'} (lower bound ` +
      `${plan.lower_bound_sprints}) &middot; ${s.scheduled_tasks} of ${s.total_tasks} tasks scheduled &middot; ` +
      `${s.scheduled_estimate_days} of ${s.total_estimate_days} days of work &middot; ${esc(s.start_date)} to ` +
      `${esc(s.end_date ?? '-')} &middot; overall utilisation ${pct(s.overall_utilisation)}</p>`,
  );
  if (plan.critical_path.length > 0) {
    out.push(
      `<p class="path">Critical path (${s.critical_path_days} days, marked &#9733;): ` +
        `${plan.critical_path.map(esc).join(' &rarr; ')}</p>`,
    );
  }
  out.push(
    `<p class="legend">${teams
      .map((team) => `<span style="color:${color.get(team)}">&#9632;</span> ${esc(team)}`)
      .join(' &nbsp; ')}</p>`,
  );

  out.push('<h2>Sprints</h2>', '<table class="overview"><thead><tr><th>Sprint</th><th>Dates</th>');
  out.push('<th>Tasks</th>', ...teams.map((team) => `<th>${esc(team)}</th>`), '</tr></thead><tbody>');
  for (const sprint of plan.sprints) {
    out.push(
      `<tr><td>${esc(sprint.name)}</td><td>${esc(sprint.start_date)} &ndash; ${esc(sprint.end_date)}</td>` +
        `<td class="num">${sprint.tasks.length}</td>` +
        teams
          .map((team) => {
            const used = sprint.used[team] ?? 0;
            const cap = sprint.capacity[team] ?? 0;
            return `<td>${meter(sprint.utilisation[team] ?? 0)} ${used}/${cap}d</td>`;
          })
          .join('') +
        '</tr>',
    );
  }
  out.push('</tbody></table>');

  for (const sprint of plan.sprints) {
    const days = workingDaysBetween(sprint.start_date, sprint.end_date);
    const width = Math.max(1, days.length);
    out.push(
      `<h2>${esc(sprint.name)}<small>${esc(sprint.start_date)} &ndash; ${esc(sprint.end_date)}, ` +
        `${sprint.working_days} working days</small></h2>`,
    );
    const util = Object.keys(sprint.capacity)
      .filter((team) => (sprint.used[team] ?? 0) > 0)
      .map(
        (team) =>
          `<span>${esc(team)} ${meter(sprint.utilisation[team] ?? 0)} ` +
          `${sprint.used[team]}/${sprint.capacity[team]}d (${pct(sprint.utilisation[team] ?? 0)})</span>`,
      );
    if (util.length > 0) out.push(`<div class="util">${util.join('')}</div>`);
    const entries = bySprint.get(sprint.number) ?? [];
    out.push('<table class="gantt"><thead><tr><th>Key</th><th>Team</th><th>Summary</th><th>Dates</th>');
    out.push(
      `<th><div class="days">${days
        .map((d) => `<span title="${esc(d)}">${WEEKDAY[new Date(`${d}T00:00:00Z`).getUTCDay()]}</span>`)
        .join('')}</div></th></tr></thead><tbody>`,
    );
    for (const entry of entries) {
      const task = byKey.get(entry.key);
      const left = (entry.start_offset / width) * 100;
      const span = ((entry.end_offset - entry.start_offset) / width) * 100;
      const dates = entry.start === entry.end ? entry.start : `${entry.start} – ${entry.end}`;
      const part = partOf(entry, task?.estimate_days);
      const title = `${entry.key}: ${dates}${part ? `, ${part}` : task ? `, ${task.estimate_days} days` : ''}`;
      const key = part ? `${entry.key} (${entry.part}/${entry.parts})` : entry.key;
      out.push(
        `<tr${critical.has(entry.key) ? ' class="critical"' : ''}><td class="key">${esc(key)}</td>` +
          `<td class="team">${esc(entry.team)}</td><td class="sum">${esc(task?.summary ?? '')}</td>` +
          `<td>${esc(dates)}</td><td class="track"><div class="track-box" style="--day:${num(100 / width)}%">` +
          `<div class="bar" title="${esc(title)}" style="left:${num(left)}%;width:${num(span)}%;` +
          `background:${color.get(entry.team) ?? PALETTE[0]}"></div></div></td></tr>`,
      );
    }
    out.push('</tbody></table>');
  }

  if (plan.unscheduled.length > 0) {
    out.push(`<h2>Unscheduled (${plan.unscheduled.length})</h2>`, '<table class="issues"><tbody>');
    for (const u of plan.unscheduled) {
      out.push(`<tr><td class="key">${esc(u.key)}</td><td>${esc(u.reason)}</td></tr>`);
    }
    out.push('</tbody></table>');
  }
  if (plan.flags.length > 0) {
    out.push(`<h2>Flags (${plan.flags.length})</h2>`, '<table class="issues"><tbody>');
    for (const f of plan.flags)
      out.push(`<tr><td class="key">${esc(f.key)}</td><td>${esc(f.reason)}</td></tr>`);
    out.push('</tbody></table>');
  }
  out.push('</body>', '</html>');
  return `${out.join('\n')}\n`;
}

/** "8 of 13 days, part 1 of 2" for an entry of a split task, else null. */
export function partOf(entry: TimelineEntry, estimateDays: number | undefined): string | null {
  // Timelines stored before tasks were split have no parts.
  if (!entry.parts || entry.parts <= 1) return null;
  const whole = estimateDays !== undefined ? ` of ${estimateDays}` : '';
  return `${entry.days}${whole} days, part ${entry.part} of ${entry.parts}`;
}

function meter(utilisation: number): string {
  const width = Math.max(0, Math.min(100, utilisation * 100));
  return `<span class="meter${utilisation > 1 ? ' over' : ''}"><span style="width:${num(width)}%"></span></span>`;
}

function pct(x: number): string {
  return `${Math.round(x * 100)}%`;
}

function num(x: number): string {
  return String(Math.round(x * 1000) / 1000);
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}
