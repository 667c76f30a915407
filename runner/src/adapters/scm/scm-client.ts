/**
 * What the Draft PR pipeline needs from a code host: find the open PR of a branch, open a draft PR.
 * Creating is not idempotent on the hosts, so callers go through `ensureDraftPr` (find, then create).
 */

import { AppError } from '../../errors.js';

export type ScmProviderName = 'github' | 'bitbucket';

export interface PullRequestRef {
  provider: ScmProviderName;
  /** GitHub number or Bitbucket id. */
  number: number;
  /** Web page of the PR. */
  url: string;
  draft: boolean;
  head: string;
  base: string;
}

export interface CreateDraftPrInput {
  title: string;
  body: string;
  /** Source branch (in the same repository). */
  head: string;
  /** Target branch. */
  base: string;
}

export interface ScmClient {
  readonly provider: ScmProviderName;
  /** The open PR whose source is `branch`, or null. */
  findOpenPr(branch: string, signal?: AbortSignal): Promise<PullRequestRef | null>;
  createDraftPr(input: CreateDraftPrInput, signal?: AbortSignal): Promise<PullRequestRef>;
}

export type ScmErrorCode =
  | 'scm_auth'
  | 'scm_not_found'
  | 'scm_conflict'
  | 'scm_invalid'
  | 'scm_unavailable'
  | 'scm_failed';

/** The status the runner answers with for each SCM failure (a refused token is the runner's problem). */
const SCM_STATUS: Record<ScmErrorCode, 400 | 404 | 409 | 502 | 503> = {
  scm_auth: 502,
  scm_not_found: 404,
  scm_conflict: 409,
  scm_invalid: 400,
  scm_unavailable: 503,
  scm_failed: 502,
};

/** A code host's failure: `upstreamStatus` is the host's answer, `status` the runner's. */
export class ScmError extends AppError {
  declare readonly code: ScmErrorCode;
  constructor(
    code: ScmErrorCode,
    message: string,
    options: { upstreamStatus?: number; cause?: unknown } = {},
  ) {
    super(SCM_STATUS[code], code, message, undefined, {
      ...options,
      // Only an outage or a rate limit (both `scm_unavailable`) can go away by itself.
      retryable: code === 'scm_unavailable',
    });
    this.name = 'ScmError';
  }
}

/** Maps an HTTP status to an error code. */
export function scmErrorCode(status: number | undefined): ScmErrorCode {
  if (status === 401 || status === 403) return 'scm_auth';
  if (status === 404) return 'scm_not_found';
  if (status === 409) return 'scm_conflict';
  if (status === 400 || status === 422) return 'scm_invalid';
  if (status === undefined || status === 429 || status >= 500) return 'scm_unavailable';
  return 'scm_failed';
}

/**
 * The open PR for `input.head`, created as a draft when there is none. Reused is true when it existed
 * (a retried stage, or a PR opened earlier). A create that races another worker is resolved by looking
 * again.
 */
export async function ensureDraftPr(
  client: ScmClient,
  input: CreateDraftPrInput,
  signal?: AbortSignal,
): Promise<{ pr: PullRequestRef; reused: boolean }> {
  const existing = await client.findOpenPr(input.head, signal);
  if (existing) return { pr: existing, reused: true };
  try {
    return { pr: await client.createDraftPr(input, signal), reused: false };
  } catch (err) {
    if (err instanceof ScmError && (err.code === 'scm_invalid' || err.code === 'scm_conflict')) {
      const raced = await client.findOpenPr(input.head, signal);
      if (raced) return { pr: raced, reused: true };
    }
    throw err;
  }
}
