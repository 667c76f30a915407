/**
 * Acceptance criteria as PRD authors write them: Given/When/Then (inline, one clause per line, several
 * scenarios per cell), bullet or numbered lists, or prose.
 */
import { decodeEntities } from './decode-entities.js';
import type { PrdAcceptanceCriteria, PrdGwtScenario } from './prd-schemas.js';
import { cleanText, loadXhtml, renderLines, type TextLine } from './xhtml-dom.js';

const BULLET =
  /^(?:[-*+\u2022\u25e6\u25aa\u25ab\u2023\u2013\u2014]\s+|\d{1,3}[.)]\s+|[a-zA-Z]\)\s+|\(\w{1,3}\)\s+)/;
const ANY_KEYWORD = /\b(?:given|when|then)\b/i;
const HAS_COLON_KEYWORD = /\b(?:given|when|then)\s*:/i;
const COLON_KEYWORD = /\b(given|when|then|and|but)\s*:\s*/gi;
const LEADING_KEYWORD = /^(given|when|then|and|but)\b\s*:?\s*/i;
// Without colons, only capitalised keywords split a line: "the user and the admin" must stay whole.
const INLINE_KEYWORD = /(?<=[\s,;.])(Given|When|Then|And|But)\b\s*/g;
const SCENARIO = /^((?:scenario(?:\s+outline)?|example|ac)\s*#?\s*\d*)\s*(?:[:.)\u2013\u2014-]\s*|$)(.*)$/i;

type Keyword = 'Given' | 'When' | 'Then' | 'And' | 'But';

interface Segment {
  keyword: Keyword | null;
  text: string;
  scenarioTitle?: string;
}

function keyword(word: string): Keyword {
  return (word[0]!.toUpperCase() + word.slice(1).toLowerCase()) as Keyword;
}

function splitAt(text: string, pattern: RegExp): Segment[] {
  const out: Segment[] = [];
  let last = 0;
  let pending: Keyword | null = null;
  for (const m of text.matchAll(pattern)) {
    const before = text.slice(last, m.index).trim();
    if (before || pending) out.push({ keyword: pending, text: before });
    pending = keyword(m[1]!);
    last = m.index + m[0].length;
  }
  const rest = text.slice(last).trim();
  if (rest || pending) out.push({ keyword: pending, text: rest });
  return out;
}

function splitClauses(text: string): Segment[] {
  if (HAS_COLON_KEYWORD.test(text)) return splitAt(text, COLON_KEYWORD);
  const lead = LEADING_KEYWORD.exec(text);
  if (!lead) return [{ keyword: null, text }];
  const rest = text.slice(lead[0].length);
  const tail = splitAt(` ${rest}`, INLINE_KEYWORD);
  const first = tail[0];
  if (first && first.keyword === null) first.keyword = keyword(lead[1]!);
  else tail.unshift({ keyword: keyword(lead[1]!), text: '' });
  return tail;
}

function segmentLine(text: string): Segment[] {
  const scenario = SCENARIO.exec(text);
  if (scenario) {
    const rest = scenario[2]!.trim();
    if (rest && LEADING_KEYWORD.test(rest)) {
      return [{ keyword: null, text: '', scenarioTitle: scenario[1]!.trim() }, ...splitClauses(rest)];
    }
    return [{ keyword: null, text: '', scenarioTitle: text.replace(/\s*:\s*$/, '') }];
  }
  return splitClauses(text);
}

function stripBullet(text: string): { text: string; marked: boolean } {
  const m = BULLET.exec(text);
  return m ? { text: text.slice(m[0].length).trim(), marked: true } : { text, marked: false };
}

function asGwt(segments: Segment[]): PrdAcceptanceCriteria | null {
  const distinct = new Set(
    segments.map((s) => s.keyword).filter((k) => k === 'Given' || k === 'When' || k === 'Then'),
  );
  const withKeyword = segments.filter((s) => s.keyword !== null).length;
  const plain = segments.filter((s) => s.keyword === null && !s.scenarioTitle).length;
  if (distinct.size < 2 || withKeyword < plain) return null;

  const scenarios: Array<PrdGwtScenario & { sawThen: boolean }> = [];
  let current: (PrdGwtScenario & { sawThen: boolean }) | null = null;
  const open = (title: string | null) => {
    current = { title, steps: [], sawThen: false };
    scenarios.push(current);
    return current;
  };
  segments.forEach((seg, i) => {
    if (seg.scenarioTitle !== undefined) {
      open(seg.scenarioTitle);
      return;
    }
    let cur = current as (PrdGwtScenario & { sawThen: boolean }) | null;
    if (seg.keyword) {
      // A new Given (or When) after a Then starts the next scenario.
      if (!cur || (cur.sawThen && (seg.keyword === 'Given' || seg.keyword === 'When'))) cur = open(null);
      if (seg.keyword === 'Then') cur.sawThen = true;
      cur.steps.push(seg.text ? `${seg.keyword} ${seg.text}` : seg.keyword);
      return;
    }
    const next = segments[i + 1];
    const startsNext = next && (next.keyword === 'Given' || next.keyword === 'When');
    if (!cur || (cur.sawThen && startsNext)) {
      open(seg.text);
    } else if (cur.steps.length === 0) {
      cur.title = cur.title ? `${cur.title} ${seg.text}` : seg.text;
    } else {
      cur.steps[cur.steps.length - 1] += ` ${seg.text}`;
    }
  });
  const clean = scenarios
    .filter((s) => s.steps.length > 0 || s.title)
    .map(({ title, steps }) => ({ title, steps }));
  return { format: 'gwt', items: clean.flatMap((s) => s.steps), scenarios: clean };
}

/** Classifies the lines of an acceptance-criteria cell; see {@link parseAcceptanceCriteria}. */
export function acceptanceCriteriaFromLines(lines: TextLine[]): PrdAcceptanceCriteria {
  const prepared = lines
    .map((line) => {
      const stripped = stripBullet(line.text);
      return { original: line.text, text: stripped.text, marked: stripped.marked || line.list !== null };
    })
    .filter((l) => l.text !== '');
  if (prepared.length === 0) return { format: 'text', items: [] };

  const gwt = prepared.some((l) => ANY_KEYWORD.test(l.text))
    ? asGwt(prepared.flatMap((l) => segmentLine(l.text)))
    : null;
  if (gwt) return gwt;

  const marked = prepared.filter((l) => l.marked).length;
  if (marked > 0 && marked * 2 >= prepared.length) {
    return { format: 'bullets', items: prepared.map((l) => l.text) };
  }
  return { format: 'text', items: prepared.map((l) => l.original) };
}

/**
 * Parses acceptance criteria from a table cell's storage XHTML or from plain text (lines split on `\n`).
 *
 * - Given/When/Then, inline ("Given: a When: b Then: c") or one clause per line or paragraph, with or
 *   without colons, "And"/"But" included: format `gwt`, items are clauses ("Given a", "When b", "Then c"),
 *   `scenarios` groups them (a new scenario starts at a "Scenario ..." line or a Given after a Then).
 * - `ul`/`ol` lists (nested ones flattened), Confluence task lists, or "- ", "* ", "1. " lines: `bullets`.
 * - Anything else: `text`, one item per line or paragraph (an empty cell gives no items).
 */
export function parseAcceptanceCriteria(cellHtmlOrText: string): PrdAcceptanceCriteria {
  if (/<[A-Za-z!?/]/.test(cellHtmlOrText)) {
    return acceptanceCriteriaFromLines(renderLines(loadXhtml(cellHtmlOrText)));
  }
  const lines = decodeEntities(cellHtmlOrText)
    .split(/\r?\n/)
    .map((text) => ({ text: cleanText(text), list: null }));
  return acceptanceCriteriaFromLines(lines);
}
