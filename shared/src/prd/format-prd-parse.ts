/** Human-readable output of `augment prd parse FILE` (without --json). */
import type { PrdParseResult } from './prd-schemas.js';

function clip(text: string, width: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const chars = Array.from(flat);
  return chars.length <= width ? flat : `${chars.slice(0, width - 1).join('')}\u2026`;
}

function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - Array.from(text).length));
}

/**
 * Renders a parse result as a table (row, title, ticket, criteria format and count, description) followed
 * by each story's acceptance criteria, for people reading a terminal.
 */
export function formatPrdParseText(result: PrdParseResult): string {
  const lines: string[] = [];
  const { columns } = result;
  lines.push(`Section: ${result.section}`);
  const named = [
    `title="${columns.title}"`,
    columns.description === null ? 'description=(none)' : `description="${columns.description}"`,
    columns.acceptance_criteria === null ? 'criteria=(none)' : `criteria="${columns.acceptance_criteria}"`,
    columns.jira_ticket === null ? 'ticket=(none)' : `ticket="${columns.jira_ticket}"`,
  ];
  lines.push(`Columns: ${named.join(', ')}`);
  const n = result.stories.length;
  const skipped = result.skipped_rows.length;
  lines.push(`${n} ${n === 1 ? 'story' : 'stories'}${skipped ? `, ${skipped} row(s) skipped` : ''}`);
  if (n === 0) return `${lines.join('\n')}\n`;

  const header = ['Row', 'Title', 'Ticket', 'Criteria', 'Description'];
  const table = result.stories.map((s) => [
    String(s.row_index),
    clip(s.title || '(no title)', 40),
    s.jira_key ?? (s.temp_id ? `TEMP-${s.temp_id.slice(0, 8)}` : '-'),
    `${s.acceptance_criteria.format} (${s.acceptance_criteria.items.length})`,
    clip(s.description === s.title ? '' : s.description, 50),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => Array.from(r[i]!).length)));
  const render = (cells: string[]) =>
    cells
      .map((c, i) => pad(c, widths[i]!))
      .join('  ')
      .trimEnd();
  lines.push('', render(header), render(widths.map((w) => '-'.repeat(w))));
  for (const row of table) lines.push(render(row));

  for (const s of result.stories) {
    const ac = s.acceptance_criteria;
    if (ac.items.length === 0) continue;
    lines.push('', `Row ${s.row_index} - ${s.title || '(no title)'} [${ac.format}]`);
    if (ac.format === 'gwt' && ac.scenarios) {
      for (const sc of ac.scenarios) {
        if (sc.title) lines.push(`  ${sc.title}`);
        for (const step of sc.steps) lines.push(`    ${step}`);
      }
    } else {
      for (const item of ac.items) lines.push(`  - ${item}`);
    }
  }
  if (skipped) {
    lines.push(
      '',
      `Skipped rows: ${result.skipped_rows.map((r) => `${r.row_index} (${r.reason})`).join(', ')}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
