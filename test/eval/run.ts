/**
 * `npm run eval`: scores the rule engine's plans against the corpus expectations.
 *   npm run eval                     a score per case, the totals and the worst misses
 *   npm run eval -- --case 03-x      that case's plan as `augment plan` prints it, and all its misses
 *   npm run eval -- --json           everything as JSON (scores, components, misses)
 *   npm run eval -- --misses 40      how many of the worst misses to list (default 20)
 */
import { parseArgs } from 'node:util';
import { renderPlanText } from '../../runner/src/commands/plan.js';
import { evaluate } from './evaluate.js';
import { type Component, WEIGHTS } from './score-plan.js';

const { values } = parseArgs({
  options: {
    case: { type: 'string' },
    json: { type: 'boolean', default: false },
    misses: { type: 'string', default: '20' },
  },
});

const run = evaluate();
const out: string[] = [];
const pct = (x: number) => String(Math.round(x * 100)).padStart(4);
const components = Object.keys(WEIGHTS) as Component[];

if (values.json) {
  process.stdout.write(
    `${JSON.stringify(
      {
        coverage: run.coverage,
        dev: run.dev,
        holdout: run.holdout,
        total: run.total,
        cases: run.results.map((r) => ({
          id: r.case.id,
          format: r.case.format,
          domain: r.case.expect.domain,
          holdout: r.case.expect.holdout,
          score: r.score.total,
          components: r.score.components,
          misses: r.score.misses,
        })),
      },
      null,
      2,
    )}\n`,
  );
} else if (values.case) {
  const r = run.results.find((x) => x.case.id === values.case || x.case.id.startsWith(`${values.case}-`));
  if (!r) {
    process.stderr.write(`error: no case ${values.case}\n`);
    process.exit(1);
  }
  out.push(renderPlanText(r.plan), '', `SCORE ${r.score.total} / 100`);
  for (const c of components)
    out.push(`  ${c.padEnd(14)} ${pct(r.score.components[c])}%  (weight ${WEIGHTS[c]})`);
  out.push('', 'MISSES');
  for (const m of [...r.score.misses].sort((a, b) => b.lost - a.lost))
    out.push(`  -${m.lost.toFixed(1).padStart(4)}  ${m.component.padEnd(13)} ${m.message}`);
} else {
  out.push(
    `Plan evaluation: rule engine, ${run.coverage} coverage, ${run.results.length} cases (component scores in %)`,
  );
  out.push('');
  const head = `${'case'.padEnd(30)} ${'fmt'.padEnd(5)} ${'domain'.padEnd(17)} ${'score'.padStart(5)}  ${components.map((c) => c.slice(0, 6).padStart(6)).join(' ')}`;
  out.push(head);
  for (const r of run.results) {
    const id = `${r.case.id}${r.case.expect.holdout ? ' (H)' : ''}`;
    out.push(
      `${id.padEnd(30)} ${r.case.format.padEnd(5)} ${r.case.expect.domain.slice(0, 17).padEnd(17)} ${r.score.total.toFixed(1).padStart(5)}  ${components.map((c) => pct(r.score.components[c]).padStart(6)).join(' ')}`,
    );
  }
  out.push('');
  out.push(`dev ${run.dev}   holdout (H) ${run.holdout}   total ${run.total}`);
  const worst = run.results
    .flatMap((r) => r.score.misses.map((m) => ({ id: r.case.id, ...m })))
    .sort((a, b) => b.lost - a.lost)
    .slice(0, Number(values.misses));
  out.push('', "WORST MISSES (points lost of the case's 100)");
  for (const m of worst)
    out.push(
      `  -${m.lost.toFixed(1).padStart(4)}  ${m.id.padEnd(28)} ${m.component.padEnd(13)} ${m.message}`,
    );
}
if (out.length > 0) process.stdout.write(`${out.join('\n')}\n`);
