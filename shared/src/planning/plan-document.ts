/**
 * Planning a local document (a markdown epic, an HTML or Confluence PRD) with the rule-based engine: what
 * `augment plan FILE` prints and what the plan evaluation scores, so both read a document the same way.
 */
import type { CoverageLevel } from '../api/requests.js';
import { htmlToPlanText, looksLikeHtml } from './html-to-text.js';
import { type EpicPlan, planEpic } from './plan-epic.js';

export interface DocumentPlanInput {
  /** The document: markdown, plain text, HTML or Confluence storage format. */
  text: string;
  /** The file it came from; names the epic when the document has no heading. */
  file_name?: string;
  /** The epic's summary; default: the document's first heading. */
  summary?: string;
  epic_key?: string;
  coverage_level?: CoverageLevel;
  max_task_cycle_days?: number;
}

/** The epic's title: the document's first heading, else the file name, without a "PRD"/"RFC" suffix. */
export function documentTitle(text: string, fileName = ''): string {
  const plain = looksLikeHtml(text) ? htmlToPlanText(text) : text;
  const heading = /^\s*#{1,2}\s+(.+?)\s*#*\s*$/m.exec(plain)?.[1];
  const base = fileName.replace(/^.*[\\/]/, '').replace(/\.[^.]+$/, '');
  const title = (heading ?? base.replace(/[-_]+/g, ' ')).trim();
  return (
    title
      .replace(/^(?:epic|prd|rfc)\s*[:–—-]\s*/i, '')
      .replace(/[\s:–—-]+(?:PRD|RFC|epic)$/i, '')
      .replace(/[\s:–—-]+$/, '') || 'Epic'
  );
}

/** Plans a document end to end (stories, team tasks, dependencies, tests). Deterministic. */
export function planDocument(input: DocumentPlanInput): EpicPlan {
  return planEpic({
    summary: input.summary ?? documentTitle(input.text, input.file_name),
    // The document is the source of the stories, not extra context for their tests.
    description: input.text,
    ...(input.coverage_level ? { coverage_level: input.coverage_level } : {}),
    ...(input.max_task_cycle_days !== undefined ? { max_task_cycle_days: input.max_task_cycle_days } : {}),
    ...(input.epic_key ? { epic_key: input.epic_key } : {}),
  });
}
