/**
 * POST /generate/batch: descriptions for the tickets of a JQL query or a key list. Each ticket is its own
 * unit: one that cannot be read or written is reported with its error and the others go on, so one bad
 * key never fails the job. Only when every ticket failed for a reason a retry can fix (Jira down) does
 * the job fail, to be retried.
 */
import type { GenerateBatchRequest } from '@augment/shared';
import pLimit from 'p-limit';
import type { JiraIssue } from '../../adapters/jira/index.js';
import { AppError, isRetryable } from '../../errors.js';
import { assertProviderUsable } from '../../planning/structured.js';
import type { Processor } from '../types.js';
import { describeIssue, type TicketDescriptionResult } from './single.js';

export type BatchTicketResult =
  | (TicketDescriptionResult & { ok: true })
  | { ok: false; ticket_key: string; status: 'failed'; error: { code: string; message: string } };

export interface BatchResult {
  dry_run: boolean;
  source: 'ticket_keys' | 'jql';
  jql: string | null;
  status: 'completed' | 'partial' | 'failed';
  counts: { total: number; succeeded: number; failed: number };
  tickets: BatchTicketResult[];
}

function errorOf(err: unknown): { code: string; message: string; retryable: boolean } {
  const retryable = isRetryable(err);
  if (err instanceof AppError) return { code: err.code, message: err.message, retryable };
  return { code: 'internal_error', message: String((err as Error)?.message ?? err), retryable };
}

export const batchProcessor: Processor<GenerateBatchRequest, BatchResult> = async (input, ctx) => {
  assertProviderUsable(ctx, input);
  const { jira } = ctx.services.atlassian(ctx.credentials);
  await ctx.progress('selecting tickets', 5);
  // From JQL the issues come with the search; from keys each is read on its own (and may be missing).
  const found: JiraIssue[] | null = input.jql
    ? await jira.searchJql(input.jql, { limit: input.max_tickets })
    : null;
  const keys = found
    ? found.map((i) => i.key)
    : [...new Set(input.ticket_keys ?? [])].slice(0, input.max_tickets);
  const byKey = new Map((found ?? []).map((i) => [i.key, i]));
  const total = keys.length;
  let done = 0;
  const failures: ReturnType<typeof errorOf>[] = [];
  const limit = pLimit(2);
  const tickets = await Promise.all(
    keys.map((key) =>
      limit(async (): Promise<BatchTicketResult> => {
        ctx.signal.throwIfAborted();
        let result: BatchTicketResult;
        try {
          const issue = byKey.get(key) ?? (await jira.getIssue(key));
          result = { ok: true, ...(await describeIssue(ctx, jira, issue, input, input.dry_run)) };
        } catch (err) {
          if (ctx.signal.aborted) throw err;
          const e = errorOf(err);
          failures.push(e);
          result = {
            ok: false,
            ticket_key: key,
            status: 'failed',
            error: { code: e.code, message: e.message },
          };
        }
        done++;
        await ctx.progress('generating', 10 + Math.round((85 * done) / Math.max(1, total)), {
          ticket: key,
          done,
          total,
          failed: failures.length,
        });
        return result;
      }),
    ),
  );
  if (total > 0 && failures.length === total && failures.every((f) => f.retryable)) {
    throw new AppError(503, 'batch_unavailable', `every ticket failed: ${failures[0]!.message}`);
  }
  const failed = tickets.filter((t) => !t.ok).length;
  await ctx.progress('done', 100, { total, failed });
  return {
    dry_run: input.dry_run,
    source: input.jql ? 'jql' : 'ticket_keys',
    jql: input.jql ?? null,
    status: failed === 0 ? 'completed' : failed === total ? 'failed' : 'partial',
    counts: { total, succeeded: total - failed, failed },
    tickets,
  };
};
