/** Markdown to ADF for writes, ADF to text and URLs for reads. */

import { type AdfDocument, type AdfNode, adfToText, isAdfDocument } from '@augment/shared';
import { markdownToAdf as convert } from 'marklassian';

export { adfToText, isAdfDocument };

/** Jira panel types and the GitHub alerts that stand for them in markdown. */
export const PANEL_ALERTS: Readonly<Record<string, string>> = {
  note: 'NOTE',
  info: 'IMPORTANT',
  tip: 'TIP',
  success: 'TIP',
  warning: 'WARNING',
  error: 'CAUTION',
};
const ALERT_PANELS: Readonly<Record<string, string>> = {
  NOTE: 'note',
  IMPORTANT: 'info',
  TIP: 'tip',
  WARNING: 'warning',
  CAUTION: 'error',
};
const ALERT = /^\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\]\s*/i;

/**
 * A GitHub alert (`> [!NOTE]` and the quoted lines under it) as a Jira panel of the matching type:
 * editorial notes keep a form of their own through markdown -> ADF -> markdown, and Jira shows them as
 * notes, apart from the content.
 */
function alertToPanel(node: AdfNode): AdfNode {
  if (node.type !== 'blockquote') return node;
  const [first, ...rest] = node.content ?? [];
  const lead = first?.type === 'paragraph' ? first.content?.[0] : undefined;
  const m = lead?.type === 'text' && typeof lead.text === 'string' ? ALERT.exec(lead.text) : null;
  if (!first || !lead || !m) return node;
  const text = lead.text!.slice(m[0].length);
  const inlines = [...(text ? [{ ...lead, text }] : []), ...(first.content ?? []).slice(1)];
  while (inlines[0]?.type === 'hardBreak') inlines.shift();
  const content = [...(inlines.length > 0 ? [{ ...first, content: inlines }] : []), ...rest];
  return {
    type: 'panel',
    attrs: { panelType: ALERT_PANELS[m[1]!.toUpperCase()] ?? 'note' },
    content: content.length > 0 ? content : [{ type: 'paragraph', content: [] }],
  };
}

export function markdownToAdf(markdown: string): AdfDocument {
  const doc = convert(markdown) as AdfDocument;
  doc.content = doc.content.map(alertToPanel);
  // Jira rejects a doc without content nodes for some fields; an empty paragraph is what its editor saves.
  if (doc.content.length === 0) doc.content.push({ type: 'paragraph', content: [] });
  return doc;
}

/**
 * A URL held by a field: a plain string, or the first link / smart link in a rich-text (ADF) value.
 * Rich text without a link yields its text when that text is a URL.
 */
export function extractUrl(value: unknown): string | null {
  if (typeof value === 'string') return value.trim() || null;
  if (!isAdfDocument(value)) return null;
  let found: string | null = null;
  const walk = (n: AdfNode) => {
    if (found) return;
    if (
      (n.type === 'inlineCard' || n.type === 'blockCard' || n.type === 'embedCard') &&
      typeof n.attrs?.url === 'string'
    ) {
      found = n.attrs.url;
      return;
    }
    for (const m of n.marks ?? []) {
      if (m.type === 'link' && typeof m.attrs?.href === 'string') {
        found = m.attrs.href;
        return;
      }
    }
    for (const c of n.content ?? []) walk(c);
  };
  for (const c of value.content) walk(c);
  if (found) return found;
  const text = adfToText(value);
  return /^https?:\/\/\S+$/.test(text) ? text : null;
}

/** A one-paragraph ADF document holding a link (for URL values in rich-text custom fields). */
export function linkParagraph(url: string): AdfDocument {
  return {
    type: 'doc',
    version: 1,
    content: [
      {
        type: 'paragraph',
        content: [{ type: 'text', text: url, marks: [{ type: 'link', attrs: { href: url } }] }],
      },
    ],
  };
}
