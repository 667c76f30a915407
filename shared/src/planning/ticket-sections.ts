/**
 * The one format of the ticket descriptions Augment writes to Jira, and its reading back.
 *
 * A description is the prose (the ticket's own description, markdown) followed by sections, each under a
 * "##" heading: planning facts, scope, out of scope, acceptance criteria, technical notes, test cases,
 * open questions. Editorial notes ("Proposed from the summary; please review") and footers ("Synced from
 * the PRD ...") are GitHub alerts (`> [!NOTE]`), which the Jira adapter turns into note panels and back,
 * so they survive markdown -> ADF -> markdown and are never read as criteria or as the description.
 *
 * Three operations, one grammar: `writeTicketDescription` (sections -> markdown),
 * `readTicketDescription` (markdown -> sections; also reads hand-written tickets: "Acceptance criteria:"
 * lines, bold headings, Given/When/Then over several lines) and `updateTicketBlocks` (replace or append
 * the parts given, keeping every other block as it is; generic over the block type, so the runner applies
 * it to ADF nodes and this module to markdown). Markdown is parsed with `marked`, the parser the
 * markdown -> ADF converter uses, so both read the same structure.
 *
 * Items of list sections are plain text: the writer escapes them and the reader returns their text, so
 * `readTicketDescription(writeTicketDescription(x))` gives back `x` for any text (whitespace runs count
 * as one space, as in ADF). The description and notes are markdown, kept as written.
 */
import { Lexer, type Token, type Tokens } from 'marked';
import { type TestCase, TestPriority, TestType } from './schemas.js';

/** The sections a ticket description can hold, in the order they are written. */
export const TICKET_SECTION_KINDS = [
  'planning',
  'scope',
  'out_of_scope',
  'acceptance_criteria',
  'technical_notes',
  'test_cases',
  'open_questions',
] as const;
export type TicketSectionKind = (typeof TICKET_SECTION_KINDS)[number];
export type TicketListSectionKind = Exclude<TicketSectionKind, 'test_cases'>;

/** How each section is written (`title`) and which other headings read as it. */
export const TICKET_SECTIONS: Readonly<
  Record<TicketSectionKind, { title: string; aliases: readonly string[] }>
> = {
  planning: { title: 'Planning', aliases: [] },
  scope: { title: 'Scope', aliases: ['in scope'] },
  out_of_scope: {
    title: 'Out of scope',
    aliases: ['non-goals', 'non goals', 'non-goal', 'not included', 'not in scope'],
  },
  acceptance_criteria: {
    title: 'Acceptance criteria',
    aliases: ['acceptance criteria covered', 'acceptance criterion', 'ac', 'definition of done', 'dod'],
  },
  technical_notes: { title: 'Technical notes', aliases: ['tech notes', 'implementation notes'] },
  test_cases: { title: 'Test cases', aliases: ['tests', 'test plan'] },
  open_questions: { title: 'Open questions', aliases: ['questions'] },
};

/** Headings whose content is the description itself: read as prose, written without a heading. */
const DESCRIPTION_TITLES: readonly string[] = ['context', 'description'];

/** The alert that marks an editorial note (GitHub's syntax; a note panel in Jira). */
export const NOTE_ALERT = 'NOTE';

/** A ticket description, part by part. */
export interface TicketSections {
  /** The ticket's own description (markdown), everything outside the sections. */
  description: string;
  planning: string[];
  scope: string[];
  out_of_scope: string[];
  acceptance_criteria: string[];
  technical_notes: string[];
  test_cases: TestCase[];
  open_questions: string[];
  /** Editorial notes about one section (markdown), written under its heading; they go when it is replaced. */
  notes: Partial<Record<TicketSectionKind, string[]>>;
  /** Notes about the whole ticket (markdown), written last: "Synced from the PRD ...". */
  footer: string[];
}

/** The parts to write or change; parts not given are left out (write) or kept (update). */
export type TicketSectionsPatch = Partial<TicketSections>;

