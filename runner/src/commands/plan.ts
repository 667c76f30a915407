import { CoverageLevel, type EpicPlan, planDocument, TEAM_ORDER } from '@augment/shared';
import type { Command } from 'commander';
import { CliError, cliAction, readInputFile } from './cli-error.js';

const days = (n: number) => `${n} ${n === 1 ? 'day' : 'days'}`;

/** The plan as readable text: stories, tasks per team, the dependency graph, test cases, the estimate. */
export function renderPlanText(plan: EpicPlan): string {
  const out: string[] = [];
  const testCount =
    plan.tasks.reduce((n, t) => n + t.test_cases.length, 0) +
    plan.stories.reduce((n, s) => n + s.test_cases.length, 0);
  const taskById = new Map(plan.tasks.map((t) => [t.id, t] as const));
  out.push(`Epic: ${plan.summary}`);
  out.push(
    `${plan.stories.length} stories, ${plan.tasks.length} tasks, ${testCount} test cases; ` +
      `${days(plan.estimate_total_days)} of work, ${days(plan.cycle_time_days)} on the longest dependency chain`,
  );

  out.push('', 'STORIES');
  for (const s of plan.stories) {
    const pts = s.story.story_points !== undefined ? `, ${s.story.story_points} pts` : '';
    out.push(
      `  ${s.story.key}  ${s.story.title}  (${s.story_types.join('+') || 'api'}${pts}, ${days(s.estimate_days)}, readiness ${s.readiness.score} ${s.readiness.level})`,
    );
    for (const c of s.story.acceptance_criteria) out.push(`      - ${c}`);
  }

  out.push('', 'TASKS PER TEAM');
  for (const team of TEAM_ORDER) {
    const ids = plan.tasks_by_team[team];
    if (!ids || ids.length === 0) continue;
    const total =
      Math.round(ids.reduce((n, id) => n + (taskById.get(id)?.estimate_days ?? 0), 0) * 100) / 100;
    out.push(`  ${team} (${ids.length} tasks, ${days(total)})`);
    for (const id of ids) {
      const t = taskById.get(id)!;
      out.push(`    ${t.id.padEnd(24)} ${String(t.estimate_days).padStart(4)}d  ${t.summary}`);
    }
  }

  out.push('', 'DEPENDENCIES (blocker -> blocked)');
  if (plan.relationships.length === 0) out.push('  (none)');
  for (const r of plan.relationships)
    out.push(`  ${r.from} -> ${r.to}  (${r.blocking_team} -> ${r.dependent_team})`);
  for (const d of plan.dropped_dependencies)
    out.push(`  dropped ${d.from} -> ${d.to}: ${d.reason} (${d.detail})`);

  out.push('', 'TEST CASES');
  for (const s of plan.stories) {
    const own = s.test_cases;
    const tasks = s.task_ids.map((id) => taskById.get(id)!).filter((t) => t.test_cases.length > 0);
    out.push(`  ${s.story.key} ${s.story.title}`);
    for (const tc of own) out.push(`    [${tc.type}] ${tc.title}`);
    for (const t of tasks) {
      out.push(`    ${t.id}`);
      for (const tc of t.test_cases) out.push(`      [${tc.type}] ${tc.title}`);
    }
  }
  out.push(
    `  ${testCount} cases after de-duplication (${plan.dedupe.removed} near-duplicates removed of ${plan.dedupe.before})`,
  );

  out.push('', 'VALIDATION');
  if (plan.validation.findings.length === 0) out.push('  complete: nothing missing');
  for (const f of plan.validation.findings) out.push(`  ${f.severity}: ${f.message}`);

  out.push('', `ESTIMATE TOTAL: ${days(plan.estimate_total_days)}`);
  return out.join('\n');
}

/**
 * `augment plan FILE [--json]`: plans an epic offline from a local epic description or PRD (markdown,
 * plain text, HTML or Confluence storage format) with the rule-based engine: stories, team tasks,
 * dependencies, test cases and the estimate. No network, no AI key.
 */
export function registerPlanCommands(program: Command) {
  program
    .command('plan')
    .description(
      'plan an epic from a local description or PRD file, offline (see examples/epic-invoicing.md)',
    )
    .argument('<file>', 'epic description or PRD: markdown, text, HTML or Confluence storage format')
    .option('--json', 'print the plan as JSON')
    .option('--coverage <level>', 'test coverage: minimal, basic, standard or comprehensive', 'standard')
    .option('--max-task-days <days>', 'split tasks longer than this many days', '3')
    .option('--epic-key <key>', 'key of the epic, shown in the plan')
    .action(
      cliAction(
        (file: string, opts: { json?: boolean; coverage: string; maxTaskDays: string; epicKey?: string }) => {
          const text = readInputFile(file);
          if (!text.trim()) throw new CliError(`${file} is empty`);
          const coverage = CoverageLevel.safeParse(opts.coverage);
          if (!coverage.success) {
            throw new CliError(`--coverage must be one of ${CoverageLevel.options.join(', ')}`);
          }
          const maxDays = Number(opts.maxTaskDays);
          if (!(maxDays > 0 && maxDays <= 30))
            throw new CliError('--max-task-days must be a number of days, 0 to 30');
          const plan = planDocument({
            text,
            file_name: file,
            coverage_level: coverage.data,
            max_task_cycle_days: maxDays,
            ...(opts.epicKey ? { epic_key: opts.epicKey } : {}),
          });
          process.stdout.write(
            opts.json ? `${JSON.stringify(plan, null, 2)}\n` : `${renderPlanText(plan)}\n`,
          );
        },
      ),
    );
}
