/**
 * A thin, position-aware view of Confluence storage XHTML. cheerio (htmlparser2 in XML mode: HTML mode
 * would turn CDATA into comments and ignore `<br/>`-style self-closing tags) builds the tree, with source
 * offsets on every node so that write-back can splice the original string instead of re-serialising it.
 */
import { load } from 'cheerio/slim';
import { decodeEntities } from './decode-entities.js';

/** Any node of the tree; offsets are inclusive indices into the source string. */
export interface XNode {
  type: string;
  parent: XParent | null;
  startIndex: number | null;
  endIndex: number | null;
}
export interface XParent extends XNode {
  children: XNode[];
}
export interface XElement extends XParent {
  name: string;
  attribs: Record<string, string>;
}
export interface XData extends XNode {
  data: string;
}

/** Parses storage XHTML leniently (unclosed and stray tags are tolerated) and returns the root node. */
export function loadXhtml(xhtml: string): XParent {
  const $ = load(xhtml, {
    xml: { xmlMode: true, decodeEntities: false, withStartIndices: true, withEndIndices: true },
  });
  return $.root()[0] as unknown as XParent;
}

export function isElement(node: XNode): node is XElement {
  return node.type === 'tag' || node.type === 'script' || node.type === 'style';
}

const LOWER = Symbol('lowerName');

/** Lower-cased element name (`ac:structured-macro`, `td` ...), computed once per element. */
export function tagName(el: XElement): string {
  const cached = (el as XElement & { [LOWER]?: string })[LOWER];
  if (cached !== undefined) return cached;
  const lower = el.name.toLowerCase();
  (el as XElement & { [LOWER]?: string })[LOWER] = lower;
  return lower;
}

/** An attribute value with entities decoded (names as Confluence writes them: lower case). */
export function attr(el: XElement, name: string): string | undefined {
  const value = el.attribs[name];
  return value === undefined ? undefined : decodeEntities(value);
}

export function childElements(el: XParent): XElement[] {
  return el.children.filter(isElement);
}

export interface WalkVisitor {
  /** Return false to skip the node's children (exit is still called). */
  enter(node: XNode): boolean;
  exit?(node: XNode): void;
}

/**
 * Depth-first walk without recursion: lenient parsing of broken pages can nest thousands of unclosed
 * elements, which must not overflow the stack.
 */
export function walk(root: XNode, visitor: WalkVisitor): void {
  // Two parallel stacks instead of one object per visit: walks run over every node of large pages.
  const nodes: XNode[] = [root];
  const exiting: boolean[] = [false];
  while (nodes.length > 0) {
    const node = nodes.pop()!;
    if (exiting.pop()) {
      visitor.exit?.(node);
      continue;
    }
    const descend = visitor.enter(node);
    if (visitor.exit) {
      nodes.push(node);
      exiting.push(true);
    }
    const children = descend ? (node as Partial<XParent>).children : undefined;
    if (children) {
      for (let i = children.length - 1; i >= 0; i--) {
        nodes.push(children[i]!);
        exiting.push(false);
      }
    }
  }
}

/** Every element under root (root excluded) in document order. */
export function elementsInOrder(root: XParent): XElement[] {
  const out: XElement[] = [];
  walk(root, {
    enter(node) {
      if (node !== root && isElement(node)) out.push(node);
      return true;
    },
  });
  return out;
}

/** Elements under root matching a predicate, in document order. */
export function findElements(root: XParent, match: (el: XElement) => boolean): XElement[] {
  return elementsInOrder(root).filter(match);
}

export function isAncestor(ancestor: XNode, node: XNode): boolean {
  for (let p = node.parent; p; p = p.parent) if (p === ancestor) return true;
  return false;
}

export function macroName(el: XElement): string | null {
  const name = tagName(el);
  if (name !== 'ac:structured-macro' && name !== 'ac:macro') return null;
  return (attr(el, 'ac:name') ?? '').toLowerCase();
}

/** The text of a macro's direct `ac:parameter` with the given name (or null). */
export function macroParameter(macro: XElement, name: string): string | null {
  for (const child of childElements(macro)) {
    if (tagName(child) === 'ac:parameter' && (attr(child, 'ac:name') ?? '') === name) {
      return inlineText(child);
    }
  }
  return null;
}