export interface WriteOptions {
  /** Headings other than the usual ones (a task lists its "Acceptance criteria covered"). */
  titles?: Partial<Record<TicketSectionKind, string>>;
}

// ---- text ---------------------------------------------------------------------------------------------

/** One line of plain text as ADF keeps it: whitespace runs are one space, no space at either end. */
export function normaliseItem(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * Escapes plain text so that markdown reads it back as the same text: every character that could open
 * emphasis, code, a link, HTML or a strikethrough, and at the start of a line anything that would make a
 * heading, a list, a quote or a rule. URLs stay text: an autolink would keep the escapes in its label.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\`*_[\]<>#~|]/g, '\\$&')
    .replace(/(https?|ftp):/gi, '$1\\:')
    .replace(/(www)\./gi, '$1\\.')
    .replace(/^([-+=:])/gm, '\\$1')
    .replace(/^(\d+)([.)])/gm, '$1\\$2');
}

/** Plain text (paragraphs separated by blank lines) as markdown that reads back as the same text. */
export function plainTextToMarkdown(text: string): string {
  return text
    .split(/\n\s*\n/)
    .map((p) => escapeMarkdown(normaliseItem(p)))
    .filter(Boolean)
    .join('\n\n');
}

const lexer = () => new Lexer({ gfm: true });

/** The text of inline tokens, marks and escapes removed (what a text node of the ADF holds). */
function inlineText(tokens: readonly Token[] | undefined): string {
  let out = '';
  for (const t of tokens ?? []) {
    switch (t.type) {
      case 'escape':
      case 'codespan':
        out += (t as Tokens.Escape).text;
        break;
      case 'br':
        out += '\n';
        break;
      // The markdown -> ADF converter drops inline HTML and turns images into media: no text either way.
      case 'html':
      case 'image':
        break;
      default: {
        const nested = (t as { tokens?: Token[] }).tokens;
        out += nested ? inlineText(nested) : ((t as { text?: string }).text ?? '');
      }
    }
  }
  return out;
}

/** Plain text of markdown blocks: one line per paragraph line, list item and table row. */
function blockLines(tokens: readonly Token[]): string[] {
  const out: string[] = [];
  for (const t of tokens) {
    switch (t.type) {
      case 'space':
      case 'hr':
        break;
      case 'heading':
      case 'paragraph':
      case 'text':
        out.push(...inlineLines(t));
        break;
      case 'list':
        for (const item of (t as Tokens.List).items) out.push(...blockLines(item.tokens));
        break;
      case 'blockquote':
        out.push(...blockLines((t as Tokens.Blockquote).tokens));
        break;
      case 'code':
        out.push(...(t as Tokens.Code).text.split('\n'));
        break;
      case 'table': {
        const table = t as Tokens.Table;
        for (const row of [table.header, ...table.rows]) {
          out.push(row.map((cell) => normaliseItem(inlineText(cell.tokens))).join(' | '));
        }
        break;
      }
      default:
        out.push(...inlineLines(t));
    }
  }
  return out.map(normaliseItem).filter(Boolean);
}

function inlineLines(t: Token): string[] {
  const nested = (t as { tokens?: Token[] }).tokens;
  const text = nested ? inlineText(nested) : ((t as { text?: string }).text ?? '');
  return text.split('\n');
}

/** Plain text of markdown (lines of paragraphs, list items and table rows), for planners and scoring. */
export function markdownToPlainText(markdown: string): string {
  return blockLines(lexer().lex(markdown)).join('\n');
}

// ---- blocks -------------------------------------------------------------------------------------------

/** What segmenting needs to know of a top-level block (a markdown token or an ADF node). */
export type BlockView =
  | { type: 'heading'; level: number; text: string }
  | { type: 'note' }
  | { type: 'space' }
  | { type: 'other' };

/** A paragraph standing alone as a heading ("Acceptance criteria:", "**Out of scope**") reads at this level. */
export const PARAGRAPH_HEADING_LEVEL = 7;

const cleanTitle = (text: string) =>
  normaliseItem(text)
    .replace(/^[*_]+|[*_]+$/g, '')
    .replace(/\s*:$/, '')
    .trim()
    .toLowerCase();

/** The section a heading opens: one of ours, the description ("Context"), or none. */
export function sectionOfHeading(text: string): TicketSectionKind | 'description' | undefined {
  const t = cleanTitle(text);
  if (DESCRIPTION_TITLES.includes(t)) return 'description';
  return TICKET_SECTION_KINDS.find(
    (k) => TICKET_SECTIONS[k].title.toLowerCase() === t || TICKET_SECTIONS[k].aliases.includes(t),
  );
}

/** A paragraph's view: a heading when its whole text names a section (with an optional colon). */
export function paragraphView(text: string): BlockView {
  const kind = sectionOfHeading(text);
  return kind && kind !== 'description' && /^[\s*_]*[\p{L} -]+[\s*_]*:?[\s*_]*$/u.test(text)
    ? { type: 'heading', level: PARAGRAPH_HEADING_LEVEL, text }
    : { type: 'other' };
}

const ALERT_LINE = /^\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\][ \t]*(?:\n|$)/i;
const LEGACY_NOTE = /^(?:proposed from the summary|synced from the prd)\b/i;

/**
 * Whether an emphasised paragraph is one of the notes earlier versions wrote in italics
 * ("_Proposed from the summary; please review._", "_Synced from the PRD ..._"): still a note, not text.
 */
export function isLegacyNote(plainText: string): boolean {
  return LEGACY_NOTE.test(plainText);
}

function tokenView(t: Token): BlockView {
  if (t.type === 'space') return { type: 'space' };
  if (t.type === 'heading') {
    const h = t as Tokens.Heading;
    return { type: 'heading', level: h.depth, text: normaliseItem(inlineText(h.tokens)) };
  }
  if (t.type === 'blockquote' && ALERT_LINE.test((t as Tokens.Blockquote).text)) return { type: 'note' };
  if (t.type === 'paragraph') {
    const p = t as Tokens.Paragraph;
    const text = normaliseItem(inlineText(p.tokens));
    if (p.tokens.length === 1 && p.tokens[0]!.type === 'em' && isLegacyNote(text)) return { type: 'note' };
    return paragraphView(text);
  }
  return { type: 'other' };
}

/** A run of blocks that is one part of a description. */
export interface Segment {
  part: 'description' | TicketSectionKind | 'footer';
  start: number;
  /** Exclusive. */
  end: number;
  /** Whether the first block is the part's own heading ("## Scope", "Acceptance criteria:", "## Context"). */
  headed: boolean;
}

/**
 * Splits blocks into parts. A section runs from its heading to the next heading of its level or above,
 * or to the next heading that names a section; "###" titles inside the test cases are its own. The
 * footer is the run of notes that ends the description. Everything else is description.
 */
export function segmentBlocks(views: readonly BlockView[]): Segment[] {
  // Where real headings name sections (as Augment writes them), a bold or "Title:" paragraph in the
  // description before them is the description's own wording (a task's "**Scope**"), not a section.
  const realSections = views.some(
    (v) =>
      v.type === 'heading' &&
      v.level < PARAGRAPH_HEADING_LEVEL &&
      !['description', undefined].includes(sectionOfHeading(v.text)),
  );
  let footerStart = views.length;
  for (let i = views.length - 1; i >= 0; i--) {
    const v = views[i]!;
    if (v.type === 'note') footerStart = i;
    else if (v.type !== 'space') break;
  }
  const out: Segment[] = [];
  let open: { seg: Segment; level: number } | undefined;
  const push = (seg: Segment, level: number) => {
    out.push(seg);
    open = { seg, level };
  };
  for (let i = 0; i < footerStart; i++) {
    const v = views[i]!;
    const inProse = !open || open.seg.part === 'description';
    if (v.type === 'heading' && !(v.level === PARAGRAPH_HEADING_LEVEL && realSections && inProse)) {
      const kind = sectionOfHeading(v.text);
      const inCases = open?.seg.part === 'test_cases';
      const deeper = open !== undefined && v.level > open.level;
      if (kind && !(inCases && (deeper || v.level === PARAGRAPH_HEADING_LEVEL))) {
        push({ part: kind, start: i, end: i + 1, headed: true }, v.level);
        continue;
      }
      if (!kind && (!open || !deeper)) {
        // An unknown heading closes the section it does not belong to and starts description.
        push({ part: 'description', start: i, end: i + 1, headed: false }, 0);
        continue;
      }
    }
    if (open) open.seg.end = i + 1;
    else push({ part: 'description', start: i, end: i + 1, headed: false }, 0);
  }
  if (footerStart < views.length) {
    out.push({ part: 'footer', start: footerStart, end: views.length, headed: false });
  }
  return out;
}

// ---- reading ------------------------------------------------------------------------------------------

const GWT_LINE = /^(?:given|when|then|and|but)\b/i;

/** Items of a list section: one per list item; paragraph lines one each, Given/When/Then lines together. */
function listItems(tokens: readonly Token[]): string[] {
  const out: string[] = [];
  let scenario: string[] = [];
  const flush = () => {
    if (scenario.length > 0) out.push(scenario.join(', '));
    scenario = [];
  };
  const line = (raw: string) => {
    const text = normaliseItem(raw);
    if (!text) return;
    if (GWT_LINE.test(text)) {
      if (/^given\b/i.test(text)) flush();
      scenario.push(text.replace(/[.]$/, ''));
      return;
    }
    flush();
    out.push(text);
  };
  const visit = (ts: readonly Token[]) => {
    for (const t of ts) {
      if (t.type === 'list') {
        flush();
        for (const item of (t as Tokens.List).items) {
          const [first, ...rest] = blockLinesOfItem(item);
          if (first !== undefined) out.push(first);
          // Lines a list item swallowed without a blank line before them are read as lines of their own.
          for (const r of rest) line(r);
        }
      } else if (t.type === 'blockquote') visit((t as Tokens.Blockquote).tokens);
      else if (t.type !== 'space' && t.type !== 'hr') {
        for (const l of blockLines([t])) line(l);
      }
    }
    flush();
  };
  visit(tokens);
  return out;
}

function blockLinesOfItem(item: Tokens.ListItem): string[] {
  const lines: string[] = [];
  for (const t of item.tokens) {
    if (t.type === 'list') {
      for (const nested of (t as Tokens.List).items) lines.push(...blockLinesOfItem(nested));
    } else if (t.type === 'text' || t.type === 'paragraph') {
      const text = inlineText((t as Tokens.Text).tokens ?? []) || (t as Tokens.Text).text;
      lines.push(...text.split('\n'));
    } else lines.push(...blockLines([t]));
  }
  return lines.map(normaliseItem).filter(Boolean);
}

const LABEL = /^(type|covers|expected)\s*:\s*/i;
// "Covers:" written on the next line without a blank line joins the same paragraph in ADF.
const META = /^type:\s*([a-z0-9]+)\s*·\s*priority:\s*([a-z]+)(?:\s+covers:\s*(.+))?$/i;

interface CaseParagraph {
  text: string;
  /** The label, when the paragraph starts with one in bold ("**Covers:** ..."). */
  bold?: string;
}

function caseParagraph(t: Tokens.Paragraph): CaseParagraph {
  const text = normaliseItem(inlineText(t.tokens));
  const first = t.tokens[0];
  if (first?.type === 'strong') {
    const label = LABEL.exec(`${normaliseItem(inlineText((first as Tokens.Strong).tokens))} `);
    if (label) return { text, bold: label[1]!.toLowerCase() };
  }
  return { text };
}

/**
 * Test cases under "### title" headings: a type and priority line, "Covers:", the description, numbered
 * steps and "Expected:". Labels written here are bold, so a description that starts with "Covers:" stays
 * description; plain labels (hand-written, or written before) are read where they stand in the format.
 */
function readTestCases(tokens: readonly Token[]): TestCase[] {
  const out: TestCase[] = [];
  let title: string | null = null;
  let body: Token[] = [];
  const flush = () => {
    if (title !== null) out.push(readTestCase(title, body));
    title = null;
    body = [];
  };
  for (const t of tokens) {
    if (t.type === 'heading') {
      flush();
      title = normaliseItem(inlineText((t as Tokens.Heading).tokens));
    } else if (title !== null) body.push(t);
  }
  flush();
  return out.filter((tc) => tc.title !== '');
}

function readTestCase(title: string, tokens: readonly Token[]): TestCase {
  const tc: TestCase = {
    title,
    type: 'acceptance',
    description: '',
    steps: [],
    expected_result: '',
    covers_criterion: null,
    priority: 'medium',
  };
  const paragraphs: CaseParagraph[] = [];
  for (const t of tokens) {
    if (t.type === 'list') {
      for (const item of (t as Tokens.List).items) tc.steps.push(...blockLinesOfItem(item).slice(0, 1));
    } else if (t.type === 'paragraph') paragraphs.push(caseParagraph(t as Tokens.Paragraph));
    else if (t.type !== 'space') paragraphs.push({ text: blockLines([t]).join(' ') });
  }
  const anyBold = paragraphs.some((p) => p.bold);
  const description: string[] = [];
  paragraphs.forEach((p, i) => {
    const plain = anyBold ? undefined : LABEL.exec(p.text)?.[1]?.toLowerCase();
    const label = p.bold ?? plain;
    const value = p.text.replace(LABEL, '');
    const meta = META.exec(p.text);
    if (meta && (label === 'type' || i === 0)) {
      const type = TestType.safeParse(meta[1]!.toLowerCase());
      const priority = TestPriority.safeParse(meta[2]!.toLowerCase());
      if (type.success) tc.type = type.data;
      if (priority.success) tc.priority = priority.data;
      if (meta[3]) tc.covers_criterion = meta[3];
    } else if (label === 'covers' && (p.bold || tc.covers_criterion === null)) tc.covers_criterion = value;
    else if (label === 'expected' && (p.bold || i === paragraphs.length - 1)) tc.expected_result = value;
    else if (p.text) description.push(p.text);
  });
  tc.description = description.join(' ');
  if (!tc.expected_result) tc.expected_result = 'As described';
  return tc;
}

/** The markdown of description blocks as written (the "## Context" heading itself left out). */
function descriptionMarkdown(raws: readonly string[]): string {
  return raws
    .map((r) => r.trim())
    .filter(Boolean)
    .join('\n\n');
}

/** The note's own markdown: the alert line and the quote markers removed (a legacy note as written). */
function noteMarkdown(t: Token): string {
  return t.type === 'blockquote'
    ? (t as Tokens.Blockquote).text.replace(ALERT_LINE, '').trim()
    : t.raw.trim();
}

export function emptySections(): TicketSections {
  return {
    description: '',
    planning: [],
    scope: [],
    out_of_scope: [],
    acceptance_criteria: [],
    technical_notes: [],
    test_cases: [],
    open_questions: [],
    notes: {},
    footer: [],
  };
}

/**
 * Reads a description (markdown, as written here or by hand) into its parts. Notes inside a section
 * belong to it; notes elsewhere are footers. Text under unknown headings stays description.
 */
export function readTicketDescription(markdown: string): TicketSections {
  const tokens = lexer().lex(markdown.replace(/\r\n?/g, '\n'));
  const views = tokens.map(tokenView);
  const out = emptySections();
  const descriptionRaws: string[] = [];
  for (const seg of segmentBlocks(views)) {
    const all = tokens.slice(seg.start, seg.end);
    const notes = all.filter((_, i) => views[seg.start + i]!.type === 'note');
    const body = all.filter((_, i) => views[seg.start + i]!.type !== 'note' && !(seg.headed && i === 0));
    if (seg.part === 'description' || seg.part === 'footer') {
      out.footer.push(...notes.map(noteMarkdown));
      descriptionRaws.push(...body.map((t) => t.raw));
      continue;
    }
    if (notes.length > 0) out.notes[seg.part] = [...(out.notes[seg.part] ?? []), ...notes.map(noteMarkdown)];
    if (seg.part === 'test_cases') out.test_cases.push(...readTestCases(body));
    else out[seg.part].push(...listItems(body));
  }
  out.description = descriptionMarkdown(descriptionRaws);
  return out;
}

// ---- writing ------------------------------------------------------------------------------------------

const GWT_KEYWORD = /(^|, )(given|when|then|and|but)(?= )/gi;

/** One list item; a Given/When/Then criterion gets its keywords in bold (the text reads back the same). */
function itemMarkdown(kind: TicketListSectionKind, item: string): string {
  const md = escapeMarkdown(normaliseItem(item));
  return kind === 'acceptance_criteria' && /^(?:given|when)\b/i.test(md)
    ? md.replace(GWT_KEYWORD, '$1**$2**')
    : md;
}

/** An editorial note as a GitHub alert. */
export function noteBlock(markdown: string): string {
  const lines = markdown.trim().split('\n');
  // A quoted blank line keeps the marker a paragraph of its own: a note such as ":-" would otherwise
  // read as the delimiter row of a table whose header is the marker.
  return [`> [!${NOTE_ALERT}]`, '>', ...lines.map((l) => (l.trim() ? `> ${l}` : '>'))].join('\n');
}

function testCaseBlocks(tc: TestCase): string[] {
  const out = [
    `### ${escapeMarkdown(normaliseItem(tc.title))}`,
    `**Type:** ${tc.type} · **Priority:** ${tc.priority}`,
  ];
  if (tc.covers_criterion !== null && normaliseItem(tc.covers_criterion)) {
    out.push(`**Covers:** ${escapeMarkdown(normaliseItem(tc.covers_criterion))}`);
  }
  if (normaliseItem(tc.description)) out.push(escapeMarkdown(normaliseItem(tc.description)));
  const steps = tc.steps.map(normaliseItem).filter(Boolean);
  if (steps.length > 0) out.push(steps.map((s, i) => `${i + 1}. ${escapeMarkdown(s)}`).join('\n'));
  out.push(`**Expected:** ${escapeMarkdown(normaliseItem(tc.expected_result) || 'As described')}`);
  return out;
}

