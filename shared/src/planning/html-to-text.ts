/**
 * Confluence storage format / HTML to the markdown-like text the planning parsers read: headings as
 * "#", list items as indented "-", table rows as "a | b", paragraphs as lines.
 */
import { type CheerioAPI, load } from 'cheerio';

/** The slice of a parsed DOM node this converter reads (kept structural to avoid a domhandler import). */
interface DomNode {
  type: string;
  data?: string;
  tagName?: string;
  children?: DomNode[];
}

/** Whether a document looks like HTML or storage format rather than markdown/plain text. */
export function looksLikeHtml(text: string): boolean {
  return /^\s*</.test(text) && /<\/?(?:p|h[1-6]|ul|ol|li|table|div|br|ac:[a-z-]+)\b/i.test(text);
}

/** Converts HTML (or Confluence storage format) to planning text. */
export function htmlToPlanText(html: string): string {
  const $ = load(html);
  const out: string[] = [];
  const text = (n: DomNode) => $(n as never).text();
  const isList = (n: DomNode) => n.type === 'tag' && /^(?:ul|ol)$/i.test(n.tagName ?? '');
  const walk = (nodes: readonly DomNode[], depth: number) => {
    for (const el of nodes) {
      if (el.type === 'text') {
        const t = (el.data ?? '').replace(/\s+/g, ' ').trim();
        if (t) appendInline(out, t);
        continue;
      }
      if (el.type !== 'tag') continue;
      const children = el.children ?? [];
      const tag = (el.tagName ?? '').toLowerCase();
      const h = /^h([1-6])$/.exec(tag);
      if (h) {
        out.push('', `${'#'.repeat(Number(h[1]))} ${inlineText($, el)}`, '');
      } else if (tag === 'ul' || tag === 'ol') {
        let n = 0;
        for (const li of children) {
          if (li.type !== 'tag' || li.tagName?.toLowerCase() !== 'li') continue;
          n++;
          const own = (li.children ?? []).filter((c) => !isList(c));
          const line = own.map(text).join(' ').replace(/\s+/g, ' ').trim();
          out.push(`${'  '.repeat(depth)}${tag === 'ol' ? `${n}.` : '-'} ${line}`);
          walk((li.children ?? []).filter(isList), depth + 1);
        }
      } else if (tag === 'tr') {
        const cells = $(el as never)
          .children('th,td')
          .toArray()
          .map((c) => $(c).text().replace(/\s+/g, ' ').trim());
        out.push(cells.join(' | '));
      } else if (tag === 'p' || tag === 'div' || tag === 'blockquote') {
        out.push('');
        walk(children, depth);
        out.push('');
      } else if (tag === 'br') {
        out.push('');
      } else {
        walk(children, depth);
      }
    }
  };
  walk($.root().children().toArray() as unknown as DomNode[], 0);
  return out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function inlineText($: CheerioAPI, el: DomNode): string {
  return $(el as never)
    .text()
    .replace(/\s+/g, ' ')
    .trim();
}

function appendInline(out: string[], text: string): void {
  const last = out.length - 1;
  if (last >= 0 && out[last] !== '' && !/^(?:#|\s*[-\d])/.test(out[last]!))
    out[last] = `${out[last]} ${text}`;
  else out.push(text);
}