export function macroBody(
  macro: XElement,
  body: 'ac:rich-text-body' | 'ac:plain-text-body',
): XElement | null {
  return childElements(macro).find((c) => tagName(c) === body) ?? null;
}

// ---- text rendering -------------------------------------------------------------------------------

/** One visual line of a cell: paragraphs, `<br/>` and list items each start a new one. */
export interface TextLine {
  text: string;
  /** Set for list items (`li`, Confluence tasks); depth 0 is the outermost list. */
  list: { ordered: boolean; depth: number } | null;
  /** Set for headings (`h1`-`h6`): the level. */
  heading?: number;
  /** A paragraph whose every word is bold: pages use it as a label or a heading of their own. */
  bold?: boolean;
  /** A table row, its cells separated by " | " (a cell's own lines by "; "). */
  row?: boolean;
}

// Zero-width joiners stay: they hold composed emoji together.
const INVISIBLE = /[\u200b\u2060\ufeff]/g;

/** Collapses whitespace (including no-break spaces) and drops zero-width characters. */
const INVISIBLE_ANY = /[\u200b\u2060\ufeff]/;
// Whitespace that is not a single plain space between words: only then does the text need rewriting.
const UNTIDY_SPACE = /\s\s|[^\S ]/;

export function cleanText(text: string): string {
  if (text === '') return text;
  const visible = INVISIBLE_ANY.test(text) ? text.replace(INVISIBLE, '') : text;
  return (UNTIDY_SPACE.test(visible) ? visible.replace(/\s+/g, ' ') : visible).trim();
}

const BLOCKS = new Set([
  'p',
  'div',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'blockquote',
  'pre',
  'table',
  'thead',
  'tbody',
  'tfoot',
  'tr',
  'td',
  'th',
  'section',
  'hr',
  'ac:layout',
  'ac:layout-section',
  'ac:layout-cell',
  'ac:rich-text-body',
  'ac:adf-content',
]);

// Content that is metadata, not prose: template hints, macro settings, images, table column widths.
const SILENT = new Set([
  'ac:placeholder',
  'ac:parameter',
  'ac:image',
  'ac:task-id',
  'ac:task-uuid',
  'ac:task-status',
  'ac:adf-attribute',
  'ac:adf-fallback',
  'colgroup',
  'col',
  'script',
  'style',
]);

const SILENT_MACROS = new Set([
  'anchor',
  'toc',
  'children',
  'attachments',
  'recently-updated',
  'contentbylabel',
  'include',
  'excerpt-include',
  'profile-picture',
  'gallery',
  'livesearch',
  'pagetree',
]);

class LineBuilder {
  readonly lines: TextLine[] = [];
  private buffer = '';
  private list: TextLine['list'] = null;
  private mark: Pick<TextLine, 'heading' | 'bold' | 'row'> | null = null;

  append(text: string): void {
    this.buffer += text;
  }

  lineBreak(): void {
    if (this.buffer === '') return;
    const text = cleanText(this.buffer);
    this.buffer = '';
    // A list item's first paragraph is the item: keep the list mark until some text is emitted.
    if (!text) return;
    this.lines.push(this.mark ? { text, list: this.list, ...this.mark } : { text, list: this.list });
    this.list = null;
    this.mark = null;
  }

  startItem(list: NonNullable<TextLine['list']>): void {
    this.lineBreak();
    this.list = list;
  }

  /** The next line is a heading or a bold-only paragraph (kept on a list item's first line too). */
  startMarked(mark: Pick<TextLine, 'heading' | 'bold' | 'row'>): void {
    const list = this.list;
    this.lineBreak();
    this.list = list;
    this.mark = mark;
  }

  /** Pre-formatted text (code blocks): every source line is a line. */
  appendPreformatted(text: string): void {
    this.lineBreak();
    for (const line of text.split(/\r?\n/)) {
      this.append(line);
      this.lineBreak();
    }
  }
}

function rawText(node: XNode): string {
  let out = '';
  walk(node, {
    enter(n) {
      if (n.type === 'text') out += (n as XData).data;
      return true;
    },
  });
  return out;
}

