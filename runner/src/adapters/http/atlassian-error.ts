/**
 * The one error type of the Jira and Confluence adapters. It carries what a caller needs to decide
 * (status, code, whether a retry may help) and a readable message; never a request, header or token.
 */
import { AppError } from '../../errors.js';

export type AtlassianService = 'jira' | 'confluence';

export type AtlassianErrorCode =
  | 'invalid_input' // rejected locally, before any request
  | 'bad_request' // 400 and other 4xx without a better code
  | 'unauthorized' // 401: the credentials were refused
  | 'forbidden' // 403: the account lacks a permission
  | 'not_found' // 404
  | 'conflict' // 409 (Confluence version conflicts, after the bounded re-tries)
  | 'rate_limited' // 429
  | 'unavailable' // 5xx
  | 'network' // dropped connection, reset, timeout: the outcome of the request is unknown
  | 'unknown';

export interface AtlassianErrorInit {
  service: AtlassianService;
  /** Upstream HTTP status; 0 when no response arrived (network) or nothing was sent (invalid_input). */
  upstreamStatus: number;
  code: AtlassianErrorCode;
  message: string;
  /** Field-level or element-level messages from the server (Jira `errors`, bulk `elementErrors`). */
  serverMessages?: string[];
  /** Delay the server asked for (Retry-After), in milliseconds. */
  retryAfterMs?: number;
  /** How many attempts were made before giving up. */
  attempts?: number;
  /** What the client library threw (through `redactedCause`). */
  cause?: unknown;
}

/** The status the runner answers with when an Atlassian failure ends a request or a job. */
function statusFor(code: AtlassianErrorCode): 400 | 403 | 404 | 409 | 429 | 502 | 503 | 504 {
  switch (code) {
    case 'invalid_input':
    case 'bad_request':
      return 400;
    case 'forbidden':
      return 403;
    case 'not_found':
      return 404;
    case 'conflict':
      return 409;
    case 'rate_limited':
      return 429;
    case 'network':
      return 504;
    case 'unavailable':
      return 503;
    default:
      // A refused credential is the runner's configuration problem, not the caller's.
      return 502;
  }
}

/**
 * `status` is the runner's (a Jira 401 is a 502), `upstreamStatus` the product's. A retry can only help a
 * rate limit (the request was not processed), an outage or a lost connection (its outcome is unknown, so
 * only an idempotent request is sent again as it is); refused credentials fail the same way again.
 */
export class AtlassianError extends AppError {
  readonly service: AtlassianService;
  declare readonly code: AtlassianErrorCode;
  declare readonly status: 400 | 403 | 404 | 409 | 429 | 502 | 503 | 504;
  declare readonly upstreamStatus: number;
  readonly serverMessages: string[];
  readonly retryAfterMs: number | undefined;
  attempts: number;

  constructor(init: AtlassianErrorInit) {
    super(statusFor(init.code), init.code, init.message, undefined, {
      upstreamStatus: init.upstreamStatus,
      retryable: init.code === 'rate_limited' || init.code === 'unavailable' || init.code === 'network',
      ambiguous: init.code === 'unavailable' || init.code === 'network',
      cause: init.cause,
    });
    this.name = 'AtlassianError';
    this.service = init.service;
    this.serverMessages = init.serverMessages ?? [];
    this.retryAfterMs = init.retryAfterMs;
    this.attempts = init.attempts ?? 1;
  }

  /** True when the server certainly did not act on the request, so repeating any request is safe. */
  get notProcessed(): boolean {
    return this.code === 'rate_limited';
  }

  toJSON() {
    return {
      name: this.name,
      service: this.service,
      status: this.status,
      upstream_status: this.upstreamStatus,
      code: this.code,
      message: this.message,
      server_messages: this.serverMessages,
    };
  }
}

export function isAtlassianError(e: unknown): e is AtlassianError {
  return e instanceof AtlassianError;
}

export function codeForStatus(status: number): AtlassianErrorCode {
  if (status === 400) return 'bad_request';
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'unavailable';
  if (status >= 400) return 'bad_request';
  return 'unknown';
}

/** What a failed call was trying to do, used to phrase the error for a person. */
export interface CallContext {
  /** e.g. "read issue PROJ-1", "create an issue in PROJ". */
  action: string;
  /** Message for a 404, e.g. "Issue PROJ-999 does not exist". */
  notFound?: string;
}

const SERVICE_NAME: Record<AtlassianService, string> = { jira: 'Jira', confluence: 'Confluence' };

/** Builds the readable message for an HTTP failure; `serverMessages` are the server's own words. */
export function describeHttpFailure(
  service: AtlassianService,
  status: number,
  ctx: CallContext,
  serverMessages: string[],
): string {
  const name = SERVICE_NAME[service];
  const why = serverMessages.length > 0 ? `: ${serverMessages.join('; ')}` : '';
  switch (codeForStatus(status)) {
    case 'not_found':
      return ctx.notFound ?? `${name} could not find what was needed to ${ctx.action} (404)${why}`;
    case 'forbidden':
      return `Permission denied: the ${name} account may not ${ctx.action} (403)${why}`;
    case 'unauthorized':
      return `${name} refused the credentials while trying to ${ctx.action} (401): check the e-mail and API token, or the Forge system token`;
    case 'rate_limited':
      return `${name} rate limit hit while trying to ${ctx.action} (429)`;
    case 'unavailable':
      return `${name} is unavailable: could not ${ctx.action} (${status})${why}`;
    case 'conflict':
      return `${name} reported a conflict while trying to ${ctx.action} (409)${why}`;
    default:
      return `${name} rejected the request to ${ctx.action} (${status})${why}`;
  }
}
