import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  DependencyCycleError,
  planSprints,
  renderTextGantt,
  renderTimelineHtml,
  SprintInputError,
  SprintPlanInput,
} from '@augment/shared';
import type { Command } from 'commander';
import { CliError, cliAction, readInputFile } from './cli-error.js';

const fieldPath = (path: readonly PropertyKey[]) =>
  path.reduce<string>(
    (acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)),
    '',
  ) || '(file)';

function readInput(file: string): SprintPlanInput {
  const text = readInputFile(file);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new CliError(`${file} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  const parsed = SprintPlanInput.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${fieldPath(i.path)}: ${i.message}`);
    throw new CliError(`${file} is not a valid sprint planning file:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

/**
 * `augment sprint plan FILE [--json] [--html OUT]`: schedules a local file of tasks, teams and sprint
 * settings, offline. Prints a text Gantt chart, or the plan as JSON; `--html` writes a self-contained page.
 */
export function registerSprintCommands(program: Command) {
  const sprint = program.command('sprint').description('sprint planning on local files (offline)');
  sprint
    .command('plan')
    .description('plan tasks into sprints from a JSON file (see examples/sprint-plan.json)')
    .argument('<file>', 'planning file: {epic_key, start_date, sprint_duration_days, teams, tasks}')
    .option('--json', 'print the plan as JSON instead of the text timeline')
    .option('--html <out>', 'write the timeline as a self-contained HTML page to OUT')
    .action(
      cliAction((file: string, opts: { json?: boolean; html?: string }) => {
        const input = readInput(file);
        let plan: ReturnType<typeof planSprints>;
        try {
          plan = planSprints(input);
        } catch (err) {
          if (err instanceof DependencyCycleError || err instanceof SprintInputError) {
            throw new CliError(err.message, { cause: err });
          }
          throw err;
        }
        if (opts.html) {
          const out = resolve(opts.html);
          writeFileSync(out, renderTimelineHtml(plan, input));
          // With --json, stdout stays pure JSON for scripts; the note goes to stderr.
          (opts.json ? process.stderr : process.stdout).write(`wrote the timeline to ${out}\n`);
        }
        if (opts.json) process.stdout.write(`${JSON.stringify(plan, null, 2)}\n`);
        else if (!opts.html) process.stdout.write(`${renderTextGantt(plan, input)}\n`);
      }),
    );
}