function hasContent(kind: TicketSectionKind, parts: TicketSectionsPatch): boolean {
  if (kind === 'test_cases') return (parts.test_cases ?? []).some((t) => normaliseItem(t.title));
  return (parts[kind] ?? []).some((i) => normaliseItem(i));
}

/** The blocks of one section's body (its notes, then its items); none when it has no content. */
function sectionBody(kind: TicketSectionKind, parts: TicketSectionsPatch): string[] {
  if (!hasContent(kind, parts)) return [];
  const notes = (parts.notes?.[kind] ?? []).filter((n) => n.trim()).map(noteBlock);
  if (kind === 'test_cases') {
    const cases = (parts.test_cases ?? []).filter((t) => normaliseItem(t.title));
    return [...notes, ...cases.flatMap(testCaseBlocks)];
  }
  const items = (parts[kind] ?? []).filter((i) => normaliseItem(i));
  return [...notes, items.map((i) => `- ${itemMarkdown(kind, i)}`).join('\n')];
}

function sectionBlocks(kind: TicketSectionKind, parts: TicketSectionsPatch, opts: WriteOptions): string[] {
  const body = sectionBody(kind, parts);
  return body.length > 0 ? [`## ${opts.titles?.[kind] ?? TICKET_SECTIONS[kind].title}`, ...body] : [];
}

