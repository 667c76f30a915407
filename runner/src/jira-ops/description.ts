/**
 * Merges generated content into a Jira description (ADF) section by section, with the one ticket
 * description format of shared/ (`updateTicketBlocks`): the parts given are replaced (or appended to),
 * every other node is kept as it is, so an update of the criteria does not lose a hand-written
 * description, a "Synced from the PRD" footer or the test cases, and the appends of a coverage follow-up
 * land in the right section.
 */
import {
  type DescriptionMode,
  type Segment,
  segmentBlocks,
  updateTicketBlocks,
  type WriteOptions,
} from '@augment/shared';
import { type AdfDocument, type AdfNode, adfToText, markdownToAdf } from '../adapters/jira/index.js';
import { adfBlockView } from '../planning/adf-markdown.js';
import { type DescriptionPatch, ticketPatch } from './ticket-markdown.js';

/** Top-level nodes in parts: the description, one of our sections, or the footer notes. */
export function descriptionSegments(doc: AdfDocument | null): { kind: Segment['part']; nodes: AdfNode[] }[] {
  const nodes = doc?.content ?? [];
  return segmentBlocks(nodes.map(adfBlockView)).map((s) => ({
    kind: s.part,
    nodes: nodes.slice(s.start, s.end),
  }));
}

/** Plain text of one part of a description, its heading left out ('' when absent). */
export function sectionText(doc: AdfDocument | null, kind: Segment['part']): string {
  const nodes = doc?.content ?? [];
  return segmentBlocks(nodes.map(adfBlockView))
    .filter((s) => s.part === kind)
    .map((s) =>
      adfToText({ type: 'doc', version: 1, content: nodes.slice(s.start + (s.headed ? 1 : 0), s.end) }),
    )
    .join('\n')
    .trim();
}

/**
 * The new description: `replace` swaps each given part (the description, a section, the footer),
 * keeping the order of what exists and adding missing sections in their usual place; `append` adds the
 * given parts after what each part already holds. Returns the current nodes when nothing is given.
 */
export function mergeDescription(
  current: AdfDocument | null,
  content: DescriptionPatch,
  mode: DescriptionMode,
  opts: WriteOptions = {},
): AdfDocument {
  const nodes = current?.content ?? [];
  const out = updateTicketBlocks(
    nodes,
    nodes.map(adfBlockView),
    ticketPatch(content),
    mode,
    (markdown) => markdownToAdf(markdown).content,
    opts,
  );
  return {
    type: 'doc',
    version: 1,
    content: out.length > 0 ? out : [{ type: 'paragraph', content: [] }],
  };
}
