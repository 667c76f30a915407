/**
 * The Draft PR engine's view of Jira: a story (summary, description, acceptance criteria, browse link)
 * read from an issue, and the PR link posted back as a comment.
 *
 * Acceptance criteria live in the description under a heading such as "Acceptance criteria" (how the
 * runner writes stories, and how most teams do), read by the one ticket description format of shared/.
 */
import { createHash } from 'node:crypto';
import { type DraftPrStory, markdownToPlainText } from '@augment/shared';
import type { JiraClient, JiraIssue } from '../adapters/jira/jira-types.js';
import { issueSections } from '../planning/adf-markdown.js';
import type { StoryNotifier, StorySource } from './engine.js';

/**
 * Splits a description into its text and its acceptance criteria, read through the one ticket
 * description format: notes and footers such as "Synced from the PRD" are neither.
 */
export function splitAcceptanceCriteria(issue: Pick<JiraIssue, 'description' | 'descriptionText'>): {
  description: string;
  acceptance_criteria: string[];
} {
  const parts = issueSections(issue);
  return {
    description: markdownToPlainText(parts.description),
    acceptance_criteria: parts.acceptance_criteria,
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
