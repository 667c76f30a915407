/** Shapes shared by the PRD parser, the sync planner, the write-back and the `augment prd parse` CLI. */
import { z } from 'zod';

export const PrdAcceptanceFormat = z.enum(['gwt', 'bullets', 'text']);
export type PrdAcceptanceFormat = z.infer<typeof PrdAcceptanceFormat>;

/** One Given/When/Then scenario: an optional title line and its clauses ("Given a", "When b", "Then c"). */
export const PrdGwtScenario = z.object({
  title: z.string().nullable(),
  steps: z.array(z.string()),
});
export type PrdGwtScenario = z.infer<typeof PrdGwtScenario>;

export const PrdAcceptanceCriteria = z.object({
  format: PrdAcceptanceFormat,
  /** gwt: every clause in order; bullets: every list item (nested ones included); text: every line. */
  items: z.array(z.string()),
  /** Only for gwt: the same clauses grouped by scenario. */
  scenarios: z.array(PrdGwtScenario).optional(),
});
export type PrdAcceptanceCriteria = z.infer<typeof PrdAcceptanceCriteria>;

export const PrdStory = z.object({
  title: z.string(),
  description: z.string(),
  acceptance_criteria: PrdAcceptanceCriteria,
  /** Key of the Jira issue the row already links to (Jira macro, browse link or plain key). */
  jira_key: z.string().nullable(),
  /** UUID of a `[TEMP-{uuid}](placeholder)` marker left by a dry run. */
  temp_id: z.string().nullable(),
  /** Position of the row in its table, counting every row; the header row is 0 in a plain table. */
  row_index: z.number().int().nonnegative(),
});
export type PrdStory = z.infer<typeof PrdStory>;

/** Header text of each recognised column as written on the page (null when the table lacks it). */
export const PrdColumns = z.object({
  title: z.string(),
  description: z.string().nullable(),
  acceptance_criteria: z.string().nullable(),
  jira_ticket: z.string().nullable(),
});
export type PrdColumns = z.infer<typeof PrdColumns>;

export const PrdSkippedRow = z.object({
  row_index: z.number().int().nonnegative(),
  reason: z.enum(['empty', 'separator', 'repeated_header']),
});
export type PrdSkippedRow = z.infer<typeof PrdSkippedRow>;

export const PrdParseResult = z.object({
  /** The heading the story table was found under, as written ("4. Story List"). */
  section: z.string(),
  columns: PrdColumns,
  stories: z.array(PrdStory),
  skipped_rows: z.array(PrdSkippedRow),
});
export type PrdParseResult = z.infer<typeof PrdParseResult>;

/** What to do with a row that already links to a Jira issue. */
export const PrdExistingTicketAction = z.enum(['skip', 'update', 'error']);
export type PrdExistingTicketAction = z.infer<typeof PrdExistingTicketAction>;

export const PrdRowAction = z.enum(['create', 'update', 'skip', 'error']);
export type PrdRowAction = z.infer<typeof PrdRowAction>;

export const PrdRowPlan = z.object({
  row_index: z.number().int().nonnegative(),
  title: z.string(),
  action: PrdRowAction,
  /** Why the row is skipped or in error; null for create and update. */
  reason: z.string().nullable(),
  jira_key: z.string().nullable(),
  /** For create: the marker id to write in a dry run and to match the row by afterwards. */
  temp_id: z.string().nullable(),
  story: PrdStory,
});
export type PrdRowPlan = z.infer<typeof PrdRowPlan>;

export const PrdSyncPlan = z.object({
  existing_ticket_action: PrdExistingTicketAction,
  rows: z.array(PrdRowPlan),
  counts: z.object({
    create: z.number().int(),
    update: z.number().int(),
    skip: z.number().int(),
    error: z.number().int(),
  }),
  /** True when existing_ticket_action "error" met an existing ticket: nothing may be created or updated. */
  halted: z.boolean(),
  halt_reason: z.string().nullable(),
});
export type PrdSyncPlan = z.infer<typeof PrdSyncPlan>;

/**
 * One change to write into the story table. `placeholder` writes the dry-run marker of a row to be
 * created; `link` writes a link to a created or updated issue. Rows are found by temp id (marker), then
 * by the key already in the row, then by row_index (only if the title still matches), then by title.
 */
export const PrdWriteBackEdit = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('placeholder'),
    temp_id: z.string(),
    title: z.string().optional(),
    row_index: z.number().int().nonnegative().optional(),
  }),
  z.object({
    kind: z.literal('link'),
    jira_key: z.string(),
    temp_id: z.string().nullable().optional(),
    title: z.string().optional(),
    row_index: z.number().int().nonnegative().optional(),
    /** Overrides `{siteUrl}/browse/{jira_key}`. */
    url: z.string().optional(),
  }),
]);
export type PrdWriteBackEdit = z.infer<typeof PrdWriteBackEdit>;

export const PrdWriteBackRowReport = z.object({
  /** Index of the edit in the request. */
  edit_index: z.number().int().nonnegative(),
  /** written: the cell changed; unchanged: it already said this; not_found: no row matched; conflict: the
   * row matched but holds another ticket or its ticket cell is merged with another row. */
  status: z.enum(['written', 'unchanged', 'not_found', 'conflict']),
  row_index: z.number().int().nonnegative().nullable(),
  matched_by: z.enum(['temp_id', 'jira_key', 'row_index', 'title']).nullable(),
  message: z.string().nullable(),
});
export type PrdWriteBackRowReport = z.infer<typeof PrdWriteBackRowReport>;

/** A replacement of source[start, end) by text, in the coordinates of the original page. */
export const PrdSplice = z.object({
  start: z.number().int().nonnegative(),
  end: z.number().int().nonnegative(),
  text: z.string(),
});
export type PrdSplice = z.infer<typeof PrdSplice>;

export const PrdWriteBackResult = z.object({
  xhtml: z.string(),
  changed: z.boolean(),
  column_added: z.boolean(),
  rows: z.array(PrdWriteBackRowReport),
  splices: z.array(PrdSplice),
});
export type PrdWriteBackResult = z.infer<typeof PrdWriteBackResult>;
