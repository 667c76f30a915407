/**
 * Merges generated content into a Jira description (ADF) section by section: the prose, "Acceptance
 * Criteria", "Technical Notes" and "Test Cases". Parts not given are kept node for node, so an update of
 * the criteria does not lose a hand-written description, and the appends of a coverage follow-up land in
 * the right section.
 */
import type { DescriptionMode, TicketContent } from '@augment/shared';
import { type AdfDocument, type AdfNode, adfToText, markdownToAdf } from '../adapters/jira/index.js';
import {
  TICKET_SECTIONS,
  type TicketSectionKind,
  ticketSectionMarkdown,
  ticketSectionOf,
} from './ticket-markdown.js';

type Segment = { kind: 'prose' | TicketSectionKind; nodes: AdfNode[] };

const headingLevel = (n: AdfNode) => (n.type === 'heading' ? Number(n.attrs?.level ?? 1) : undefined);

/** Top-level nodes in runs: prose, or one of our sections (its heading up to the next heading as high). */
export function descriptionSegments(doc: AdfDocument | null): Segment[] {
  const out: Segment[] = [];
  let open: { seg: Segment; level: number } | undefined;
  for (const node of doc?.content ?? []) {
    const level = headingLevel(node);
    if (level !== undefined) {
      const kind = ticketSectionOf(adfToText(node).trim());
      if (open && level <= open.level) open = undefined;
      if (kind && !open) {
        const seg: Segment = { kind, nodes: [node] };
        out.push(seg);
        open = { seg, level };
        continue;
      }
    }
    if (open) open.seg.nodes.push(node);
    else {
      const last = out[out.length - 1];
      if (last?.kind === 'prose') last.nodes.push(node);
      else out.push({ kind: 'prose', nodes: [node] });
    }
  }
  return out;
}

/** Plain text of one part of a description ('' when absent). */
export function sectionText(doc: AdfDocument | null, kind: 'prose' | TicketSectionKind): string {
  return descriptionSegments(doc)
    .filter((s) => s.kind === kind)
    .map((s) =>
      adfToText({ type: 'doc', version: 1, content: s.kind === 'prose' ? s.nodes : s.nodes.slice(1) }),
    )
    .join('\n')
    .trim();
}

const isEmptyParagraph = (n: AdfNode) => n.type === 'paragraph' && (n.content?.length ?? 0) === 0;
const nodesOf = (markdown: string) => (markdown.trim() ? markdownToAdf(markdown).content : []);

/**
 * The new description: `replace` swaps each given part (the prose or a section), keeping the order of
 * what exists and adding missing sections in their usual place; `append` adds the given parts after what
 * each part already holds. Returns the current document when nothing is given.
 */
export function mergeDescription(
  current: AdfDocument | null,
  content: TicketContent,
  mode: DescriptionMode,
): AdfDocument {
  const segments = descriptionSegments(current).filter(
    (s) => !(s.kind === 'prose' && s.nodes.every(isEmptyParagraph)),
  );
  if (content.description !== undefined) {
    const prose = nodesOf(content.description);
    if (mode === 'replace') {
      const rest = segments.filter((s) => s.kind !== 'prose');
      segments.length = 0;
      if (prose.length > 0) segments.push({ kind: 'prose', nodes: prose });
      segments.push(...rest);
    } else if (prose.length > 0) {
      // Appended prose goes after the existing prose, before the sections.
      const lastProse = segments.map((s) => s.kind).lastIndexOf('prose');
      const firstSection = segments.findIndex((s) => s.kind !== 'prose');
      const at = lastProse >= 0 ? lastProse + 1 : firstSection >= 0 ? firstSection : segments.length;
      segments.splice(at, 0, { kind: 'prose', nodes: prose });
    }
  }
  TICKET_SECTIONS.forEach(({ kind }, order) => {
    if (content[kind] === undefined) return;
    const existing = segments.find((s) => s.kind === kind);
    if (mode === 'append' && existing) {
      existing.nodes.push(...nodesOf(ticketSectionMarkdown(kind, content, { heading: false })));
      return;
    }
    const nodes = nodesOf(ticketSectionMarkdown(kind, content));
    if (existing) {
      if (nodes.length > 0) existing.nodes = nodes;
      else segments.splice(segments.indexOf(existing), 1);
      return;
    }
    if (nodes.length === 0) return;
    const laterKinds = new Set(TICKET_SECTIONS.slice(order + 1).map((s) => s.kind));
    const before = segments.findIndex((s) => s.kind !== 'prose' && laterKinds.has(s.kind));
    segments.splice(before >= 0 ? before : segments.length, 0, { kind, nodes });
  });
  const nodes = segments.flatMap((s) => s.nodes);
  return {
    type: 'doc',
    version: 1,
    content: nodes.length > 0 ? nodes : [{ type: 'paragraph', content: [] }],
  };
}
