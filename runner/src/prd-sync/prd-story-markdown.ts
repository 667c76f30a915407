/**
 * The Jira description of a story synced from a PRD row, in the one ticket description format: the row's
 * description, its acceptance criteria (a Given/When/Then scenario per criterion, bullets or lines as
 * written) and a footer note linking back to the PRD, which reads back as a footer, never as a criterion.
 */
import {
  type PrdAcceptanceCriteria,
  type PrdStory,
  plainTextToMarkdown,
  type TicketSectionsPatch,
  writeTicketDescription,
} from '@augment/shared';

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

/** The row's criteria as items: each Given/When/Then scenario is one criterion, named when it has a title. */
export function prdCriteria(ac: PrdAcceptanceCriteria): string[] {
  const items = ac.items.map(oneLine).filter(Boolean);
  if (ac.format !== 'gwt') return items;
  const scenarios = ac.scenarios?.length ? ac.scenarios : [{ title: null, steps: items }];
  return scenarios
    .map((s) => {
      const steps = s.steps.map(oneLine).filter(Boolean).join(', ');
      const title = s.title ? oneLine(s.title) : '';
      return title && steps ? `${title}: ${steps}` : title || steps;
    })
    .filter(Boolean);
}

export interface StoryMarkdownSource {
  /** Title of the PRD page and its link, for the "Synced from" footer. */
  pageTitle?: string;
  pageUrl?: string | null;
}

/** The footer that links a story back to its PRD page (markdown of a note). */
export function prdFooter(source: StoryMarkdownSource): string[] {
  if (!source.pageUrl) return [];
  // The label is plain words: markdown in it would reach Jira as written.
  const label =
    (source.pageTitle ?? '')
      .replace(/[[\]\\`*_<>~|]/g, '')
      .replace(/\s+/g, ' ')
      .trim() || 'PRD';
  const target = /[\s()<>]/.test(source.pageUrl)
    ? `<${source.pageUrl.replace(/[<>]/g, encodeURIComponent)}>`
    : source.pageUrl;
  return [`Synced from the PRD [${label}](${target}).`];
}

/** The parts of the description of the Jira story for one PRD row (those a re-sync replaces). */
export function prdStoryParts(story: PrdStory, source: StoryMarkdownSource = {}): TicketSectionsPatch {
  return {
    description: plainTextToMarkdown(story.description.trim() || story.title.trim()),
    acceptance_criteria: prdCriteria(story.acceptance_criteria),
    footer: prdFooter(source),
  };
}

/** The description (markdown) of the Jira story for one PRD row. */
export function prdStoryMarkdown(story: PrdStory, source: StoryMarkdownSource = {}): string {
  return writeTicketDescription(prdStoryParts(story, source));
}
