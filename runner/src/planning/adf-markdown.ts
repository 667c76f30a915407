/**
 * ADF -> markdown-like text that keeps the structure the planning parsers need (headings as "#", list
 * items as "-" or "1.", one block per line). The adapter's adfToText drops those markers.
 */
import type { AdfDocument, AdfNode } from '../adapters/jira/index.js';

function inline(n: AdfNode): string {
  if (n.type === 'text') return n.text ?? '';
  if (n.type === 'hardBreak') return ' ';
  if (n.type === 'inlineCard' || n.type === 'blockCard') {
    const url = n.attrs?.url;
    return typeof url === 'string' ? url : '';
  }
  if (n.type === 'mention') {
    const t = n.attrs?.text;
    return typeof t === 'string' ? t : '';
  }
  return (n.content ?? []).map(inline).join('');
}

function block(n: AdfNode, depth: number, out: string[]): void {
  const pad = '  '.repeat(depth);
  switch (n.type) {
    case 'heading': {
      const level = Math.min(6, Math.max(1, Number(n.attrs?.level ?? 2)));
      out.push(`${'#'.repeat(level)} ${inline(n).trim()}`);
      return;
    }
    case 'paragraph': {
      const t = inline(n).trim();
      if (t) out.push(`${pad}${t}`);
      return;
    }
    case 'bulletList':
    case 'orderedList': {
      let i = Number(n.attrs?.order ?? 1);
      for (const item of n.content ?? []) {
        const marker = n.type === 'bulletList' ? '-' : `${i++}.`;
        const [first, ...rest] = item.content ?? [];
        if (first && first.type === 'paragraph') {
          out.push(`${pad}${marker} ${inline(first).trim()}`);
          for (const r of rest) block(r, depth + 1, out);
        } else {
          out.push(`${pad}${marker}`);
          for (const r of item.content ?? []) block(r, depth + 1, out);
        }
      }
      return;
    }
    case 'codeBlock':
      out.push(inline(n));
      return;
    case 'rule':
      out.push('---');
      return;
    case 'table':
      for (const row of n.content ?? []) {
        out.push((row.content ?? []).map((cell) => inline(cell).trim()).join(' | '));
      }
      return;
    default:
      for (const c of n.content ?? []) block(c, depth, out);
  }
}

/** Markdown-like text of an ADF document; blank lines between top-level blocks. */
export function adfToMarkdown(doc: AdfDocument | null | undefined): string {
  if (!doc) return '';
  const out: string[] = [];
  for (const n of doc.content ?? []) {
    const before = out.length;
    block(n, 0, out);
    // Lists stay tight; other blocks are separated like markdown paragraphs.
    if (out.length > before && n.type !== 'bulletList' && n.type !== 'orderedList') out.push('');
  }
  return out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** The description of an issue as markdown-like text (ADF when Jira gave it, else the plain text). */
export function descriptionMarkdown(issue: {
  description: AdfDocument | null;
  descriptionText: string;
}): string {
  return issue.description ? adfToMarkdown(issue.description) : (issue.descriptionText ?? '');
}
