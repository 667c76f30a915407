/**
 * One record per job type: its input schema, retry policy, timeout, the tickets it locks for duplicate
 * prevention, and its processor. The API validates with `schema` before anything is enqueued; the worker
 * validates again (jobs may outlive a deploy that changed the schema).
 */

import { createHash } from 'node:crypto';
import {
  DraftPrStageInput,
  EpicCompletionRequest,
  EpicCreationRequest,
  GenerateBatchRequest,
  GenerateSingleRequest,
  type JobType,
  PrdSyncRequest,
  SprintPlanRequest,
  StoryCoverageRequest,
  StoryCreationRequest,
  StoryGenerationRequest,
  TaskCreationRequest,
  TaskGenerationRequest,
  TestGenerationRequest,
  TimelineRequest,
} from '@augment/shared';
import type { z } from 'zod';
import { processors } from './processors/index.js';
import type { AnyProcessor } from './types.js';

export interface JobDefinition {
  type: JobType;
  // biome-ignore lint/suspicious/noExplicitAny: schemas differ per type; inputs are re-validated by each
  schema: z.ZodType<any>;
  attempts: number;
  backoff: { type: 'exponential' | 'fixed'; delay: number };
  timeoutMs: number;
  /** Tickets the job locks: a second job of the same type on any of them is a duplicate (409). */
  ticketKeys(input: Record<string, unknown>): string[];
  processor: AnyProcessor;
}

const MINUTE = 60_000;
const hashKey = (prefix: string, text: string) =>
  `${prefix}:${createHash('sha256').update(text).digest('hex').slice(0, 16)}`;
const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
const strs = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

function def(
  type: JobType,
  schema: z.ZodType,
  ticketKeys: JobDefinition['ticketKeys'],
  opts: Partial<Pick<JobDefinition, 'attempts' | 'timeoutMs' | 'backoff'>> = {},
): JobDefinition {
  return {
    type,
    schema,
    ticketKeys,
    attempts: opts.attempts ?? 3,
    backoff: opts.backoff ?? { type: 'exponential', delay: 2_000 },
    timeoutMs: opts.timeoutMs ?? 10 * MINUTE,
    processor: processors[type],
  };
}

export const catalog: Record<JobType, JobDefinition> = {
  single: def('single', GenerateSingleRequest, (i) => [str(i.ticket_key)!]),
  batch: def(
    'batch',
    GenerateBatchRequest,
    (i) => (i.jql ? [hashKey('jql', String(i.jql))] : strs(i.ticket_keys)),
    { timeoutMs: 60 * MINUTE, attempts: 2 },
  ),
  story_generation: def('story_generation', StoryGenerationRequest, (i) => [str(i.epic_key)!]),
  prd_story_sync: def('prd_story_sync', PrdSyncRequest, (i) =>
    i.epic_key ? [str(i.epic_key)!] : [hashKey('prd', String(i.prd_url))],
  ),
  task_generation: def('task_generation', TaskGenerationRequest, (i) => strs(i.story_keys), {
    timeoutMs: 30 * MINUTE,
  }),
  test_generation: def('test_generation', TestGenerationRequest, (i) => [str(i.epic_key)!], {
    timeoutMs: 30 * MINUTE,
  }),
  epic_creation: def('epic_creation', EpicCreationRequest, (i) => [
    hashKey(`epic:${String(i.project_key)}`, String(i.summary).trim().toLowerCase()),
  ]),
  story_creation: def('story_creation', StoryCreationRequest, (i) => [str(i.epic_key)!]),
  task_creation: def('task_creation', TaskCreationRequest, (i) => strs(i.story_keys)),
  sprint_planning: def('sprint_planning', SprintPlanRequest, (i) => [str(i.epic_key)!]),
  timeline_planning: def('timeline_planning', TimelineRequest, (i) => [str(i.epic_key)!]),
  // One stage of a draft PR at a time; the engine records stage failures itself, so BullMQ retries only
  // cover crashes and infrastructure errors. VERIFY runs several commands, each with its own time limit.
  draft_pr_stage: def('draft_pr_stage', DraftPrStageInput, (i) => [`draft-pr:${str(i.draft_pr_job_id)}`], {
    timeoutMs: 90 * MINUTE,
    attempts: 3,
    backoff: { type: 'exponential', delay: 5_000 },
  }),
  // Stories, tasks and tests of one epic: one completion at a time per epic.
  epic_completion: def('epic_completion', EpicCompletionRequest, (i) => [str(i.epic_key)!], {
    timeoutMs: 60 * MINUTE,
  }),
  story_coverage: def('story_coverage', StoryCoverageRequest, (i) => [str(i.story_key)!]),
};

/**
 * The time limit of one attempt. A code-aware run (with `repos`) gets the OpenCode timeout plus room for
 * cloning and writing back, whatever the type's own limit.
 */
export function jobTimeoutMs(
  def: JobDefinition,
  input: Record<string, unknown>,
  openCodeTimeoutMinutes: number,
): number {
  const codeAware = Array.isArray(input.repos) && input.repos.length > 0;
  return codeAware ? Math.max(def.timeoutMs, (openCodeTimeoutMinutes + 5) * MINUTE) : def.timeoutMs;
}

export function jobDefinition(type: string): JobDefinition | undefined {
  return Object.hasOwn(catalog, type) ? catalog[type as JobType] : undefined;
}
