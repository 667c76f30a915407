/**
 * Atlassian Document Format (Jira descriptions and comments, REST v3): its shape and the one ADF -> text
 * walker. Pure; the runner's Jira adapter and the Jira emulator both read ADF through this.
 */

/** An Atlassian Document Format document. */
export interface AdfDocument {
  type: 'doc';
  version: 1;
  content: AdfNode[];
}

export interface AdfNode {
  type: string;
  attrs?: Record<string, unknown>;
  content?: AdfNode[];
  marks?: { type: string; attrs?: Record<string, unknown> }[];
  text?: string;
}

export function isAdfDocument(value: unknown): value is AdfDocument {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { type?: unknown }).type === 'doc' &&
    Array.isArray((value as { content?: unknown }).content)
  );
}

const BLOCKS = new Set([
  'paragraph',
  'heading',
  'listItem',
  'codeBlock',
  'blockquote',
  'tableRow',
  'rule',
  'mediaSingle',
  'panel',
]);

/** Plain text of an ADF tree; block nodes end with a newline, paragraphs are separated by blank lines. */
export function adfToText(node: AdfNode | AdfDocument | null | undefined): string {
  if (!node) return '';
  const out: string[] = [];
  const walk = (n: AdfNode) => {
    if (n.type === 'text' && typeof n.text === 'string') out.push(n.text);
    else if (n.type === 'hardBreak') out.push('\n');
    else if (n.type === 'inlineCard' || n.type === 'blockCard') {
      const url = n.attrs?.url;
      if (typeof url === 'string') out.push(url);
    } else if (n.type === 'mention') {
      const t = n.attrs?.text;
      if (typeof t === 'string') out.push(t);
    }
    for (const c of n.content ?? []) walk(c);
    if (n.type === 'tableCell' || n.type === 'tableHeader') out.push('\t');
    if (BLOCKS.has(n.type)) out.push(n.type === 'paragraph' || n.type === 'heading' ? '\n\n' : '\n');
  };
  for (const c of (node as AdfNode).content ?? []) walk(c);
  return out
    .join('')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