function linkLabel(link: XElement): string {
  for (const child of childElements(link)) {
    const name = tagName(child);
    if (name === 'ac:link-body' || name === 'ac:plain-text-link-body') return inlineText(child);
  }
  for (const child of childElements(link)) {
    switch (tagName(child)) {
      case 'ri:user': {
        const who = attr(child, 'ri:username') ?? attr(child, 'ri:userkey') ?? attr(child, 'ri:account-id');
        return who ? `@${who}` : '@user';
      }
      case 'ri:page':
      case 'ri:blog-post':
        return attr(child, 'ri:content-title') ?? '';
      case 'ri:attachment':
        return attr(child, 'ri:filename') ?? '';
      case 'ri:url':
        return attr(child, 'ri:value') ?? '';
      case 'ri:space':
        return attr(child, 'ri:space-key') ?? '';
    }
  }
  return '';
}

/**
 * Renders a subtree to lines of plain text the way a reader sees it: entities decoded, macros reduced to
 * what they display (a Jira macro to its key, a status lozenge to its title, a mention to `@user`),
 * template placeholders and macro settings dropped.
 */
export function renderLines(root: XNode): TextLine[] {
  const out = new LineBuilder();
  renderNode(root, root, out, [], 0);
  out.lineBreak();
  return out.lines;
}

// Beyond this nesting (only reached by pages with thousands of unclosed tags) the rest of a subtree is
// read as plain text, iteratively, instead of recursing further.
const MAX_DEPTH = 400;

function renderChildren(node: XNode, root: XNode, out: LineBuilder, lists: boolean[], depth: number): void {
  const children = (node as Partial<XParent>).children;
  if (!children) return;
  if (depth >= MAX_DEPTH) {
    out.append(decodeEntities(rawText(node)));
    return;
  }
  for (const child of children) renderNode(child, root, out, lists, depth + 1);
}

function renderNode(node: XNode, root: XNode, out: LineBuilder, lists: boolean[], depth: number): void {
  if (node.type === 'text') {
    out.append(decodeEntities((node as XData).data));
    return;
  }
  if (node.type === 'cdata') {
    out.append(rawText(node));
    return;
  }
  if (!isElement(node)) {
    if (node === root) renderChildren(node, root, out, lists, depth);
    return;
  }
  const name = tagName(node);
  if (node !== root && (SILENT.has(name) || name.startsWith('ri:'))) return;
  switch (name) {
    case 'br':
      out.lineBreak();
      return;
    case 'ul':
    case 'ol':
    case 'ac:task-list':
      out.lineBreak();
      lists.push(name === 'ol');
      renderChildren(node, root, out, lists, depth);
      lists.pop();
      out.lineBreak();
      return;
    case 'li':
    case 'ac:task':
      out.startItem({ ordered: lists[lists.length - 1] ?? false, depth: Math.max(0, lists.length - 1) });
      renderChildren(node, root, out, lists, depth);
      out.lineBreak();
      return;
    case 'ac:emoticon': {
      // The fallback is the Unicode emoji; older pages only carry a name, which reads as noise.
      const fallback = attr(node, 'ac:emoji-fallback');
      if (fallback && !fallback.startsWith(':')) out.append(fallback);
      return;
    }
    case 'ac:link':
      out.append(linkLabel(node));
      return;
    case 'time':
      out.append(attr(node, 'datetime') ?? '');
      return;
    case 'ac:plain-text-body':
      out.appendPreformatted(rawText(node));
      return;
  }
  if (name === 'table' && node !== root) {
    out.lineBreak();
    for (const cells of tableRows(node)) {
      out.startMarked({ row: true });
      out.append(cells.map(cellText).join(' | '));
      out.lineBreak();
    }
    return;
  }
  const macro = macroName(node);
  if (macro !== null) {
    if (macro === 'jira') out.append(macroParameter(node, 'key') ?? '');
    else if (macro === 'status') out.append(macroParameter(node, 'title') ?? '');
    else if (!SILENT_MACROS.has(macro)) {
      // Panels, expands, code blocks and unknown macros: only their bodies are content (parameters are SILENT).
      out.lineBreak();
      renderChildren(node, root, out, lists, depth);
      out.lineBreak();
    }
    return;
  }
  const heading = HEADING.exec(name);
  const block = BLOCKS.has(name);
  if (heading) out.startMarked({ heading: Number(heading[1]) });
  else if (name === 'p' && node !== root && isBoldOnly(node)) out.startMarked({ bold: true });
  else if (block) out.lineBreak();
  renderChildren(node, root, out, lists, depth);
  if (block) out.lineBreak();
}

