/**
 * The one error type of the runner, below every layer: stores, jobs, adapters and the HTTP API all throw
 * `AppError` (or a subclass an adapter defines for its own failures). The API maps it to JSON in its single
 * onError handler; the worker reads `retryable` to decide whether BullMQ may run the job again.
 *
 * Two statuses, two names: `status` is always the HTTP status the runner answers with (ours);
 * `upstreamStatus` is what Jira, Confluence, an LLM provider or a code host answered (theirs), when there
 * was an answer. A Jira 401 is our 502 (the runner's credentials were refused, not the caller's).
 *
 * `cause` is the ES2022 one. Adapters convert a foreign failure (an axios, SDK, git or fetch error) once, at
 * their boundary, and keep it as `cause` through `redactedCause`, which copies only its name, code, message
 * and stack with secrets removed: a foreign error can hold the request that failed, headers included.
 */

/** The statuses the runner answers with (499: the caller went away or cancelled). */
export type HttpStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 499 | 500 | 502 | 503 | 504;

export interface AppErrorOptions {
  /**
   * Whether doing the same work again later can succeed. Default: from `status` (a 4xx other than 429
   * cannot be fixed by a retry; a rate limit, an outage or a lost connection can).
   */
  retryable?: boolean;
  /**
   * True when the failed request may have taken effect (a 5xx or a dropped connection after it was sent):
   * only an idempotent request may then be sent again as it is.
   */
  ambiguous?: boolean;
  /** The status the upstream service answered; 0 when no answer arrived or nothing was sent. */
  upstreamStatus?: number;
  /** What went wrong underneath. Foreign errors go through `redactedCause` first. */
  cause?: unknown;
}

/** A 4xx other than 429 fails the same way on a retry; everything else may not. */
export const retryableStatus = (status: number): boolean =>
  !(status >= 400 && status < 500 && status !== 429);

export class AppError extends Error {
  /** Whether doing the same work again later can succeed (see `isRetryable`). */
  readonly retryable: boolean;
  /** The failed request may have taken effect (see `AppErrorOptions.ambiguous`). */
  readonly ambiguous: boolean;
  /** What the upstream service answered, when this error reports one of its answers. */
  readonly upstreamStatus: number | undefined;

  constructor(
    /** The HTTP status the runner answers with. */
    readonly status: HttpStatus,
    /** Stable machine-readable code, e.g. `not_found`, `llm_provider_error`. */
    readonly code: string,
    message: string,
    /** Shown to the caller with the error (the field at fault, the ids involved); never a secret. */
    readonly details?: Record<string, unknown>,
    options: AppErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.retryable = options.retryable ?? retryableStatus(status);
    this.ambiguous = options.ambiguous ?? false;
    this.upstreamStatus = options.upstreamStatus;
  }
}

export const badRequest = (message: string, field?: string, details?: Record<string, unknown>) =>
  new AppError(400, 'bad_request', message, { ...(field ? { field } : {}), ...details });
export const notFound = (what: string) => new AppError(404, 'not_found', `${what} not found`);
export const conflict = (message: string, details?: Record<string, unknown>) =>
  new AppError(409, 'conflict', message, details);

/** An AppError a retry cannot fix, whatever its status (bad input, a dependency cycle, a missing issue). */
export const finalError = (
  status: HttpStatus,
  code: string,
  message: string,
  details?: Record<string, unknown>,
  cause?: unknown,
) => new AppError(status, code, message, details, { retryable: false, cause });

/**
 * Whether a failure may be retried. The one rule for the HTTP retry loop of the adapters (one request;
 * `idempotent: false` for a create, which must not be sent twice when its outcome is unknown), for the
 * worker (a job is idempotent by design: its retries never duplicate an issue, link, branch or PR) and for
 * batch jobs.
 *
 * An error's own `retryable` decides (every AppError has one; a plain error may carry it too). A foreign
 * error without one is judged by its `status` (an SDK's upstream status: a 4xx other than 429 will be
 * refused again); anything else (a crash, a timeout) may succeed on another attempt.
 */
export function isRetryable(err: unknown, opts: { idempotent?: boolean } = {}): boolean {
  const idempotent = opts.idempotent ?? true;
  if (err === null || typeof err !== 'object') return true;
  const e = err as { retryable?: unknown; ambiguous?: unknown; status?: unknown };
  const retryable =
    typeof e.retryable === 'boolean'
      ? e.retryable
      : typeof e.status === 'number'
        ? retryableStatus(e.status)
        : true;
  return retryable && (idempotent || e.ambiguous !== true);
}

type Scrub = (text: string) => string;

/**
 * A copy of a foreign error fit to keep as `cause`: its name, string `code`, message and stack with `scrub`
 * applied, and its own cause copied the same way (a few levels deep). Everything else (a request, its
 * headers, a response body, an SDK's config) is left behind.
 */
export function redactedCause(err: unknown, scrub: Scrub, depth = 4): Error {
  if (!(err instanceof Error) && (typeof err !== 'object' || err === null)) {
    return new Error(scrub(String(err)));
  }
  const e = err as { name?: unknown; message?: unknown; stack?: unknown; code?: unknown; cause?: unknown };
  const inner = depth > 1 && e.cause !== undefined ? redactedCause(e.cause, scrub, depth - 1) : undefined;
  const copy = new Error(
    scrub(typeof e.message === 'string' ? e.message : String(err)),
    inner ? { cause: inner } : undefined,
  );
  copy.name = typeof e.name === 'string' ? e.name : 'Error';
  copy.stack = typeof e.stack === 'string' ? scrub(e.stack) : `${copy.name}: ${copy.message}`;
  if (typeof e.code === 'string') Object.defineProperty(copy, 'code', { value: e.code, enumerable: true });
  return copy;
}

/**
 * The stack of `err` followed by the stacks of its causes ("Caused by: ..."), with `scrub` applied: what a
 * log line or a failed job keeps for a person to read.
 */
export function errorChainStack(err: unknown, scrub: Scrub = (s) => s, depth = 5): string {
  const parts: string[] = [];
  const seen = new Set<unknown>();
  let cur: unknown = err;
  for (let i = 0; i < depth && cur !== undefined && cur !== null && !seen.has(cur); i++) {
    seen.add(cur);
    const e = cur as { stack?: unknown; name?: unknown; message?: unknown; cause?: unknown };
    const text =
      typeof e.stack === 'string'
        ? e.stack
        : cur instanceof Error || typeof e.message === 'string'
          ? `${String(e.name ?? 'Error')}: ${String(e.message)}`
          : String(cur);
    parts.push(i === 0 ? text : `Caused by: ${text}`);
    cur = typeof cur === 'object' ? e.cause : undefined;
  }
  return scrub(parts.join('\n'));
}
