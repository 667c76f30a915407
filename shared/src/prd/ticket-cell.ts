/**
 * The "JIRA Ticket" cell: what it links to (a Jira macro, a browse link, a plain key) and the dry-run
 * placeholder marker `[TEMP-{uuid}](placeholder)`.
 */
import { ISSUE_KEY, ISSUE_KEY_SOURCE } from '../common/issue-key.js';
import {
  attr,
  findElements,
  inlineText,
  macroName,
  macroParameter,
  tagName,
  type XElement,
} from './xhtml-dom.js';

export const JIRA_KEY = ISSUE_KEY;
const KEY_IN_TEXT = new RegExp(`(?<![A-Za-z0-9_-])(${ISSUE_KEY_SOURCE})(?![A-Za-z0-9_-])`);
const KEY_IN_URL = new RegExp(
  `/browse/(${ISSUE_KEY_SOURCE})(?:[/?#]|$)|[?&]selectedIssue=(${ISSUE_KEY_SOURCE})(?![0-9])`,
);
const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
export const TEMP_ID = new RegExp(`^${UUID}$`);
const MARKER_IN_TEXT = new RegExp(`\\[?TEMP-(${UUID})\\]?(?:\\(placeholder\\))?`, 'i');

/** The dry-run marker written into a row's ticket cell. */
export function placeholderMarker(tempId: string): string {
  return `[TEMP-${tempId}](placeholder)`;
}

/** The temp id of the first placeholder marker in a text, if any (lower-cased). */
export function findTempId(text: string): string | null {
  const m = MARKER_IN_TEXT.exec(text);
  return m ? m[1]!.toLowerCase() : null;
}

/** A Jira key found in a link URL (`/browse/KEY`, `?selectedIssue=KEY`). */
export function keyFromUrl(url: string): string | null {
  const m = KEY_IN_URL.exec(url);
  return m ? (m[1] ?? m[2] ?? null) : null;
}

export interface TicketCellContent {
  jiraKey: string | null;
  tempId: string | null;
  /** How the key is written: a macro or link is left alone by write-back, a plain key becomes a link. */
  keyForm: 'macro' | 'link' | 'text' | null;
}

/** Reads the ticket cell: a Jira macro wins over a link, which wins over a key written as text. */
export function readTicketCell(cell: XElement | null): TicketCellContent {
  if (!cell) return { jiraKey: null, tempId: null, keyForm: null };
  const text = inlineText(cell);
  const tempId = findTempId(text);
  for (const macro of findElements(cell, (el) => macroName(el) === 'jira')) {
    const key = (macroParameter(macro, 'key') ?? '').trim().toUpperCase();
    if (JIRA_KEY.test(key)) return { jiraKey: key, tempId, keyForm: 'macro' };
  }
  for (const link of findElements(cell, (el) => tagName(el) === 'a' || tagName(el) === 'ri:url')) {
    const href = attr(link, 'href') ?? attr(link, 'ri:value') ?? '';
    const key = keyFromUrl(href);
    if (key) return { jiraKey: key, tempId, keyForm: 'link' };
  }
  // Markers are removed first: "TEMP-12345678-..." would otherwise read as the key TEMP-12345678.
  const withoutMarkers = text.replace(new RegExp(MARKER_IN_TEXT.source, 'gi'), ' ');
  const m = KEY_IN_TEXT.exec(withoutMarkers);
  return { jiraKey: m ? m[1]! : null, tempId, keyForm: m ? 'text' : null };
}
