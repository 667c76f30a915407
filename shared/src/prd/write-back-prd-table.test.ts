import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isErrorExpectation, loadCorpus } from './corpus.test-helpers.js';
import { locateStoryTable } from './find-story-table.js';
import { parsePrdPage } from './parse-prd-page.js';
import { planPrdSync, prdLinkEdit, prdPlaceholderEdits } from './plan-prd-sync.js';
import { PrdError } from './prd-error.js';
import type { PrdParseResult, PrdSplice, PrdWriteBackEdit, PrdWriteBackResult } from './prd-schemas.js';
import { writeBackPrdTable } from './write-back-prd-table.js';
import { elementSpan, findElements, loadXhtml, tagName } from './xhtml-dom.js';

const SITE = 'https://acme.atlassian.net';

function ids(seed = 0) {
  let n = seed;
  return () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
}

/**
 * Where write-back may touch the original page, computed from the original's own structure: inside the
 * story table's existing ticket cells, at the end of its rows and colgroup, and on colspan values.
 */
function allowedRegions(xhtml: string) {
  const table = locateStoryTable(loadXhtml(xhtml));
  const ranges: Array<[number, number]> = [];
  const points = new Set<number>();
  for (const row of table.rows) {
    const tr = elementSpan(xhtml, row.tr);
    if (tr) points.add(tr.closeStart);
    for (const cell of row.cells) {
      const s = elementSpan(xhtml, cell.el);
      if (!s) continue;
      const isTicket = table.columns.ticket !== null && cell.col === table.columns.ticket;
      if (isTicket) ranges.push(s.selfClosing ? [s.start, s.end + 1] : [s.openEnd + 1, s.closeStart]);
      const m = /\bcolspan\s*=\s*["']?(\d+)/i.exec(xhtml.slice(s.start, s.openEnd));
      if (m) {
        const at = s.start + m.index + m[0].length - m[1]!.length;
        ranges.push([at, at + m[1]!.length]);
      }
    }
  }
  for (const cg of findElements(table.table, (el) => tagName(el) === 'colgroup')) {
    const s = elementSpan(xhtml, cg);
    if (s) points.add(s.closeStart);
  }
  const start = table.table.startIndex!;
  const end = table.table.endIndex! + 1;
  return { ranges, points, start, end };
}

function applyOwn(src: string, splices: PrdSplice[]): string {
  let out = '';
  let pos = 0;
  for (const s of [...splices].sort((a, b) => a.start - b.start)) {
    out += src.slice(pos, s.start) + s.text;
    pos = s.end;
  }
  return out + src.slice(pos);
}

/** Asserts that the new page differs from the original only inside the allowed regions. */
function expectPreserved(original: string, result: PrdWriteBackResult): void {
  const allowed = allowedRegions(original);
  // Everything before and after the story table is byte-identical.
  expect(result.xhtml.slice(0, allowed.start)).toBe(original.slice(0, allowed.start));
  expect(result.xhtml.slice(result.xhtml.length - (original.length - allowed.end))).toBe(
    original.slice(allowed.end),
  );
  // Inside it, the new page is the original plus the reported splices, each in an allowed place.
  expect(applyOwn(original, result.splices)).toBe(result.xhtml);
  for (const s of result.splices) {
    const ok =
      (s.start === s.end && allowed.points.has(s.start)) ||
      allowed.ranges.some(([a, b]) => a <= s.start && s.end <= b);
    expect(ok, `splice ${JSON.stringify(s)} touches bytes outside the ticket cells`).toBe(true);
  }
}

function withoutTicketFields(parsed: PrdParseResult) {
  return parsed.stories.map(({ jira_key, temp_id, ...rest }) => rest);
}

// bad-truncated is refused by write-back (tested below); every other readable page must round-trip.
const corpus = loadCorpus().filter((f) => !isErrorExpectation(f.expected) && f.name !== 'bad-truncated');

describe('writeBackPrdTable round trips over the corpus', () => {
  for (const fixture of corpus) {
    it(`${fixture.name}: dry run markers, then links, keep the stories and every other byte`, () => {
      const before = parsePrdPage(fixture.xhtml);
      const plan = planPrdSync(before, 'update', { newId: ids() });

      const dry = writeBackPrdTable(fixture.xhtml, prdPlaceholderEdits(plan));
      expectPreserved(fixture.xhtml, dry);
      const afterDry = parsePrdPage(dry.xhtml);
      expect(withoutTicketFields(afterDry)).toEqual(withoutTicketFields(before));
      expect(afterDry.columns.jira_ticket).toBe(before.columns.jira_ticket ?? 'JIRA Ticket');
      for (const row of plan.rows.filter((r) => r.action === 'create')) {
        expect(afterDry.stories.find((s) => s.row_index === row.row_index)?.temp_id).toBe(row.temp_id);
      }
      // Running the dry run again changes nothing.
      const again = writeBackPrdTable(dry.xhtml, prdPlaceholderEdits(planPrdSync(afterDry, 'update')));
      expect(again.xhtml).toBe(dry.xhtml);
      expect(again.changed).toBe(false);

      // Real run: the planner reuses the markers, and every created or updated row gets its link.
      const real = planPrdSync(afterDry, 'update', { newId: ids(100) });
      const keys = new Map(real.rows.map((r, i) => [r.row_index, r.jira_key ?? `NEW-${i + 1}`]));
      const linkEdits = real.rows
        .filter((r) => r.action === 'create' || r.action === 'update')
        .map((r) => prdLinkEdit(r, keys.get(r.row_index)!));
      const linked = writeBackPrdTable(dry.xhtml, linkEdits, { siteUrl: SITE });
      expectPreserved(dry.xhtml, linked);
      const afterLinks = parsePrdPage(linked.xhtml);
      expect(withoutTicketFields(afterLinks)).toEqual(withoutTicketFields(before));
      for (const row of real.rows.filter((r) => r.action === 'create' || r.action === 'update')) {
        const story = afterLinks.stories.find((s) => s.row_index === row.row_index)!;
        expect(story.jira_key).toBe(keys.get(row.row_index));
        expect(story.temp_id).toBeNull();
        if (row.action === 'create') {
          expect(linked.xhtml).toContain(`<a href="${SITE}/browse/${story.jira_key}">${story.jira_key}</a>`);
        }
      }
      // A re-sync after the real run creates nothing.
      expect(planPrdSync(afterLinks, 'skip').counts.create).toBe(0);
    });
  }
});

const page = (rows: string, head = '<tr><th>Title</th><th>Description</th></tr>') =>
  `<h1>PRD</h1><p>Intro &amp; more</p><h2>Story List</h2><table><tbody>${head}${rows}</tbody></table><p>After</p>`;

describe('writeBackPrdTable', () => {
  it('adds a JIRA Ticket column, pads short rows and widens full-width separator rows', () => {
    const xhtml = page(
      '<tr><td>A</td><td>a</td></tr><tr><td colspan="2"><strong>Phase 2</strong></td></tr><tr><td>B</td></tr>',
    );
    const result = writeBackPrdTable(xhtml, [
      { kind: 'placeholder', temp_id: '0f8fad5b-d9cb-469f-a165-70867728950e', title: 'B' },
    ]);
    expect(result.column_added).toBe(true);
    expect(result.xhtml).toBe(
      page(
        '<tr><td>A</td><td>a</td><td><p /></td></tr><tr><td colspan="3"><strong>Phase 2</strong></td></tr>' +
          '<tr><td>B</td><td><p /></td><td><p>[TEMP-0f8fad5b-d9cb-469f-a165-70867728950e](placeholder)</p></td></tr>',
        '<tr><th>Title</th><th>Description</th><th><p><strong>JIRA Ticket</strong></p></th></tr>',
      ),
    );
    expect(result.rows).toEqual([
      { edit_index: 0, status: 'written', row_index: 3, matched_by: 'title', message: null },
    ]);
  });

  it('copies the class of neighbouring cells into new ones (legacy tables)', () => {
    const xhtml = page(
      '<tr><td class="confluenceTd">A</td></tr>',
      '<tr><th class="confluenceTh">Title</th></tr>',
    );
    const result = writeBackPrdTable(xhtml, [
      { kind: 'placeholder', temp_id: '0f8fad5b-d9cb-469f-a165-70867728950e', title: 'A' },
    ]);
    expect(result.xhtml).toContain('<th class="confluenceTh"><p><strong>JIRA Ticket</strong></p></th>');
    expect(result.xhtml).toContain('<td class="confluenceTd"><p>[TEMP-');
  });

  it('replaces only the marker inside a ticket cell that has other content', () => {
    const xhtml = page(
      '<tr><td>A</td><td><p>See notes. [TEMP-0f8fad5b-d9cb-469f-a165-70867728950e](placeholder) (PM)</p></td></tr>',
      '<tr><th>Title</th><th>JIRA Ticket</th></tr>',
    );
    const result = writeBackPrdTable(
      xhtml,
      [{ kind: 'link', jira_key: 'AB-12', temp_id: '0f8fad5b-d9cb-469f-a165-70867728950e' }],
      { siteUrl: `${SITE}/` },
    );
    expect(result.xhtml).toContain(`<p>See notes. <a href="${SITE}/browse/AB-12">AB-12</a> (PM)</p>`);
    expect(result.rows[0]).toMatchObject({ status: 'written', matched_by: 'temp_id' });
  });

  it('falls back to title matching, ignoring case and punctuation, when no marker exists', () => {
    const xhtml = page('<tr><td>Export&nbsp;CSV!</td><td /></tr>', '<tr><th>Title</th><th>Jira</th></tr>');
    const result = writeBackPrdTable(xhtml, [{ kind: 'link', jira_key: 'AB-3', title: 'export csv' }], {
      siteUrl: SITE,
    });
    expect(result.rows[0]).toMatchObject({ status: 'written', matched_by: 'title', row_index: 1 });
    expect(parsePrdPage(result.xhtml).stories[0]?.jira_key).toBe('AB-3');
  });

  it('matches rows with the same title one by one, never twice', () => {
    const xhtml = page(
      '<tr><td>Same</td><td /></tr><tr><td>Same</td><td /></tr>',
      '<tr><th>Title</th><th>Jira</th></tr>',
    );
    const result = writeBackPrdTable(
      xhtml,
      [
        { kind: 'link', jira_key: 'AB-1', title: 'Same' },
        { kind: 'link', jira_key: 'AB-2', title: 'Same' },
        { kind: 'link', jira_key: 'AB-3', title: 'Same' },
      ],
      { siteUrl: SITE },
    );
    expect(result.rows.map((r) => [r.status, r.row_index])).toEqual([
      ['written', 1],
      ['written', 2],
      ['not_found', null],
    ]);
    expect(parsePrdPage(result.xhtml).stories.map((s) => s.jira_key)).toEqual(['AB-1', 'AB-2']);
  });

  it('leaves a ticket cell alone when it already shows the key as a macro or link', () => {
    const macro =
      '<ac:structured-macro ac:name="jira"><ac:parameter ac:name="key">AB-5</ac:parameter></ac:structured-macro>';
    const xhtml = page(
      `<tr><td>A</td><td>${macro}</td></tr><tr><td>B</td><td><a href="${SITE}/browse/AB-6">AB-6</a></td></tr><tr><td>C</td><td>AB-7</td></tr>`,
      '<tr><th>Title</th><th>Jira</th></tr>',
    );
    const result = writeBackPrdTable(
      xhtml,
      ['AB-5', 'AB-6', 'AB-7'].map((k): PrdWriteBackEdit => ({ kind: 'link', jira_key: k })),
      { siteUrl: SITE },
    );
    expect(result.rows.map((r) => [r.status, r.matched_by])).toEqual([
      ['unchanged', 'jira_key'],
      ['unchanged', 'jira_key'],
      ['written', 'jira_key'],
    ]);
    expect(result.xhtml).toContain(macro);
    expect(result.xhtml).toContain(`<td><p><a href="${SITE}/browse/AB-7">AB-7</a></p></td>`);
  });

  it('refuses to put a placeholder or another key into a row linked to a ticket', () => {
    const xhtml = page('<tr><td>A</td><td>AB-5</td></tr>', '<tr><th>Title</th><th>Jira</th></tr>');
    const result = writeBackPrdTable(
      xhtml,
      [
        { kind: 'placeholder', temp_id: '0f8fad5b-d9cb-469f-a165-70867728950e', row_index: 1 },
        { kind: 'link', jira_key: 'AB-9', title: 'A' },
      ],
      { siteUrl: SITE },
    );
    expect(result.rows.map((r) => r.status)).toEqual(['not_found', 'conflict']);
    expect(result.rows[1]?.message).toContain('already holds AB-5');
    expect(result.xhtml).toBe(xhtml);
  });

  it('uses row_index only while the row still has the expected title', () => {
    const xhtml = page(
      '<tr><td>A</td><td /></tr><tr><td>B</td><td /></tr>',
      '<tr><th>Title</th><th>Jira</th></tr>',
    );
    const result = writeBackPrdTable(xhtml, [{ kind: 'link', jira_key: 'AB-1', row_index: 1, title: 'B' }], {
      siteUrl: SITE,
    });
    expect(result.rows[0]).toMatchObject({ matched_by: 'title', row_index: 2 });
  });

  it('reports a ticket cell merged with another row as a conflict and leaves the page unchanged', () => {
    const xhtml = page(
      '<tr><td>A</td><td rowspan="2">AB-1</td></tr><tr><td>B</td></tr>',
      '<tr><th>Title</th><th>Jira</th></tr>',
    );
    const result = writeBackPrdTable(xhtml, [{ kind: 'link', jira_key: 'AB-2', title: 'B' }], {
      siteUrl: SITE,
    });
    expect(result.rows[0]).toMatchObject({ status: 'conflict', row_index: 2 });
    expect(result.xhtml).toBe(xhtml);
  });

  it('fills a self-closing ticket cell and a row that lacks the ticket cell', () => {
    const xhtml = page(
      '<tr><td>A</td><td /></tr><tr><td>B</td></tr>',
      '<tr><th>Title</th><th>Jira</th></tr>',
    );
    const result = writeBackPrdTable(
      xhtml,
      [
        { kind: 'link', jira_key: 'AB-1', title: 'A' },
        { kind: 'link', jira_key: 'AB-2', title: 'B' },
      ],
      { siteUrl: SITE },
    );
    expect(result.column_added).toBe(false);
    expect(result.xhtml).toContain(
      `<tr><td>A</td><td><p><a href="${SITE}/browse/AB-1">AB-1</a></p></td></tr>`,
    );
    expect(result.xhtml).toContain(
      `<tr><td>B</td><td><p><a href="${SITE}/browse/AB-2">AB-2</a></p></td></tr>`,
    );
  });

  it('escapes the link URL', () => {
    const xhtml = page('<tr><td>A</td></tr>', '<tr><th>Title</th></tr>');
    const result = writeBackPrdTable(xhtml, [
      { kind: 'link', jira_key: 'AB-1', title: 'A', url: 'https://x.test/browse/AB-1?a=1&b="2"' },
    ]);
    expect(result.xhtml).toContain('<a href="https://x.test/browse/AB-1?a=1&amp;b=&quot;2&quot;">AB-1</a>');
  });

  it('returns the page untouched when no edit matches', () => {
    const xhtml = page('<tr><td>A</td></tr>');
    const result = writeBackPrdTable(xhtml, [{ kind: 'link', jira_key: 'AB-1', title: 'Zzz' }], {
      siteUrl: SITE,
    });
    expect(result).toMatchObject({ xhtml, changed: false, column_added: false, splices: [] });
    expect(result.rows[0]?.status).toBe('not_found');
  });

  it('rejects malformed edits with a typed error', () => {
    const xhtml = page('<tr><td>A</td></tr>');
    const codeOf = (edits: PrdWriteBackEdit[], siteUrl?: string) => {
      try {
        writeBackPrdTable(xhtml, edits, { siteUrl });
        return 'no error';
      } catch (e) {
        return e instanceof PrdError ? e.code : String(e);
      }
    };
    expect(codeOf([{ kind: 'link', jira_key: 'not a key', title: 'A' }], SITE)).toBe('invalid_edit');
    expect(codeOf([{ kind: 'placeholder', temp_id: 'abc' }])).toBe('invalid_edit');
    expect(codeOf([{ kind: 'link', jira_key: 'AB-1' }])).toBe('invalid_edit');
  });

  it('refuses to splice into a table whose rows are not closed (truncated page)', () => {
    const truncated = loadCorpus().find((f) => f.name === 'bad-truncated')!;
    expect(parsePrdPage(truncated.xhtml).stories).toHaveLength(2);
    let error: unknown;
    try {
      writeBackPrdTable(truncated.xhtml, [
        { kind: 'placeholder', temp_id: '0f8fad5b-d9cb-469f-a165-70867728950e', title: 'Kill switch' },
      ]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PrdError);
    expect((error as PrdError).code).toBe('malformed_xhtml');
    expect((error as PrdError).message).toMatch(/not closed properly/);
  });

  it('throws the parser error for a page without a story table', () => {
    expect(() => writeBackPrdTable('<p>nothing</p>', [])).toThrow(PrdError);
  });
});

// ---- property: whatever the page looks like, write-back only touches the ticket cells -------------

const text = fc.stringMatching(/^[A-Za-z0-9 ,.]{0,12}$/);
const entity = fc.constantFrom('&amp;', '&nbsp;', '&#8217;', '&lt;b&gt;', '&mdash;');
const cellText = fc
  .array(fc.oneof(text, entity), { minLength: 0, maxLength: 3 })
  .map((parts) => parts.join(''));
const decoration = fc.constantFrom(
  '<p>plain</p>',
  '<ac:structured-macro ac:name="code"><ac:plain-text-body><![CDATA[<td>x</td> & </tr>]]></ac:plain-text-body></ac:structured-macro>',
  '<table><tr><th>Title</th></tr><tr><td>other table</td></tr></table>',
  '<p><ac:link><ri:user ri:account-id="5b10ac8d82e05b22cc7d4ef5" /></ac:link> &amp; <ac:emoticon ac:name="smile" /></p>',
  '<!-- comment <tr> -->',
  '\n  ',
);

const pageArb = fc
  .record({
    before: fc.array(decoration, { maxLength: 3 }),
    after: fc.array(decoration, { maxLength: 3 }),
    withTicket: fc.boolean(),
    withColgroup: fc.boolean(),
    cellAttr: fc.constantFrom('', ' class="confluenceTd"', ' style="text-align: left;"', " data-x='a>b'"),
    rows: fc.array(
      fc.record({
        desc: cellText,
        ticket: fc.constantFrom('', '<p />', 'XY-9', '<p>n/a</p>'),
        short: fc.boolean(),
        separator: fc.boolean(),
      }),
      { minLength: 1, maxLength: 8 },
    ),
  })
  .map((p) => {
    const width = p.withTicket ? 3 : 2;
    const head = `<tr><th>Title</th><th>Description</th>${p.withTicket ? '<th>JIRA Ticket</th>' : ''}</tr>`;
    const body = p.rows
      .map((r, i) => {
        if (r.separator)
          return `<tr><td colspan="${width}"${p.cellAttr}><strong>Group ${i}</strong></td></tr>`;
        const title = `<td${p.cellAttr}><p>Story ${i} ${r.desc.slice(0, 3)}</p></td>`;
        if (r.short) return `<tr>${title}</tr>`;
        const ticket = p.withTicket ? `<td${p.cellAttr}>${r.ticket}</td>` : '';
        return `<tr>${title}<td${p.cellAttr}>${r.desc}</td>${ticket}</tr>`;
      })
      .join('\n');
    const colgroup = p.withColgroup
      ? `<colgroup>${'<col style="width: 10px;" />'.repeat(width)}</colgroup>`
      : '';
    return `${p.before.join('')}<h2>Story List</h2><table>${colgroup}<tbody>${head}${body}</tbody></table>${p.after.join('')}`;
  });

describe('writeBackPrdTable preservation property', () => {
  it('changes only ticket cells (and the added column) and keeps every story readable', () => {
    fc.assert(
      fc.property(pageArb, fc.boolean(), (xhtml, updateExisting) => {
        const before = parsePrdPage(xhtml);
        const plan = planPrdSync(before, updateExisting ? 'update' : 'skip', { newId: ids() });
        const dry = writeBackPrdTable(xhtml, prdPlaceholderEdits(plan));
        expectPreserved(xhtml, dry);
        const afterDry = parsePrdPage(dry.xhtml);
        expect(withoutTicketFields(afterDry)).toEqual(withoutTicketFields(before));

        const real = planPrdSync(afterDry, updateExisting ? 'update' : 'skip');
        const edits = real.rows
          .filter((r) => r.action === 'create' || r.action === 'update')
          .map((r, i) => prdLinkEdit(r, r.jira_key ?? `NEW-${i + 1}`));
        const linked = writeBackPrdTable(dry.xhtml, edits, { siteUrl: SITE });
        expectPreserved(dry.xhtml, linked);
        const afterLinks = parsePrdPage(linked.xhtml);
        expect(withoutTicketFields(afterLinks)).toEqual(withoutTicketFields(before));
        expect(afterLinks.stories.filter((s) => s.temp_id !== null)).toEqual([]);
        expect(afterLinks.stories.every((s) => s.jira_key !== null)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});
