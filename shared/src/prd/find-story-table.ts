/**
 * Finds the story table of a PRD page and models it as a grid (merged cells resolved), so that the parser
 * and the write-back agree on which row and column is which.
 */
import { PrdError } from './prd-error.js';
import type { PrdColumns } from './prd-schemas.js';
import {
  attr,
  childElements,
  elementsInOrder,
  inlineText,
  isAncestor,
  isBoldOnly,
  isElement,
  macroBody,
  macroName,
  macroParameter,
  tagName,
  type XElement,
  type XParent,
} from './xhtml-dom.js';

export interface TableCell {
  el: XElement;
  /** Index of the row the cell starts in. */
  row: number;
  /** First logical column the cell covers. */
  col: number;
  colspan: number;
  rowspan: number;
}

export interface TableRow {
  tr: XElement;
  index: number;
  /** Cells that start in this row, in source order. */
  cells: TableCell[];
  /** For each logical column, the cell covering it (possibly started in a row above), or null. */
  grid: Array<TableCell | null>;
  inHead: boolean;
}

export interface ColumnIndexes {
  title: number;
  description: number | null;
  acceptance: number | null;
  ticket: number | null;
}

export interface StoryTable {
  section: string;
  table: XElement;
  rows: TableRow[];
  /** Number of logical columns. */
  width: number;
  headerRow: number;
  columns: ColumnIndexes;
  columnNames: PrdColumns;
}

// ---- section headings -----------------------------------------------------------------------------

function normaliseHeading(text: string): string {
  return (
    text
      .normalize('NFKC')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, ' ')
      .trim()
      // Numbering: "4.", "4.2", "Section 4:", "IV.", "B."
      .replace(/^(?:section )?(?:\d+ )+/, '')
      .replace(/^(?:[ivx]+|[a-h]) (?=\S)/, '')
      // A count after the name: "Story tickets (6)".
      .replace(/ \d+$/, '')
  );
}

const STORY_HEADING =
  /^(?:the )?(?:(?:user|jira|product|feature|planned|mvp) )?(?:story|stories)(?: (?:ticket|tickets|list|table|backlog|breakdown|overview|summary|jira|issues))*(?: (?:and )?(?:acceptance criteria|tickets))?$/;
const LIST_OF_STORIES = /^(?:list of|jira) (?:user )?(?:stories|story tickets|tickets)$/;
const STORY_ANCHORS = ['storyticketlist', 'storytickets', 'storylist', 'userstories', 'storytable'];

/** Whether a heading's text names the story section ("Story Ticket List", "4. Story List", "User Stories"). */
export function isStoryHeading(text: string): boolean {
  const t = normaliseHeading(text);
  return STORY_HEADING.test(t) || LIST_OF_STORIES.test(t);
}

function isStoryAnchor(id: string): boolean {
  const t = id.toLowerCase().replace(/[^a-z0-9]/g, '');
  return STORY_ANCHORS.some((a) => t.endsWith(a));
}

function headingAnchorMatches(heading: XElement): boolean {
  const id = attr(heading, 'id');
  if (id && isStoryAnchor(id)) return true;
  for (const child of childElements(heading)) {
    if (macroName(child) === 'anchor') {
      const name = macroParameter(child, '') ?? '';
      if (isStoryAnchor(name)) return true;
    }
  }
  return false;
}

const HEADING_TAGS = /^h([1-6])$/;

interface Section {
  label: string;
  /** Tables to try, in document order. */
  tables: XElement[];
}

function insideTable(el: XElement): boolean {
  for (let p = el.parent; p; p = p.parent) {
    if (isElement(p) && tagName(p) === 'table') return true;
  }
  return false;
}

function findSections(root: XParent): Section[] {
  const order = elementsInOrder(root);
  const sections: Section[] = [];
  order.forEach((el, i) => {
    const name = tagName(el);
    const heading = HEADING_TAGS.exec(name);
    let level: number | null = null;
    if (heading) {
      if (isStoryHeading(inlineText(el)) || headingAnchorMatches(el)) level = Number(heading[1]);
    } else if (name === 'p' && !insideTable(el) && isBoldOnly(el) && isStoryHeading(inlineText(el))) {
      // A bold paragraph used as a heading: its section ends at the next real heading.
      level = 7;
    } else {
      const macro = macroName(el);
      if (macro && ['expand', 'ui-expand', 'panel', 'details', 'section'].includes(macro)) {
        const title = macroParameter(el, 'title') ?? '';
        const body = macroBody(el, 'ac:rich-text-body');
        if (body && isStoryHeading(title)) {
          const tables = order.filter((t) => tagName(t) === 'table' && isAncestor(body, t));
          sections.push({ label: title.trim(), tables });
        }
      }
    }
    if (level === null) return;
    const tables: XElement[] = [];
    for (let j = i + 1; j < order.length; j++) {
      const next = order[j]!;
      const nextName = tagName(next);
      const h = HEADING_TAGS.exec(nextName);
      if (h && !isAncestor(el, next) && Number(h[1]) <= level) break;
      if (
        level === 7 &&
        nextName === 'p' &&
        !insideTable(next) &&
        isBoldOnly(next) &&
        isStoryHeading(inlineText(next))
      )
        break;
      if (nextName === 'table') tables.push(next);
    }
    sections.push({ label: inlineText(el), tables });
  });
  return sections;
}

