/**
 * Confluence storage format / HTML to the markdown-like text the planning readers work on: headings as
 * "#", list items as indented "-" or "1.", bold-only paragraphs as "**label**", table rows as "a | b".
 * It reads the page with the same XML-mode renderer as the PRD parser (code macros' CDATA kept, macro
 * settings dropped, a Jira macro read as its key), so both see the same text.
 */
import { loadXhtml, renderLines, type TextLine } from '../prd/xhtml-dom.js';

/** Whether a document looks like HTML or storage format rather than markdown/plain text. */
export function looksLikeHtml(text: string): boolean {
  return /^\s*</.test(text) && /<\/?(?:p|h[1-6]|ul|ol|li|table|div|br|ac:[a-z-]+)\b/i.test(text);
}

// HTML's void elements written without a closing slash would swallow what follows in XML mode.
const VOID_ELEMENT =
  /<(area|base|br|col|embed|hr|img|input|link|meta|source|track|wbr)\b((?:[^>"']|"[^"]*"|'[^']*')*?)\s*\/?>/gi;
// An HTML page's head (title, styles) and a doctype are not content.
const HEAD = /<!doctype[^>]*>|<head\b[\s\S]*?<\/head>/gi;

function markdownLine(l: TextLine): string {
  if (l.heading) return `${'#'.repeat(l.heading)} ${l.text}`;
  const text = l.bold ? `**${l.text}**` : l.text;
  return l.list ? `${'  '.repeat(l.list.depth)}${l.list.ordered ? '1.' : '-'} ${text}` : text;
}

// CDATA sections (code macros' bodies) and comments are content as written: the HTML fix-ups below never
// touch them.
const VERBATIM = /<!\[CDATA\[[\s\S]*?\]\]>|<!--[\s\S]*?-->/g;

/** `fix` applied to the markup between CDATA sections and comments, which stay as they are. */
function outsideVerbatim(html: string, fix: (markup: string) => string): string {
  let out = '';
  let last = 0;
  for (const m of html.matchAll(VERBATIM)) {
    out += fix(html.slice(last, m.index)) + m[0];
    last = m.index + m[0].length;
  }
  return out + fix(html.slice(last));
}

/** Class names a page's stylesheet makes bold (".c5{font-weight:700}"), as Google Docs exports headings. */
function boldClasses(html: string): Set<string> {
  const out = new Set<string>();
  for (const style of html.replace(VERBATIM, '').matchAll(/<style\b[^>]*>([\s\S]*?)<\/style>/gi)) {
    for (const rule of style[1]!.matchAll(/\.([\w-]+)\s*\{([^}]*)\}/g)) {
      if (/font-weight\s*:\s*(?:bold|bolder|[6-9]00)\b/i.test(rule[2]!)) out.add(rule[1]!);
    }
  }
  return out;
}

/** Marks elements bold by class with an inline style, which the renderer reads. */
function inlineBold(html: string): string {
  const bold = boldClasses(html);
  if (bold.size === 0) return html;
  return outsideVerbatim(html, (markup) =>
    markup.replace(
      /<([a-z][\w-]*)\b([^>]*?)\bclass="([^"]*)"([^>]*)>/gi,
      (tag, name: string, pre: string, cls: string, post: string) =>
        cls.split(/\s+/).some((c) => bold.has(c))
          ? `<${name}${pre}class="${cls}" style="font-weight:700"${post}>`
          : tag,
    ),
  );
}

/** Converts HTML (or Confluence storage format) to planning text. */
export function htmlToPlanText(html: string): string {
  const xhtml = outsideVerbatim(inlineBold(html), (markup) =>
    markup.replace(HEAD, '').replace(VOID_ELEMENT, '<$1$2/>'),
  );
  const lines = renderLines(loadXhtml(xhtml));
  const out: string[] = [];
  let prev: TextLine | null = null;
  for (const l of lines) {
    // Blank lines around headings and between paragraphs; list items and table rows stay together.
    const together = prev !== null && ((prev.list && l.list) || (prev.row && l.row)) && !l.heading;
    if (prev !== null && !together) out.push('');
    out.push(markdownLine(l));
    prev = l;
  }
  return out.join('\n');
}
