/** Decides, row by row, what a PRD sync does with the stories of a parsed page. */
import type {
  PrdExistingTicketAction,
  PrdParseResult,
  PrdRowPlan,
  PrdSyncPlan,
  PrdWriteBackEdit,
} from './prd-schemas.js';

export interface PlanPrdSyncOptions {
  /** Makes marker ids for rows that have none yet; defaults to crypto.randomUUID (tests pass their own). */
  newId?: () => string;
}

function rowLabel(row: { row_index: number; title: string }): string {
  return row.title ? `Row ${row.row_index} ("${row.title}")` : `Row ${row.row_index}`;
}

/**
 * Plans a PRD sync. For each story row:
 * - no ticket yet: `create`, with a temp id (the row's existing `[TEMP-...]` marker, or a new one) that
 *   the dry run writes into the row and the real run uses to find the row again;
 * - a ticket already linked: `skip` (default), `update`, or `error` per `existingAction`;
 * - no title: `error` for that row only.
 *
 * With `existingAction` "error", one existing ticket halts the whole sync: `halted` is true, the rows
 * with tickets are errors and every other row is skipped, so nothing is created.
 */
export function planPrdSync(
  parsed: PrdParseResult,
  existingAction: PrdExistingTicketAction = 'skip',
  options: PlanPrdSyncOptions = {},
): PrdSyncPlan {
  const newId = options.newId ?? (() => globalThis.crypto.randomUUID());
  const rows: PrdRowPlan[] = parsed.stories.map((story) => {
    const base = { row_index: story.row_index, title: story.title, jira_key: story.jira_key, story };
    if (!story.title) {
      return {
        ...base,
        action: 'error',
        reason: `${rowLabel(story)} has content but no title.`,
        temp_id: story.temp_id,
      };
    }
    if (story.jira_key) {
      const key = story.jira_key;
      if (existingAction === 'update') return { ...base, action: 'update', reason: null, temp_id: null };
      if (existingAction === 'error') {
        return {
          ...base,
          action: 'error',
          reason: `${rowLabel(story)} already has ticket ${key} and existing_ticket_action is "error".`,
          temp_id: null,
        };
      }
      return { ...base, action: 'skip', reason: `Already linked to ${key}.`, temp_id: null };
    }
    return { ...base, action: 'create', reason: null, temp_id: story.temp_id ?? newId() };
  });

  const blocker =
    existingAction === 'error' ? rows.find((r) => r.action === 'error' && r.jira_key !== null) : undefined;
  const haltReason = blocker
    ? `Sync stopped: ${rowLabel(blocker)} already has ticket ${blocker.jira_key} ` +
      '(existing_ticket_action "error"); nothing was created or updated.'
    : null;
  const finalRows: PrdRowPlan[] = blocker
    ? rows.map((r) =>
        r.action === 'create' || r.action === 'update'
          ? { ...r, action: 'skip', reason: 'Sync stopped by an existing ticket.', temp_id: r.temp_id }
          : r,
      )
    : rows;

  const counts = { create: 0, update: 0, skip: 0, error: 0 };
  for (const r of finalRows) counts[r.action]++;
  return {
    existing_ticket_action: existingAction,
    rows: finalRows,
    counts,
    halted: blocker !== undefined,
    halt_reason: haltReason,
  };
}

/** Dry-run write-back: a placeholder marker for every row the plan would create. */
export function prdPlaceholderEdits(plan: PrdSyncPlan): PrdWriteBackEdit[] {
  return plan.rows
    .filter((r) => r.action === 'create' && r.temp_id !== null)
    .map((r) => ({ kind: 'placeholder', temp_id: r.temp_id!, title: r.title, row_index: r.row_index }));
}

/** Real-run write-back: the link for a planned row once its issue was created or updated as `jiraKey`. */
export function prdLinkEdit(row: PrdRowPlan, jiraKey: string): PrdWriteBackEdit {
  return {
    kind: 'link',
    jira_key: jiraKey,
    temp_id: row.temp_id,
    title: row.title,
    row_index: row.row_index,
  };
}
