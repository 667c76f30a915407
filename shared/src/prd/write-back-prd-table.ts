/**
 * Writes placeholder markers and Jira links into the story table of a PRD page by splicing the original
 * storage XHTML at the offsets of the cells concerned. The page is never re-serialised, so everything
 * outside the edited cells (macros, CDATA, attribute order, whitespace, entities) stays byte-for-byte.
 */
import { escapeXml } from './decode-entities.js';
import { locateStoryTable, type StoryTable, type TableCell, type TableRow } from './find-story-table.js';
import { normaliseTitle, readStoryRow } from './parse-prd-page.js';
import { PrdError } from './prd-error.js';
import type {
  PrdSplice,
  PrdStory,
  PrdWriteBackEdit,
  PrdWriteBackResult,
  PrdWriteBackRowReport,
} from './prd-schemas.js';
import { JIRA_KEY, placeholderMarker, TEMP_ID } from './ticket-cell.js';
import { attr, childElements, elementSpan, loadXhtml, tagName, type XElement } from './xhtml-dom.js';

export interface PrdWriteBackOptions {
  /** Jira site base URL for links, e.g. `https://acme.atlassian.net` (needed unless every link edit has a url). */
  siteUrl?: string;
  /** Header of the ticket column when it has to be added; default "JIRA Ticket". */
  columnHeader?: string;
}

interface RowInfo {
  row: TableRow;
  story: PrdStory;
  keyForm: 'macro' | 'link' | 'text' | null;
  title: string;
}

type Target = { info: RowInfo; by: NonNullable<PrdWriteBackRowReport['matched_by']> };

function validate(edits: PrdWriteBackEdit[], options: PrdWriteBackOptions): void {
  edits.forEach((edit, i) => {
    if (edit.temp_id != null && !TEMP_ID.test(edit.temp_id)) {
      throw new PrdError('invalid_edit', `Edit ${i}: temp_id "${edit.temp_id}" is not a UUID.`, {
        edit_index: i,
      });
    }
    if (edit.kind === 'link') {
      if (!JIRA_KEY.test(edit.jira_key)) {
        throw new PrdError('invalid_edit', `Edit ${i}: "${edit.jira_key}" is not a Jira issue key.`, {
          edit_index: i,
        });
      }
      if (!edit.url && !options.siteUrl) {
        throw new PrdError('invalid_edit', `Edit ${i}: a link needs options.siteUrl or edit.url.`, {
          edit_index: i,
        });
      }
    }
  });
}

function span(src: string, el: XElement, what: string) {
  const s = elementSpan(src, el);
  if (!s) {
    throw new PrdError(
      'malformed_xhtml',
      `Cannot update the story table safely: ${what} is not closed properly in the page's XHTML. ` +
        'Fix the table in the Confluence editor and retry.',
    );
  }
  return s;
}

function classAttr(cell: TableCell | undefined): string {
  const cls = cell ? attr(cell.el, 'class') : undefined;
  return cls ? ` class="${escapeXml(cls)}"` : '';
}

/** Whether a row's ticket cell may receive this edit (it must not hold another ticket or marker). */
function compatible(info: RowInfo, edit: PrdWriteBackEdit): boolean {
  const { jira_key: key, temp_id: temp } = info.story;
  if (edit.kind === 'placeholder')
    return key === null && (temp === null || temp === edit.temp_id.toLowerCase());
  if (key !== null) return key === edit.jira_key;
  return temp === null || temp === (edit.temp_id ?? '').toLowerCase();
}

/** Lookups over the story rows, so that matching thousands of edits stays linear. */
class RowIndex {
  private readonly byTemp = new Map<string, RowInfo>();
  private readonly byKey = new Map<string, RowInfo[]>();
  private readonly byRow = new Map<number, RowInfo>();
  private readonly byTitle = new Map<string, RowInfo[]>();

  constructor(rows: RowInfo[]) {
    for (const info of rows) {
      const { temp_id: temp, jira_key: key } = info.story;
      if (temp && !this.byTemp.has(temp)) this.byTemp.set(temp, info);
      if (key) this.byKey.set(key, [...(this.byKey.get(key) ?? []), info]);
      this.byRow.set(info.row.index, info);
      if (info.title) {
        const list = this.byTitle.get(info.title);
        if (list) list.push(info);
        else this.byTitle.set(info.title, [info]);
      }
    }
  }

  temp(id: string) {
    return this.byTemp.get(id);
  }
  key(key: string) {
    return this.byKey.get(key) ?? [];
  }
  row(index: number) {
    return this.byRow.get(index);
  }
  title(title: string) {
    return this.byTitle.get(title) ?? [];
  }
}

