/**
 * The Jira description of a story synced from a PRD row: the row's description, its acceptance criteria
 * (Given/When/Then scenarios, bullets or text, as written) and a link back to the PRD. Markdown, turned
 * into ADF by the Jira adapter.
 */
import type { PrdAcceptanceCriteria, PrdStory } from '@augment/shared';

const GWT_LEAD = /^(given|when|then|and|but)\b:?\s*/i;

/** Bolds the Given/When/Then keyword of a clause: "Given: a cart" -> "**Given** a cart". */
function gwtClause(step: string): string {
  const m = GWT_LEAD.exec(step);
  if (!m) return step;
  const word = m[1]!;
  const keyword = word.charAt(0).toUpperCase() + word.slice(1).toLowerCase();
  return `**${keyword}** ${step.slice(m[0].length)}`;
}

/** One line per item; items are single lines of text (the parser flattens cells into lines). */
function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

function criteriaMarkdown(ac: PrdAcceptanceCriteria): string[] {
  const items = ac.items.map(oneLine).filter((i) => i !== '');
  if (items.length === 0) return [];
  const out = ['## Acceptance Criteria', ''];
  if (ac.format === 'gwt') {
    const scenarios = ac.scenarios?.length ? ac.scenarios : [{ title: null, steps: items }];
    scenarios.forEach((s, i) => {
      const title = s.title ? oneLine(s.title) : scenarios.length > 1 ? `Scenario ${i + 1}` : null;
      if (title) out.push(`**${title}**`, '');
      for (const step of s.steps.map(oneLine).filter(Boolean)) out.push(`- ${gwtClause(step)}`);
      out.push('');
    });
  } else if (ac.format === 'bullets') {
    for (const item of items) out.push(`- ${item}`);
    out.push('');
  } else {
    for (const item of items) out.push(item, '');
  }
  return out;
}

export interface StoryMarkdownSource {
  /** Title of the PRD page and its link, for the "Synced from" line. */
  pageTitle?: string;
  pageUrl?: string | null;
}

/** The description (markdown) of the Jira story for one PRD row. */
export function prdStoryMarkdown(story: PrdStory, source: StoryMarkdownSource = {}): string {
  const out: string[] = [];
  const description = story.description.trim() || story.title.trim();
  out.push(description, '');
  out.push(...criteriaMarkdown(story.acceptance_criteria));
  if (source.pageUrl) {
    const label = (source.pageTitle ?? '').replace(/[[\]]/g, '') || 'PRD';
    out.push(`_Synced from the PRD [${label}](${source.pageUrl})._`);
  }
  return `${out.join('\n').trim()}\n`;
}