const joinBlocks = (blocks: readonly string[]) => {
  const text = blocks
    .map((b) => b.trim())
    .filter(Boolean)
    .join('\n\n');
  return text ? `${text}\n` : '';
};

/** One section as markdown (its heading, notes and items); '' when it has no content. */
export function writeTicketSection(
  kind: TicketSectionKind,
  parts: TicketSectionsPatch,
  opts: WriteOptions & { heading?: boolean } = {},
): string {
  return joinBlocks(opts.heading === false ? sectionBody(kind, parts) : sectionBlocks(kind, parts, opts));
}

/** The description as markdown: the prose, each section with content in its order, then the footer. */
export function writeTicketDescription(parts: TicketSectionsPatch, opts: WriteOptions = {}): string {
  return joinBlocks([
    parts.description?.trim() ?? '',
    ...TICKET_SECTION_KINDS.flatMap((k) => sectionBlocks(k, parts, opts)),
    ...(parts.footer ?? []).filter((n) => n.trim()).map(noteBlock),
  ]);
}

// ---- planning view ------------------------------------------------------------------------------------

const QUESTION = /\b(?:tbd|tbc|to be decided)\b|\?\s*$/i;

/** Whether a line asks rather than states ("TBD: ...", "Do we notify the warehouse?"). */
export function isOpenQuestion(text: string): boolean {
  return QUESTION.test(text);
}