function resolve(
  edit: PrdWriteBackEdit,
  index: RowIndex,
  taken: Set<RowInfo>,
): { target: Target | null; conflict: string | null } {
  const free = (info: RowInfo) => !taken.has(info);
  const editTemp = edit.temp_id?.toLowerCase() ?? null;
  if (editTemp) {
    const info = index.temp(editTemp);
    if (info) {
      if (!free(info))
        return { target: null, conflict: `Row ${info.row.index} was already edited by another edit.` };
      return { target: { info, by: 'temp_id' }, conflict: null };
    }
  }
  if (edit.kind === 'link') {
    const info = index.key(edit.jira_key).find(free);
    if (info) return { target: { info, by: 'jira_key' }, conflict: null };
  }
  const wantedTitle = edit.title === undefined ? null : normaliseTitle(edit.title);
  if (edit.row_index !== undefined) {
    const info = index.row(edit.row_index);
    if (
      info &&
      free(info) &&
      compatible(info, edit) &&
      (wantedTitle === null || wantedTitle === info.title)
    ) {
      return { target: { info, by: 'row_index' }, conflict: null };
    }
  }
  if (wantedTitle) {
    const candidates = index.title(wantedTitle);
    const info = candidates.find((r) => free(r) && compatible(r, edit));
    if (info) return { target: { info, by: 'title' }, conflict: null };
    const blocked = candidates.find(free);
    if (blocked) {
      const holds = blocked.story.jira_key ?? `marker TEMP-${blocked.story.temp_id}`;
      return {
        target: null,
        conflict: `Row ${blocked.row.index} has the same title but already holds ${holds}.`,
      };
    }
  }
  return { target: null, conflict: null };
}

interface Decision {
  status: PrdWriteBackRowReport['status'];
  message: string | null;
  /** Inline content for the ticket cell, and the marker it replaces when the cell has one. */
  content?: { html: string; replaceMarker: string | null };
}

function decide(edit: PrdWriteBackEdit, info: RowInfo, options: PrdWriteBackOptions): Decision {
  const { jira_key: key, temp_id: temp } = info.story;
  const linked: Decision = {
    status: 'conflict',
    message: `Row ${info.row.index} is already linked to ${key}.`,
  };
  if (edit.kind === 'placeholder') {
    if (key !== null) return linked;
    if (temp === edit.temp_id.toLowerCase()) return { status: 'unchanged', message: null };
    return {
      status: 'written',
      message: null,
      content: { html: placeholderMarker(edit.temp_id), replaceMarker: null },
    };
  }
  if (key !== null && key !== edit.jira_key) return linked;
  if (key === edit.jira_key && temp === null && (info.keyForm === 'macro' || info.keyForm === 'link')) {
    return { status: 'unchanged', message: null };
  }
  const base = (options.siteUrl ?? '').replace(/\/+$/, '');
  const url = edit.url ?? `${base}/browse/${edit.jira_key}`;
  const html = `<a href="${escapeXml(url)}">${escapeXml(edit.jira_key)}</a>`;
  return {
    status: 'written',
    message: null,
    content: { html, replaceMarker: temp ? placeholderMarker(temp) : null },
  };
}

/**
 * Applies write-back edits to a PRD page and returns the new storage XHTML.
 *
 * - Adds a ticket column ("JIRA Ticket") when the table has none, giving every row a cell (short rows are
 *   padded with empty cells, full-width separator rows get a wider colspan, a matching `colgroup` a `col`).
 * - `placeholder` edits write `[TEMP-{uuid}](placeholder)`; `link` edits replace the row's marker (or its
 *   plain-text key, or an empty cell) with `<a href="{siteUrl}/browse/KEY">KEY</a>`. A cell that already
 *   shows the key as a Jira macro or link is left as it is.
 * - Only the ticket cells of matched rows (and the column addition) change; the returned `splices` list
 *   every replacement in the original's coordinates.
 *
 * @throws PrdError `no_story_table` / `no_title_column` like the parser, `invalid_edit` for a malformed key,
 *   temp id or missing site URL, `malformed_xhtml` when a row or cell to edit is not properly closed.
 */
export function writeBackPrdTable(
  xhtml: string,
  edits: PrdWriteBackEdit[],
  options: PrdWriteBackOptions = {},
): PrdWriteBackResult {
  validate(edits, options);
  const table = locateStoryTable(loadXhtml(xhtml));
  const rows: RowInfo[] = [];
  for (const row of table.rows.slice(table.headerRow + 1)) {
    const reading = readStoryRow(table, row, true);
    if (reading.kind === 'story') {
      rows.push({
        row,
        story: reading.story,
        keyForm: reading.keyForm,
        title: normaliseTitle(reading.story.title),
      });
    }
  }

  const index = new RowIndex(rows);
  const taken = new Set<RowInfo>();
  const reports: PrdWriteBackRowReport[] = [];
  const contents = new Map<number, NonNullable<Decision['content']>>();
  edits.forEach((edit, i) => {
    const { target, conflict } = resolve(edit, index, taken);
    if (!target) {
      reports.push({
        edit_index: i,
        status: conflict ? 'conflict' : 'not_found',
        row_index: null,
        matched_by: null,
        message: conflict ?? 'No row of the story table matches this edit (by marker, key, row or title).',
      });
      return;
    }
    taken.add(target.info);
    const decision = decide(edit, target.info, options);
    if (decision.content) contents.set(target.info.row.index, decision.content);
    reports.push({
      edit_index: i,
      status: decision.status,
      row_index: target.info.row.index,
      matched_by: target.by,
      message: decision.message,
    });
  });

  if (contents.size === 0) {
    return { xhtml, changed: false, column_added: false, rows: reports, splices: [] };
  }
  const { splices, blocked } = planSplices(xhtml, table, contents, options.columnHeader ?? 'JIRA Ticket');
  for (const report of reports) {
    const reason = report.row_index === null ? undefined : blocked.get(report.row_index);
    if (reason && report.status === 'written') {
      report.status = 'conflict';
      report.message = reason;
    }
  }
  const out = applySplices(xhtml, splices);
  return {
    xhtml: out,
    changed: out !== xhtml,
    column_added: table.columns.ticket === null,
    rows: reports,
    splices,
  };
}