// ---- table grid -----------------------------------------------------------------------------------

function spanOf(el: XElement, name: 'colspan' | 'rowspan', max: number): number {
  const n = Number.parseInt(attr(el, name) ?? '', 10);
  // rowspan="0" means "to the end of the table"; absurd spans are clamped so a typo cannot blow up memory.
  if (name === 'rowspan' && n === 0) return max;
  if (!Number.isFinite(n) || n < 1) return 1;
  return Math.min(n, max);
}

/** Models a table as rows and a grid of logical columns, resolving colspan and rowspan. */
export function buildGrid(table: XElement): { rows: TableRow[]; width: number } {
  const trs: Array<{ tr: XElement; inHead: boolean }> = [];
  for (const child of childElements(table)) {
    const name = tagName(child);
    if (name === 'tr') trs.push({ tr: child, inHead: false });
    else if (name === 'thead' || name === 'tbody' || name === 'tfoot') {
      for (const tr of childElements(child))
        if (tagName(tr) === 'tr') trs.push({ tr, inHead: name === 'thead' });
    }
  }
  const grids: Array<Array<TableCell | null>> = trs.map(() => []);
  const rows: TableRow[] = trs.map(({ tr, inHead }, r) => {
    const grid = grids[r]!;
    const cells: TableCell[] = [];
    let col = 0;
    for (const el of childElements(tr)) {
      const name = tagName(el);
      if (name !== 'td' && name !== 'th') continue;
      while (grid[col]) col++;
      const cell: TableCell = {
        el,
        row: r,
        col,
        colspan: spanOf(el, 'colspan', 1000),
        rowspan: spanOf(el, 'rowspan', trs.length - r),
      };
      cells.push(cell);
      for (let rr = r; rr < r + cell.rowspan; rr++) {
        const g = grids[rr]!;
        for (let cc = col; cc < col + cell.colspan; cc++) g[cc] = cell;
      }
      col += cell.colspan;
    }
    return { tr, index: r, cells, grid, inHead };
  });
  let width = 0;
  for (const g of grids) width = Math.max(width, g.length);
  for (const g of grids) for (let c = 0; c < width; c++) g[c] ??= null;
  return { rows, width };
}

// ---- columns --------------------------------------------------------------------------------------

type Role = 'title' | 'description' | 'acceptance' | 'ticket';

// Ordered by preference: with both "Title" and "User Story" columns, Title is the title.
const EXACT: Record<Role, string[]> = {
  title: [
    'title',
    'summary',
    'story title',
    'story name',
    'story summary',
    'ticket title',
    'jira summary',
    'name',
    'story',
    'user story',
    'feature',
  ],
  ticket: [
    'jira ticket',
    'jira',
    'ticket',
    'jira key',
    'jira issue',
    'jira link',
    'jira ticket link',
    'jira id',
    'ticket id',
    'ticket link',
    'story ticket',
    'issue',
    'issue key',
    'key',
    'link',
  ],
  acceptance: ['acceptance criteria', 'ac', 'acs', 'a c', 'acceptance criterion', 'acceptance', 'criteria'],
  description: [
    'description',
    'details',
    'story description',
    'story details',
    'detail',
    'desc',
    'user story',
    'notes',
  ],
};
const CONTAINS: Record<Role, string[]> = {
  title: ['title', 'summary'],
  ticket: ['jira', 'ticket'],
  acceptance: ['acceptance', 'criteria'],
  description: ['description', 'details'],
};
const ROLES: Role[] = ['title', 'ticket', 'acceptance', 'description'];

