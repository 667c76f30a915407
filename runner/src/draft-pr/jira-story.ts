/**
 * The Draft PR engine's view of Jira: a story (summary, description, acceptance criteria, browse link)
 * read from an issue, and the PR link posted back as a comment.
 *
 * Acceptance criteria live in the description under a heading such as "Acceptance criteria" (how the
 * runner writes stories, and how most teams do): the items after it, up to the next heading, are the
 * criteria; everything before it is the description.
 */
import { createHash } from 'node:crypto';
import { type DraftPrStory, parseAcceptanceCriteria } from '@augment/shared';
import { adfToText } from '../adapters/jira/adf.js';
import type { AdfNode, JiraClient, JiraIssue } from '../adapters/jira/jira-types.js';
import type { StoryNotifier, StorySource } from './engine.js';

const AC_HEADING =
  /^\s*(?:#+\s*)?(?:\*\*)?(?:acceptance criteria|acceptance criterion|ac|definition of done)(?:\*\*)?\s*:?\s*(?:\*\*)?\s*$/i;

const textOf = (node: AdfNode): string => adfToText({ type: 'doc', version: 1, content: [node] });

/** Criteria in free text; a Given/When/Then scenario is one criterion, not one per clause. */
function criteriaOfText(text: string): string[] {
  const parsed = parseAcceptanceCriteria(text);
  const items =
    parsed.format === 'gwt' && parsed.scenarios?.length
      ? parsed.scenarios.map((s) => [s.title, s.steps.join(' ')].filter(Boolean).join(': '))
      : parsed.items;
  return items.map((i) => i.replace(/\s+/g, ' ').trim()).filter(Boolean);
}

/** Criteria items of the nodes following the heading: list items one by one, other blocks line by line. */
function criteriaOf(nodes: AdfNode[]): string[] {
  const items: string[] = [];
  for (const node of nodes) {
    if (node.type === 'bulletList' || node.type === 'orderedList' || node.type === 'taskList') {
      for (const item of node.content ?? []) {
        const text = textOf(item).replace(/\s+/g, ' ').trim();
        if (text) items.push(text);
      }
    } else {
      items.push(...criteriaOfText(textOf(node)));
    }
  }
  return items.map((i) => i.trim()).filter(Boolean);
}

/** Splits a description into its text and its acceptance criteria. */
export function splitAcceptanceCriteria(issue: Pick<JiraIssue, 'description' | 'descriptionText'>): {
  description: string;
  acceptance_criteria: string[];
} {
  const blocks = issue.description?.content ?? [];
  const at = blocks.findIndex(
    (b) => (b.type === 'heading' || b.type === 'paragraph') && AC_HEADING.test(textOf(b)),
  );
  if (at >= 0) {
    const rest = blocks.slice(at + 1);
    const end = rest.findIndex((b) => b.type === 'heading');
    const section = end >= 0 ? rest.slice(0, end) : rest;
    const after = end >= 0 ? rest.slice(end) : [];
    const description = adfToText({ type: 'doc', version: 1, content: [...blocks.slice(0, at), ...after] });
    return { description, acceptance_criteria: criteriaOf(section) };
  }
  // Plain text (or ADF without structure): an "Acceptance criteria:" line, criteria below it.
  const lines = issue.descriptionText.split('\n');
  const line = lines.findIndex((l) => AC_HEADING.test(l));
  if (line < 0) return { description: issue.descriptionText.trim(), acceptance_criteria: [] };
  return {
    description: lines.slice(0, line).join('\n').trim(),
    acceptance_criteria: criteriaOfText(lines.slice(line + 1).join('\n')),
  };
}

/** The story of a Jira issue, as the planner sees it. */
export function storyFromIssue(issue: JiraIssue, browseBaseUrl?: string): DraftPrStory {
  const { description, acceptance_criteria } = splitAcceptanceCriteria(issue);
  return {
    key: issue.key,
    summary: issue.summary.trim() || issue.key,
    description: description.slice(0, 200_000),
    acceptance_criteria: acceptance_criteria.map((c) => c.slice(0, 4000)).slice(0, 200),
    ...(browseBaseUrl ? { url: `${browseBaseUrl.replace(/\/+$/, '')}/browse/${issue.key}` } : {}),
  };
}

/** Reads stories through `jira()` (called per use, so each job can bring its own credentials). */
export function jiraStorySource(jira: () => JiraClient, browseBaseUrl?: string): StorySource {
  return {
    async getStory(key) {
      return storyFromIssue(await jira().getIssue(key), browseBaseUrl);
    },
  };
}

/**
 * Comments on the story. The idempotency key is derived from the story and the text (which carries the
 * PR link), so a redelivered DRAFT_PR stage finds its earlier comment instead of adding a second one.
 */
export function jiraStoryNotifier(jira: () => JiraClient): StoryNotifier {
  return {
    async commentOnStory(key, text) {
      const digest = createHash('sha256').update(`${key}\n${text}`).digest('hex').slice(0, 32);
      await jira().addComment(key, text, { idempotencyKey: `draft-pr-comment:${digest}` });
    },
  };
}
