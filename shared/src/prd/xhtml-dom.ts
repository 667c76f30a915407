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

/** Lower-cased element name (`ac:structured-macro`, `td` ...). */
export function tagName(el: XElement): string {
  return el.name.toLowerCase();
}

/** An attribute value with entities decoded, looked up case-insensitively. */
export function attr(el: XElement, name: string): string | undefined {
  const direct = el.attribs[name];
  if (direct !== undefined) return decodeEntities(direct);
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(el.attribs)) {
    if (key.toLowerCase() === wanted) return decodeEntities(value);
  }
  return undefined;
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
  const stack: Array<{ node: XNode; exiting: boolean }> = [{ node: root, exiting: false }];
  while (stack.length > 0) {
    const top = stack.pop()!;
    if (top.exiting) {
      visitor.exit?.(top.node);
      continue;
    }
    const descend = visitor.enter(top.node);
    stack.push({ node: top.node, exiting: true });
    if (descend && 'children' in top.node) {
      const children = (top.node as XParent).children;
      for (let i = children.length - 1; i >= 0; i--) stack.push({ node: children[i]!, exiting: false });
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
}

// Zero-width joiners stay: they hold composed emoji together.
const INVISIBLE = /[\u200b\u2060\ufeff]/g;

/** Collapses whitespace (including no-break spaces) and drops zero-width characters. */
export function cleanText(text: string): string {
  return text.replace(INVISIBLE, '').replace(/\s+/g, ' ').trim();
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

  append(text: string): void {
    this.buffer += text;
  }

  lineBreak(): void {
    const text = cleanText(this.buffer);
    this.buffer = '';
    // A list item's first paragraph is the item: keep the list mark until some text is emitted.
    if (!text) return;
    this.lines.push({ text, list: this.list });
    this.list = null;
  }

  startItem(list: NonNullable<TextLine['list']>): void {
    this.lineBreak();
    this.list = list;
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
  const lists: boolean[] = [];
  walk(root, {
    enter(node) {
      if (node.type === 'text') {
        out.append(decodeEntities((node as XData).data));
        return false;
      }
      if (node.type === 'cdata') {
        out.append(rawText(node));
        return false;
      }
      if (!isElement(node)) return node === root;
      const name = tagName(node);
      if (node !== root && (SILENT.has(name) || name.startsWith('ri:'))) return false;
      if (name === 'br') {
        out.lineBreak();
        return false;
      }
      if (name === 'ul' || name === 'ol' || name === 'ac:task-list') {
        out.lineBreak();
        lists.push(name === 'ol');
        return true;
      }
      if (name === 'li' || name === 'ac:task') {
        out.startItem({ ordered: lists[lists.length - 1] ?? false, depth: Math.max(0, lists.length - 1) });
        return true;
      }
      if (name === 'ac:emoticon') {
        // The fallback is the Unicode emoji; older pages only carry a name, which reads as noise.
        const fallback = attr(node, 'ac:emoji-fallback');
        if (fallback && !fallback.startsWith(':')) out.append(fallback);
        return false;
      }
      if (name === 'ac:link') {
        out.append(linkLabel(node));
        return false;
      }
      if (name === 'time') {
        out.append(attr(node, 'datetime') ?? '');
        return false;
      }
      if (name === 'ac:plain-text-body') {
        out.appendPreformatted(rawText(node));
        return false;
      }
      if (name === 'table' && node !== root) {
        out.lineBreak();
        for (const cells of tableRows(node)) {
          out.append(cells.map(inlineText).join(' | '));
          out.lineBreak();
        }
        return false;
      }
      const macro = macroName(node);
      if (macro !== null) return enterMacro(node, macro, out);
      if (BLOCKS.has(name)) out.lineBreak();
      return true;
    },
    exit(node) {
      if (!isElement(node)) return;
      const name = tagName(node);
      if (name === 'ul' || name === 'ol' || name === 'ac:task-list') {
        lists.pop();
        out.lineBreak();
      } else if (name === 'li' || name === 'ac:task' || BLOCKS.has(name) || isBlockMacro(macroName(node))) {
        out.lineBreak();
      }
    },
  });
  out.lineBreak();
  return out.lines;
}

// Macros that render inline with the surrounding text (everything else is a block or invisible).
const INLINE_MACROS = new Set(['jira', 'status']);

function isBlockMacro(name: string | null): boolean {
  return name !== null && !INLINE_MACROS.has(name) && !SILENT_MACROS.has(name);
}

function enterMacro(macro: XElement, name: string, out: LineBuilder): boolean {
  if (name === 'jira') {
    out.append(macroParameter(macro, 'key') ?? '');
    return false;
  }
  if (name === 'status') {
    out.append(macroParameter(macro, 'title') ?? '');
    return false;
  }
  if (SILENT_MACROS.has(name)) return false;
  // Panels, expands, code blocks and unknown macros: only their bodies are content (parameters are SILENT).
  out.lineBreak();
  return true;
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
