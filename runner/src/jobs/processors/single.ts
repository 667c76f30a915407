/**
 * POST /generate/single: a structured description for one ticket (context, scope, acceptance criteria,
 * technical notes). Dry run (the default) returns the preview; a real run replaces the Jira description
 * (ADF) with it, acceptance criteria included. Code-aware through OpenCode when `repos` is given.
 */
import type { GenerateSingleRequest } from '@augment/shared';
import type { JiraClient, JiraIssue } from '../../adapters/jira/index.js';
import { descriptionMarkdown } from '../../planning/adf-markdown.js';
import { readIssue } from '../../planning/epic-context.js';
import { describeTicket } from '../../planning/generate.js';
import type { LlmChoice } from '../../planning/structured.js';
import type { JobContext, Processor } from '../types.js';

export interface TicketDescriptionResult {
  ticket_key: string;
  summary: string;
  dry_run: boolean;
  /** previewed (dry run) or updated (the Jira description was replaced). */
  status: 'previewed' | 'updated';
  engine: string;
  fallback_reason: string | null;
  description_markdown: string;
  acceptance_criteria: string[];
  technical_notes: string[];
  /** The description before this run (plain text), so a reviewer can compare. */
  previous_description: string;
}

/** Generates the description of one issue and, unless `dryRun`, writes it. Shared with the batch job. */
export async function describeIssue(
  ctx: JobContext,
  jira: JiraClient,
  issue: JiraIssue,
  choice: LlmChoice,
  dryRun: boolean,
): Promise<TicketDescriptionResult> {
  const current = descriptionMarkdown(issue);
  const out = await describeTicket(
    ctx,
    { key: issue.key, summary: issue.summary, description: current },
    choice,
  );
  if (!dryRun) {
    await jira.updateIssue(issue.key, { description: out.data.description_markdown });
  }
  return {
    ticket_key: issue.key,
    summary: issue.summary,
    dry_run: dryRun,
    status: dryRun ? 'previewed' : 'updated',
    engine: out.engine,
    fallback_reason: out.fallback_reason ?? null,
    description_markdown: out.data.description_markdown,
    acceptance_criteria: out.data.acceptance_criteria,
    technical_notes: out.data.technical_notes,
    previous_description: issue.descriptionText,
  };
}

export const singleProcessor: Processor<GenerateSingleRequest, TicketDescriptionResult> = async (
  input,
  ctx,
) => {
  const { jira } = ctx.services.atlassian(ctx.credentials);
  await ctx.progress('reading ticket', 10, { ticket: input.ticket_key });
  const issue = await readIssue(jira, input.ticket_key, 'ticket_key');
  await ctx.progress(input.dry_run ? 'generating' : 'generating and updating', 40);
  const result = await describeIssue(ctx, jira, issue, input, input.dry_run);
  await ctx.progress('done', 100);
  return result;
};
