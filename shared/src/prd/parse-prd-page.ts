/** Reads the stories of a PRD page's story table (Confluence storage format). */
import { locateStoryTable, type StoryTable, type TableRow } from './find-story-table.js';
import { acceptanceCriteriaFromLines } from './parse-acceptance-criteria.js';
import type { PrdParseResult, PrdSkippedRow, PrdStory } from './prd-schemas.js';
import { readTicketCell } from './ticket-cell.js';
import { inlineText, loadXhtml, renderLines, type TextLine } from './xhtml-dom.js';

/** Lower-case letters and digits only: how titles are compared when a row has no marker to match by. */
export function normaliseTitle(title: string): string {
  return title
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

function describe(lines: TextLine[]): string {
  return lines
    .map((l) => (l.list ? `${'  '.repeat(l.list.depth)}${l.list.ordered ? '1.' : '-'} ${l.text}` : l.text))
    .join('\n');
}

export type RowReading =
  | { kind: 'story'; story: PrdStory; keyForm: 'macro' | 'link' | 'text' | null }
  | { kind: 'skip'; reason: PrdSkippedRow['reason'] };

/** Own cell of a row at a column: a cell merged down from the row above does not belong to this row. */
function ownCell(row: TableRow, col: number | null) {
  if (col === null) return null;
  const cell = row.grid[col];
  return cell && cell.row === row.index ? cell : null;
}

/** Long tables often repeat the header row part-way down; every cell then matches the header's text. */
function repeatsHeader(table: StoryTable, row: TableRow): boolean {
  const header = table.rows[table.headerRow]!;
  return row.cells.every((c) => {
    const h = header.grid[c.col];
    return (
      h !== null && h !== undefined && normaliseTitle(inlineText(h.el)) === normaliseTitle(inlineText(c.el))
    );
  });
}

/** Reads one data row of a located story table. */
export function readStoryRow(table: StoryTable, row: TableRow): RowReading {
  const { columns } = table;
  if (row.cells.length === 0) return { kind: 'skip', reason: 'empty' };
  const only = row.cells.length === 1 ? row.cells[0]! : null;
  if (only && table.width > 1 && only.colspan >= table.width) return { kind: 'skip', reason: 'separator' };

  const titleCell = ownCell(row, columns.title);
  const title = titleCell ? inlineText(titleCell.el) : '';
  if (
    titleCell &&
    normaliseTitle(title) === normaliseTitle(table.columnNames.title) &&
    repeatsHeader(table, row)
  ) {
    return { kind: 'skip', reason: 'repeated_header' };
  }
  // Description and criteria may be merged across rows on purpose (shared by several stories).
  const descCell = columns.description === null ? null : row.grid[columns.description];
  const acCell = columns.acceptance === null ? null : row.grid[columns.acceptance];
  const description = descCell ? describe(renderLines(descCell.el)) : '';
  const acceptance = acceptanceCriteriaFromLines(acCell ? renderLines(acCell.el) : []);
  const ticket = readTicketCell(ownCell(row, columns.ticket)?.el ?? null);

  if (!title && !description && acceptance.items.length === 0 && !ticket.jiraKey && !ticket.tempId) {
    return { kind: 'skip', reason: 'empty' };
  }
  return {
    kind: 'story',
    keyForm: ticket.keyForm,
    story: {
      title,
      description: description || title,
      acceptance_criteria: acceptance,
      jira_key: ticket.jiraKey,
      temp_id: ticket.tempId,
      row_index: row.index,
    },
  };
}

/** Parses an already located story table (shared by the parser and the write-back). */
export function readStoryTable(table: StoryTable): PrdParseResult {
  const stories: PrdStory[] = [];
  const skipped: PrdSkippedRow[] = [];
  for (const row of table.rows.slice(table.headerRow + 1)) {
    const reading = readStoryRow(table, row);
    if (reading.kind === 'story') stories.push(reading.story);
    else skipped.push({ row_index: row.index, reason: reading.reason });
  }
  return { section: table.section, columns: table.columnNames, stories, skipped_rows: skipped };
}

/**
 * Parses a PRD page in Confluence storage format and returns the stories of its story table.
 *
 * Parsing is lenient: unclosed or stray tags and bare `&` are read the way a browser-like parser would,
 * so a slightly broken page still yields its stories (write-back is stricter, see writeBackPrdTable).
 * Rows that are empty, full-width separators or repeated header rows are listed in `skipped_rows`.
 *
 * @throws PrdError `no_story_table` or `no_title_column` (see locateStoryTable).
 */
export function parsePrdPage(xhtml: string): PrdParseResult {
  return readStoryTable(locateStoryTable(loadXhtml(xhtml)));
}