/**
 * The description without its question lines (markdown; blocks without questions kept as written) and
 * the questions taken out, so a generator can list them under "Open questions" once.
 */
export function takeQuestions(markdown: string): { markdown: string; questions: string[] } {
  const questions: string[] = [];
  const blocks: string[] = [];
  for (const t of lexer().lex(markdown)) {
    if (t.type === 'space') continue;
    const lines = t.type === 'paragraph' || t.type === 'list' ? blockLines([t]) : [];
    const asked = lines.filter(isOpenQuestion);
    if (asked.length === 0) {
      blocks.push(t.raw.trim());
      continue;
    }
    questions.push(...asked);
    const kept = lines.filter((l) => !isOpenQuestion(l)).map(escapeMarkdown);
    if (kept.length > 0)
      blocks.push(t.type === 'list' ? kept.map((l) => `- ${l}`).join('\n') : kept.join(' '));
  }
  return { markdown: blocks.join('\n\n'), questions };
}

/** A ticket as the planners and the readiness rules read it. */
export interface TicketForPlanning {
  /** Plain text of the description, question lines left out. */
  description: string;
  /** Criteria that state something (a question among them counts as a question). */
  acceptance_criteria: string[];
  /** Open questions: the section's, and questions asked in the description or among the criteria. */
  questions: string[];
  out_of_scope: string[];
}

