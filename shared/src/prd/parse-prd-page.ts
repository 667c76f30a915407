/** Reads the stories of a PRD page's story table (Confluence storage format). */
import { locateStoryTable, type StoryTable, type TableRow } from './find-story-table.js';
import { acceptanceCriteriaFromLines } from './parse-acceptance-criteria.js';
import type { PrdParseResult, PrdSkippedRow, PrdStory } from './prd-schemas.js';
import { readTicketCell } from './ticket-cell.js';
import { inlineText, loadXhtml, renderLines, type TextLine } from './xhtml-dom.js';

/** Lower-case letters and digits only: how titles are compared when a row has no marker to match by. */
export function normaliseTitle(title: string): string {
  // ASCII titles (the common case) skip Unicode normalisation, which is comparatively slow.
  if (/^[\x20-\x7e]*$/.test(title)) {
    return title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, ' ')
      .trim();
  }
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

const EMPTY_STORY: PrdStory = {
  title: '',
  description: '',
  acceptance_criteria: { format: 'text', items: [] },
  jira_key: null,
  temp_id: null,
  row_index: 0,
};

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

/**
 * Reads one data row of a located story table. With `titleOnly` (write-back, which only matches rows)
 * the description and criteria are checked for content but not parsed, and come back empty.
 */
export function readStoryRow(table: StoryTable, row: TableRow, titleOnly = false): RowReading {
  const { columns } = table;
  if (row.cells.length === 0) return { kind: 'skip', reason: 'empty' };
  const only = row.cells.length === 1 ? row.cells[0]! : null;
  if (only && table.width > 1 && only.colspan >= table.width) return { kind: 'skip', reason: 'separator' };

  const titleCell = ownCell(row, columns.title);
  const title = titleCell ? inlineText(titleCell.el) : '';
  const header = table.columnNames.title;
  // Length first: normalising every title just to compare it with a one-word header would be wasted work.
  if (
    titleCell &&
    title.length <= header.length + 8 &&
    normaliseTitle(title) === normaliseTitle(header) &&
    repeatsHeader(table, row)
  ) {
    return { kind: 'skip', reason: 'repeated_header' };
  }
  // Description and criteria may be merged across rows on purpose (shared by several stories).
  const descCell = columns.description === null ? null : row.grid[columns.description];
  const acCell = columns.acceptance === null ? null : row.grid[columns.acceptance];
  const ticket = readTicketCell(ownCell(row, columns.ticket)?.el ?? null);
  if (titleOnly && (title || ticket.jiraKey || ticket.tempId)) {
    return {
      kind: 'story',
      keyForm: ticket.keyForm,
      story: {
        ...EMPTY_STORY,
        title,
        jira_key: ticket.jiraKey,
        temp_id: ticket.tempId,
        row_index: row.index,
      },
    };
  }
  const descLines = descCell ? renderLines(descCell.el) : [];
  const acLines = acCell ? renderLines(acCell.el) : [];
  if (!title && descLines.length === 0 && acLines.length === 0 && !ticket.jiraKey && !ticket.tempId) {
    return { kind: 'skip', reason: 'empty' };
  }
  const description = describe(descLines);
  const acceptance = acceptanceCriteriaFromLines(acLines);
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