function normaliseHeader(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

interface HeaderMapping {
  columns: Partial<Record<Role, number>>;
  texts: string[];
}

function mapHeader(row: TableRow): HeaderMapping {
  const texts: string[] = [];
  const headers: Array<{ col: number; norm: string }> = [];
  row.grid.forEach((cell, c) => {
    if (!cell || cell.col !== c || cell.row !== row.index) return;
    const text = inlineText(cell.el);
    texts.push(text);
    headers.push({ col: c, norm: normaliseHeader(text) });
  });
  const used = new Set<number>();
  const columns: Partial<Record<Role, number>> = {};
  for (const role of ROLES) {
    let best: { col: number; rank: number } | null = null;
    for (const h of headers) {
      if (used.has(h.col)) continue;
      const rank = EXACT[role].indexOf(h.norm);
      if (rank >= 0 && (!best || rank < best.rank)) best = { col: h.col, rank };
    }
    if (best) {
      columns[role] = best.col;
      used.add(best.col);
    }
  }
  for (const role of ROLES) {
    if (columns[role] !== undefined) continue;
    const hit = headers.find(
      (h) =>
        !used.has(h.col) && h.norm.length <= 40 && CONTAINS[role].some((w) => h.norm.split(' ').includes(w)),
    );
    if (hit) {
      columns[role] = hit.col;
      used.add(hit.col);
    }
  }
  return { columns, texts };
}

function isHeaderLike(row: TableRow): boolean {
  if (row.inHead) return true;
  const own = row.cells;
  if (own.length === 0) return false;
  if (own.every((c) => tagName(c.el) === 'th')) return true;
  const nonEmpty = own.filter((c) => inlineText(c.el) !== '');
  return nonEmpty.length > 0 && nonEmpty.every((c) => tagName(c.el) === 'th' || isBoldOnly(c.el));
}

function headerText(row: TableRow, col: number | undefined): string | null {
  if (col === undefined) return null;
  const cell = row.grid[col];
  return cell ? inlineText(cell.el) : null;
}

type TableVerdict =
  | { ok: true; table: Omit<StoryTable, 'section'> }
  | { ok: false; headers: string[]; reason: 'no_header' | 'no_title' };

function readTable(table: XElement): TableVerdict {
  const { rows, width } = buildGrid(table);
  if (rows.length === 0) return { ok: false, headers: [], reason: 'no_header' };
  let firstHeaderTexts: string[] | null = null;
  let chosen: { index: number; mapping: HeaderMapping } | null = null;
  for (let r = 0; r < Math.min(3, rows.length) && !chosen; r++) {
    const row = rows[r]!;
    if (!isHeaderLike(row)) continue;
    const mapping = mapHeader(row);
    firstHeaderTexts ??= mapping.texts;
    if (mapping.columns.title !== undefined) chosen = { index: r, mapping };
  }
  if (!chosen) {
    // A header row written as plain text: accepted only when it clearly names two known columns.
    const mapping = mapHeader(rows[0]!);
    if (mapping.columns.title !== undefined && Object.keys(mapping.columns).length >= 2) {
      chosen = { index: 0, mapping };
    } else {
      return {
        ok: false,
        headers: firstHeaderTexts ?? mapping.texts,
        reason: firstHeaderTexts ? 'no_title' : 'no_header',
      };
    }
  }
  const header = rows[chosen.index]!;
  const cols = chosen.mapping.columns;
  return {
    ok: true,
    table: {
      table,
      rows,
      width,
      headerRow: chosen.index,
      columns: {
        title: cols.title!,
        description: cols.description ?? null,
        acceptance: cols.acceptance ?? null,
        ticket: cols.ticket ?? null,
      },
      columnNames: {
        title: headerText(header, cols.title) ?? '',
        description: headerText(header, cols.description),
        acceptance_criteria: headerText(header, cols.acceptance),
        jira_ticket: headerText(header, cols.ticket),
      },
    },
  };
}

/**
 * Locates the story table: the first table with a title column (and, among several, the first that also
 * has a description or criteria column) under a story heading ("Story Ticket
 * List", "4. Story List", a heading anchor such as `#story-list`, a bold paragraph, or an expand titled so),
 * looking through page layouts and macro bodies. Other tables on the page are ignored.
 *
 * @throws PrdError `no_story_table` when no such heading has a table, `no_title_column` when the table
 *   under it has no Title/Summary/Name column.
 */
export function locateStoryTable(root: XParent): StoryTable {
  const sections = findSections(root);
  let titleless: { section: string; headers: string[] } | null = null;
  for (const section of sections) {
    let titleOnly: StoryTable | null = null;
    for (const table of section.tables) {
      const verdict = readTable(table);
      if (verdict.ok) {
        const found = { section: section.label, ...verdict.table };
        // A table with only a title column (a metrics panel, a list of links) gives way to a later one
        // that also has descriptions or criteria.
        if (found.columns.description !== null || found.columns.acceptance !== null) return found;
        titleOnly ??= found;
      } else if (verdict.reason === 'no_title' && !titleless)
        titleless = { section: section.label, headers: verdict.headers };
    }
    if (titleOnly) return titleOnly;
  }
  if (titleless) {
    const found = titleless.headers.filter((h) => h !== '').map((h) => `"${h}"`);
    throw new PrdError(
      'no_title_column',
      `The story table under "${titleless.section}" has no title column: expected a header named Title, ` +
        `Summary or Name, found ${found.length ? found.join(', ') : 'no header text'}.`,
      { section: titleless.section, headers: titleless.headers },
    );
  }
  const headings = sections.map((s) => s.label);
  throw new PrdError(
    'no_story_table',
    headings.length
      ? `No story table found under the "${headings[0]}" heading: add a table with a Title column below it.`
      : "No story table found under a 'Story List' heading (or 'Story Ticket List', 'Story Tickets', " +
          "'User Stories'): add such a heading followed by a table with a Title column.",
    { headings },
  );
}