const HEADING = /^h([1-6])$/;

/** Bold by style, as Google Docs and Word export it: `<span style="font-weight:700">`. */
function boldStyle(el: XElement): boolean {
  const m = /font-weight\s*:\s*(bold|bolder|[6-9]00)\b/i.exec(attr(el, 'style') ?? '');
  return m !== null;
}

/** True when every non-blank text under el is bold (`strong`, `b` or a bold style): a bold-only paragraph or cell. */
export function isBoldOnly(el: XElement): boolean {
  let sawText = false;
  let allBold = true;
  walk(el, {
    enter(node: XNode) {
      if (node.type === 'text') {
        if ((node as XData).data.replace(/&nbsp;|&#160;/g, ' ').trim() === '') return false;
        sawText = true;
        let bold = false;
        for (let p = node.parent; p && p !== el.parent; p = p.parent) {
          if (isElement(p) && (tagName(p) === 'strong' || tagName(p) === 'b' || boldStyle(p))) bold = true;
        }
        if (!bold) allBold = false;
        return false;
      }
      return true;
    },
  });
  return sawText && allBold;
}

/** A table nested in a cell reads best as one line per row, cells separated by " | ". */
function tableRows(table: XElement): XElement[][] {
  const rows: XElement[][] = [];
  const addRow = (tr: XElement) =>
    rows.push(childElements(tr).filter((c) => tagName(c) === 'td' || tagName(c) === 'th'));
  for (const child of childElements(table)) {
    const name = tagName(child);
    if (name === 'tr') addRow(child);
    else if (name === 'thead' || name === 'tbody' || name === 'tfoot') {
      for (const tr of childElements(child)) if (tagName(tr) === 'tr') addRow(tr);
    }
  }
  return rows;
}

/** A table cell on one line: its paragraphs and items stay apart ("delivered twice; a full refund"). */
function cellText(cell: XElement): string {
  return renderLines(cell)
    .map((l) => l.text)
    .reduce((acc, t) => (acc === '' ? t : /[.;:!?]$/.test(acc) ? `${acc} ${t}` : `${acc}; ${t}`), '');
}

/** A subtree's text on a single line (headings, titles, macro parameters). */
export function inlineText(root: XNode): string {
  return renderLines(root)
    .map((l) => l.text)
    .join(' ');
}

// ---- source offsets -------------------------------------------------------------------------------

/** Index of the `>` that ends the opening tag starting at `start`, skipping quoted attribute values. */
export function openTagEnd(src: string, start: number): number {
  let quote: string | null = null;
  for (let i = start + 1; i < src.length; i++) {
    const ch = src[i];
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
    } else if (ch === '>') {
      return i;
    }
  }
  return -1;
}

/** Where an element's markup sits in the source; null when the parser had to close it implicitly. */
export interface ElementSpan {
  start: number;
  /** Index of the `>` closing the opening tag. */
  openEnd: number;
  /** Index of `<` of the closing tag; equals `end + 1` for a self-closing element. */
  closeStart: number;
  /** Inclusive index of the last character of the element. */
  end: number;
  selfClosing: boolean;
}

/**
 * The exact source span of an element, or null when its closing tag is not its own (the parser closed it
 * implicitly because the markup was broken), in which case splicing inside it would not be safe.
 */
export function elementSpan(src: string, el: XElement): ElementSpan | null {
  const start = el.startIndex;
  const end = el.endIndex;
  if (start === null || end === null || src[start] !== '<' || src[end] !== '>') return null;
  const openEnd = openTagEnd(src, start);
  if (openEnd < 0 || openEnd > end) return null;
  if (openEnd === end) {
    return src[end - 1] === '/' ? { start, openEnd, closeStart: end + 1, end, selfClosing: true } : null;
  }
  const closeStart = src.lastIndexOf('</', end);
  if (closeStart <= openEnd) return null;
  const closingName = src.slice(closeStart + 2, end).trim();
  if (closingName.toLowerCase() !== el.name.toLowerCase()) return null;
  return { start, openEnd, closeStart, end, selfClosing: false };
}
