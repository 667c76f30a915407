/**
 * Runs one logical call against an Atlassian product: each attempt under the site's concurrency limit,
 * failures mapped to AtlassianError with secrets removed, retried by the policy of retry.ts.
 */
import type { LimitFunction } from 'p-limit';
import { redactedCause } from '../../errors.js';
import { redact } from './atlassian-auth.js';
import { AtlassianError, type AtlassianService, type CallContext } from './atlassian-error.js';
import { type RetryOptions, withRetry } from './retry.js';

/** The slice of a logger the adapters use (pino's Logger fits). */
export interface AdapterLogger {
  warn(obj: object, msg: string): void;
}

export interface CallSpec extends CallContext {
  /** Safe to send again after a 5xx or a dropped connection (GET, PUT, DELETE, searches, moves). */
  idempotent: boolean;
}

export type CallRunner = <T>(spec: CallSpec, send: () => Promise<T>) => Promise<T>;

export interface CallRunnerOptions {
  service: AtlassianService;
  retry: RetryOptions;
  limit: LimitFunction;
  secrets: readonly string[];
  log?: AdapterLogger;
  /** Maps whatever the underlying client threw to an AtlassianError. */
  toError: (err: unknown, ctx: CallContext) => AtlassianError;
}

export function createCallRunner(o: CallRunnerOptions): CallRunner {
  const scrub = (text: string) => redact(text, o.secrets);
  // The one conversion of this adapter's failures: secrets out of the message, and a redacted copy of what
  // the client threw as the cause (an AxiosError carries the request, Authorization header included).
  const clean = (e: AtlassianError): AtlassianError =>
    new AtlassianError({
      service: e.service,
      upstreamStatus: e.upstreamStatus,
      code: e.code,
      message: scrub(e.message),
      serverMessages: e.serverMessages.map(scrub),
      retryAfterMs: e.retryAfterMs,
      attempts: e.attempts,
      cause: e.cause === undefined ? undefined : redactedCause(e.cause, scrub),
    });

  return <T>(spec: CallSpec, send: () => Promise<T>) =>
    withRetry(
      async () => {
        try {
          return await o.limit(send);
        } catch (err) {
          throw clean(err instanceof AtlassianError ? err : o.toError(err, spec));
        }
      },
      o.retry,
      spec.idempotent,
      ({ attempt, delayMs, error }) =>
        o.log?.warn(
          {
            service: o.service,
            action: spec.action,
            attempt,
            delayMs,
            upstream_status: error.upstreamStatus,
            code: error.code,
          },
          `${o.service} call failed, retrying`,
        ),
    );
}

/**
 * A short reason when `err` is a transport failure (reset, hang-up, refused, timeout), else undefined.
 * Covers axios (jira.js) and undici (fetch) shapes.
 */
export function networkFailureReason(err: unknown): string | undefined {
  const seen = new Set<unknown>();
  let fallback: string | undefined;
  let cur: unknown = err;
  while (cur && typeof cur === 'object' && !seen.has(cur)) {
    seen.add(cur);
    const e = cur as { code?: unknown; name?: unknown; message?: unknown; cause?: unknown };
    const code = typeof e.code === 'string' ? e.code : undefined;
    if (
      code &&
      /^(ECONNRESET|ECONNREFUSED|ECONNABORTED|ETIMEDOUT|EPIPE|EAI_AGAIN|ENOTFOUND|ERR_NETWORK|UND_ERR_\w+)$/.test(
        code,
      )
    ) {
      return code === 'ECONNABORTED' ? 'timeout' : code;
    }
    if (e.name === 'TimeoutError' || e.name === 'AbortError') return 'timeout';
    if (typeof e.message === 'string' && /socket hang up|other side closed|fetch failed/i.test(e.message)) {
      fallback ??= 'connection dropped';
    }
    cur = e.cause;
  }
  return fallback;
}