/** The planning view of a description's parts: statements apart from questions. */
export function ticketForPlanning(parts: TicketSections): TicketForPlanning {
  const lines = markdownToPlainText(parts.description).split('\n').filter(Boolean);
  const asked = [...lines, ...parts.acceptance_criteria, ...parts.out_of_scope].filter(isOpenQuestion);
  return {
    description: lines.filter((l) => !isOpenQuestion(l)).join('\n'),
    acceptance_criteria: parts.acceptance_criteria.filter((c) => !isOpenQuestion(c)),
    questions: [...new Set([...parts.open_questions, ...asked])],
    out_of_scope: parts.out_of_scope.filter((c) => !isOpenQuestion(c)),
  };
}

// ---- updating -----------------------------------------------------------------------------------------

export type UpdateMode = 'replace' | 'append';

/**
 * The blocks of a description after an update. `replace` swaps each part given (the description, a
 * section with its notes, the footer), keeping the section's own heading and the order of what exists;
 * a missing section is added in its usual place, an emptied one removed. `append` adds the given parts
 * after what each part holds. Blocks of the parts not given are returned as they are (the same objects).
 * `render` turns markdown written here into blocks of the caller's kind.
 */
export function updateTicketBlocks<T>(
  blocks: readonly T[],
  views: readonly BlockView[],
  patch: TicketSectionsPatch,
  mode: UpdateMode,
  render: (markdown: string) => T[],
  opts: WriteOptions = {},
): T[] {
  type Part = { part: Segment['part']; blocks: T[]; headed: boolean };
  const parts: Part[] = segmentBlocks(views)
    // Description made of blank blocks only (empty paragraphs) is no description.
    .filter((s) => s.part !== 'description' || views.slice(s.start, s.end).some((v) => v.type !== 'space'))
    .map((s) => ({ part: s.part, blocks: blocks.slice(s.start, s.end), headed: s.headed }));
  const renderIf = (md: string) => (md.trim() ? render(md) : []);

  if (patch.description !== undefined) {
    const prose = renderIf(patch.description);
    if (mode === 'replace') {
      const rest = parts.filter((p) => p.part !== 'description');
      parts.length = 0;
      if (prose.length > 0) parts.push({ part: 'description', blocks: prose, headed: false });
      parts.push(...rest);
    } else if (prose.length > 0) {
      const lastProse = parts.map((p) => p.part).lastIndexOf('description');
      const firstOther = parts.findIndex((p) => p.part !== 'description');
      const at = lastProse >= 0 ? lastProse + 1 : firstOther >= 0 ? firstOther : parts.length;
      parts.splice(at, 0, { part: 'description', blocks: prose, headed: false });
    }
  }

  TICKET_SECTION_KINDS.forEach((kind, order) => {
    if (patch[kind] === undefined) return;
    const existing = parts.filter((p) => p.part === kind);
    const first = existing[0];
    if (mode === 'append' && first) {
      // Appended items go after the section's own; notes stay where they are.
      const items: TicketSectionsPatch = { ...patch, notes: {} };
      first.blocks.push(...renderIf(writeTicketSection(kind, items, { heading: false })));
      return;
    }
    const body = renderIf(writeTicketSection(kind, patch, { heading: false }));
    for (const dup of existing.slice(1)) parts.splice(parts.indexOf(dup), 1);
    if (first) {
      if (body.length === 0) parts.splice(parts.indexOf(first), 1);
      // The section keeps its own heading ("Acceptance Criteria", "Acceptance criteria covered").
      else first.blocks = [...(first.headed ? first.blocks.slice(0, 1) : []), ...body];
      return;
    }
    if (body.length === 0) return;
    const later = new Set<Segment['part']>([...TICKET_SECTION_KINDS.slice(order + 1), 'footer']);
    const before = parts.findIndex((p) => later.has(p.part));
    parts.splice(before >= 0 ? before : parts.length, 0, {
      part: kind,
      blocks: render(writeTicketSection(kind, patch, opts)),
      headed: true,
    });
  });

  if (patch.footer !== undefined) {
    const notes = renderIf(joinBlocks(patch.footer.filter((n) => n.trim()).map(noteBlock)));
    const footer = parts.find((p) => p.part === 'footer');
    if (mode === 'append' && footer) footer.blocks.push(...notes);
    else if (footer) footer.blocks = notes;
    else if (notes.length > 0) parts.push({ part: 'footer', blocks: notes, headed: false });
  }
  return parts.flatMap((p) => p.blocks);
}

/** `updateTicketBlocks` on markdown: the blocks not given keep their text byte for byte. */
export function updateTicketDescription(
  markdown: string,
  patch: TicketSectionsPatch,
  mode: UpdateMode = 'replace',
  opts: WriteOptions = {},
): string {
  const tokens = lexer().lex(markdown.replace(/\r\n?/g, '\n'));
  const raws = tokens.map((t) => t.raw);
  const views = tokens.map(tokenView);
  const out = updateTicketBlocks(raws, views, patch, mode, (md) => [md], opts);
  return joinBlocks(out);
}