function planSplices(
  src: string,
  table: StoryTable,
  contents: Map<number, NonNullable<Decision['content']>>,
  header: string,
): { splices: PrdSplice[]; blocked: Map<number, string> } {
  const splices: PrdSplice[] = [];
  const blocked = new Map<number, string>();
  const adding = table.columns.ticket === null;
  const ticketCol = table.columns.ticket ?? table.width;

  for (const row of table.rows) {
    const isHeader = row.index === table.headerRow;
    const content = contents.get(row.index);
    if (!adding && !content) continue;
    const occupant = row.grid[ticketCol] ?? null;

    if (occupant && occupant.row === row.index && content) {
      const cell = span(src, occupant.el, `the ticket cell of row ${row.index}`);
      if (cell.selfClosing) {
        const open = src.slice(cell.start, cell.end - 1).replace(/\s+$/, '');
        const text = `${open}><p>${content.html}</p></${occupant.el.name}>`;
        splices.push({ start: cell.start, end: cell.end + 1, text });
        continue;
      }
      const inner = src.slice(cell.openEnd + 1, cell.closeStart);
      const at = content.replaceMarker
        ? inner.toLowerCase().indexOf(content.replaceMarker.toLowerCase())
        : -1;
      if (at >= 0) {
        const start = cell.openEnd + 1 + at;
        splices.push({ start, end: start + content.replaceMarker!.length, text: content.html });
      } else {
        splices.push({ start: cell.openEnd + 1, end: cell.closeStart, text: `<p>${content.html}</p>` });
      }
      continue;
    }
    if (occupant) {
      if (content)
        blocked.set(row.index, `The ticket cell of row ${row.index} is merged with row ${occupant.row}.`);
      continue;
    }

    const only = row.cells.length === 1 ? row.cells[0]! : null;
    if (adding && !isHeader && !content && only && table.width > 1 && only.colspan >= table.width) {
      // A full-width separator or caption row keeps spanning the whole table.
      const cell = span(src, only.el, `row ${row.index}`);
      const openTag = src.slice(cell.start, cell.openEnd);
      const m = /\bcolspan\s*=\s*(["']?)(\d+)\1/i.exec(openTag);
      if (m) {
        const start = cell.start + m.index + m[0].length - m[1]!.length - m[2]!.length;
        splices.push({ start, end: start + m[2]!.length, text: String(only.colspan + 1) });
        continue;
      }
    }

    const tr = span(src, row.tr, `row ${row.index}`);
    if (tr.selfClosing)
      throw new PrdError('malformed_xhtml', `Row ${row.index} of the story table is an empty <tr/>.`);
    const last = row.cells[row.cells.length - 1];
    const from = last ? last.col + last.colspan : 0;
    let pads = 0;
    for (let c = from; c < ticketCol; c++) if (!row.grid[c]) pads++;
    const tag = row.index <= table.headerRow && last && tagName(last.el) === 'th' ? 'th' : 'td';
    const cls = classAttr(last);
    const empty = `<${tag}${cls}><p /></${tag}>`;
    let cell: string;
    if (isHeader) cell = `<${tag}${cls}><p><strong>${escapeXml(header)}</strong></p></${tag}>`;
    else if (content) cell = `<td${cls}><p>${content.html}</p></td>`;
    else cell = empty;
    splices.push({ start: tr.closeStart, end: tr.closeStart, text: empty.repeat(pads) + cell });
  }

  if (adding) {
    const colgroup = childElements(table.table).find((c) => tagName(c) === 'colgroup');
    if (colgroup) {
      const cols = childElements(colgroup).filter((c) => tagName(c) === 'col');
      const s = elementSpan(src, colgroup);
      if (s && !s.selfClosing && cols.length === table.width) {
        splices.push({ start: s.closeStart, end: s.closeStart, text: '<col />' });
      }
    }
  }
  return { splices, blocked };
}

function applySplices(src: string, splices: PrdSplice[]): string {
  splices.sort((a, b) => a.start - b.start || a.end - b.end);
  let out = '';
  let pos = 0;
  for (const s of splices) {
    if (s.start < pos) throw new Error(`overlapping write-back splices at ${s.start}`);
    out += src.slice(pos, s.start) + s.text;
    pos = s.end;
  }
  return out + src.slice(pos);
}
