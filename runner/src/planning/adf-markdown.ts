/**
 * ADF -> markdown, the reverse of the Jira adapter's markdown -> ADF (marklassian): text is escaped and
 * marks, lists, quotes, code, tables and note panels are written in the markdown that converts back to
 * the same nodes, so what Augment wrote reads back through the one ticket description format
 * (`readTicketDescription` in shared) as it was written. Nodes markdown has no syntax for (mentions,
 * dates, status lozenges, cards) are written as their text.
 */
import {
  type BlockView,
  escapeMarkdown,
  isLegacyNote,
  normaliseItem,
  paragraphView,
  readTicketDescription,
  type TicketSections,
} from '@augment/shared';
import { type AdfDocument, type AdfNode, adfToText, PANEL_ALERTS } from '../adapters/jira/index.js';

type Mark = NonNullable<AdfNode['marks']>[number];

const markKey = (marks: readonly Mark[] | undefined) =>
  JSON.stringify((marks ?? []).map((m) => [m.type, m.type === 'link' ? m.attrs?.href : null]).sort());

function codeSpan(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = /^`|`$|^ .* $/.test(text) ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** Emphasis delimiters must touch text: whitespace at either end goes outside them. */
function wrap(text: string, open: string, close = open): string {
  const m = /^(\s*)([\s\S]*?)(\s*)$/.exec(text)!;
  return m[2] ? `${m[1]}${open}${m[2]}${close}${m[3]}` : text;
}

function linkTarget(href: string): string {
  return /[\s()<>]/.test(href) ? `<${href.replace(/[<>]/g, encodeURIComponent)}>` : href;
}

/** One run of text nodes with the same marks. */
function markedRun(text: string, marks: readonly Mark[]): string {
  const has = (t: string) => marks.find((m) => m.type === t);
  const link = has('link');
  if (link) {
    const href = String(link.attrs?.href ?? '');
    // A bare URL or e-mail address stays bare: markdown links it again the same way.
    if (href === text || href === `mailto:${text}` || (text.startsWith('www.') && href === `http://${text}`))
      return text;
    // The converter keeps a link's label as written when it is more than plain text: no escapes there.
    const label = text.replace(/\s+/g, ' ').replace(/\[/g, '(').replace(/\]/g, ')');
    return `[${label}](${linkTarget(href)})`;
  }
  let md = has('code') ? codeSpan(text) : escapeMarkdown(text.replace(/\n/g, ' '));
  if (has('em')) md = wrap(md, '*');
  if (has('strong')) md = wrap(md, '**');
  if (has('strike')) md = wrap(md, '~~');
  return md;
}

function inlineAtom(n: AdfNode): string {
  const attr = (k: string) => (typeof n.attrs?.[k] === 'string' ? (n.attrs[k] as string) : '');
  switch (n.type) {
    case 'hardBreak':
      return '\\\n';
    case 'inlineCard':
    case 'blockCard':
    case 'embedCard':
      return attr('url') ? `<${attr('url')}>` : '';
    case 'mention':
      return escapeMarkdown(attr('text') || `@${attr('id')}`);
    case 'emoji':
      return escapeMarkdown(attr('text') || attr('shortName'));
    case 'status':
      return escapeMarkdown(attr('text'));
    case 'date': {
      const ts = Number(n.attrs?.timestamp);
      return Number.isFinite(ts) ? new Date(ts).toISOString().slice(0, 10) : '';
    }
    default:
      return inline(n.content ?? []);
  }
}

/** Inline nodes as markdown; neighbouring text nodes with the same marks are written as one run. */
function inline(nodes: readonly AdfNode[]): string {
  let out = '';
  let run: { text: string; marks: readonly Mark[]; key: string } | null = null;
  // A bare URL or address followed by "." or "-" would swallow it when read again: escape that one.
  let bare = false;
  const flush = () => {
    if (run) {
      let md = markedRun(run.text, run.marks);
      if (bare && /^[.\-_]/.test(md)) md = `\\${md}`;
      out += md;
      bare = md === run.text && run.marks.some((m) => m.type === 'link');
    }
    run = null;
  };
  for (const n of nodes) {
    if (n.type === 'text' && typeof n.text === 'string') {
      const key = markKey(n.marks);
      if (run && run.key === key) run.text += n.text;
      else {
        flush();
        run = { text: n.text, marks: n.marks ?? [], key };
      }
      continue;
    }
    flush();
    bare = false;
    out += inlineAtom(n);
  }
  flush();
  return out;
}

const indent = (text: string, pad: string) =>
  text
    .split('\n')
    .map((l, i) => (i === 0 || !l ? l : pad + l))
    .join('\n');

function listItem(marker: string, item: AdfNode): string {
  const [first, ...rest] = item.content ?? [];
  const head = first && first.type === 'paragraph' ? inline(first.content ?? []) : '';
  const children = (first && first.type === 'paragraph' ? rest : (item.content ?? [])).map(block);
  const pad = ' '.repeat(marker.length + 1);
  const body = [head, ...children.filter(Boolean)].join('\n');
  return `${marker} ${indent(body, pad)}`;
}

function taskItem(item: AdfNode): string {
  const box = item.attrs?.state === 'DONE' ? '[x]' : '[ ]';
  const inlines = (item.content ?? []).filter((c) => c.type !== 'taskList');
  const nested = (item.content ?? []).filter((c) => c.type === 'taskList').map(block);
  return `- ${box} ${indent([inline(inlines), ...nested].join('\n'), '  ')}`;
}

const quote = (text: string) =>
  text
    .split('\n')
    .map((l) => (l ? `> ${l}` : '>'))
    .join('\n');

function block(n: AdfNode): string {
  switch (n.type) {
    case 'paragraph':
      return inline(n.content ?? []);
    case 'heading': {
      const level = Math.min(6, Math.max(1, Number(n.attrs?.level ?? 2)));
      return `${'#'.repeat(level)} ${inline(n.content ?? [])}`;
    }
    case 'bulletList':
      return (n.content ?? []).map((item) => listItem('-', item)).join('\n');
    case 'orderedList': {
      const start = Number(n.attrs?.order ?? 1);
      return (n.content ?? []).map((item, i) => listItem(`${start + i}.`, item)).join('\n');
    }
    case 'taskList':
      return (n.content ?? []).map(taskItem).join('\n');
    case 'codeBlock': {
      const text = (n.content ?? []).map((c) => c.text ?? '').join('');
      const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
      const fence = '`'.repeat(Math.max(3, longest + 1));
      const lang = typeof n.attrs?.language === 'string' ? n.attrs.language : '';
      return `${fence}${lang}\n${text}\n${fence}`;
    }
    case 'blockquote':
      return quote(blocks(n.content ?? []));
    case 'panel': {
      const alert = PANEL_ALERTS[String(n.attrs?.panelType ?? 'info')] ?? 'NOTE';
      return quote(`[!${alert}]\n\n${blocks(n.content ?? [])}`);
    }
    case 'rule':
      return '---';
    case 'table': {
      const rows = (n.content ?? []).map(
        (row) =>
          `| ${(row.content ?? [])
            .map((cell) => (cell.content ?? []).map((c) => inline(c.content ?? [])).join(' '))
            .join(' | ')} |`,
      );
      if (rows.length === 0) return '';
      const cols = (n.content?.[0]?.content ?? []).length;
      return [rows[0], `|${' --- |'.repeat(cols)}`, ...rows.slice(1)].join('\n');
    }
    case 'mediaSingle':
    case 'mediaGroup':
      return (n.content ?? [])
        .map((m) =>
          m.attrs?.type === 'external' && typeof m.attrs.url === 'string'
            ? `![${escapeMarkdown(String(m.attrs.alt ?? ''))}](${linkTarget(m.attrs.url)})`
            : '',
        )
        .filter(Boolean)
        .join('\n\n');
    default:
      return n.content ? blocks(n.content) : inlineAtom(n);
  }
}

function blocks(nodes: readonly AdfNode[]): string {
  return nodes
    .map(block)
    .filter((b) => b.trim())
    .join('\n\n');
}

/** Markdown of an ADF document (blocks separated by blank lines), read back by the same converter. */
export function adfToMarkdown(doc: AdfDocument | null | undefined): string {
  return doc ? blocks(doc.content ?? []).trim() : '';
}

/**
 * The description of an issue as markdown: from the ADF when Jira gave it, else the plain text with each
 * line a block of its own (a plain "Acceptance criteria:" line then reads as the heading it is).
 */
export function descriptionMarkdown(issue: {
  description: AdfDocument | null;
  descriptionText: string;
}): string {
  if (issue.description) return adfToMarkdown(issue.description);
  return (issue.descriptionText ?? '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .join('\n\n');
}

/** The parts of an issue's description, read through the one ticket description format. */
export function issueSections(issue: {
  description: AdfDocument | null;
  descriptionText: string;
}): TicketSections {
  return readTicketDescription(descriptionMarkdown(issue));
}

/** What segmenting a description needs to know of one top-level ADF node. */
export function adfBlockView(node: AdfNode): BlockView {
  if (node.type === 'panel') return { type: 'note' };
  const text = normaliseItem(adfToText(node));
  if (node.type === 'heading') return { type: 'heading', level: Number(node.attrs?.level ?? 1), text };
  if (node.type === 'paragraph') {
    const inlines = node.content ?? [];
    const italic = inlines.every((c) => c.type !== 'text' || c.marks?.some((m) => m.type === 'em'));
    if (italic && isLegacyNote(text)) return { type: 'note' };
    return text ? paragraphView(text) : { type: 'space' };
  }
  return { type: 'other' };
}
