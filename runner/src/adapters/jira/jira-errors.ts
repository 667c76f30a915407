/**
 * Maps what jira.js throws (HttpException wrapping an AxiosError, or a bare AxiosError) to AtlassianError,
 * keeping it as the cause (the call runner replaces it with a redacted copy: an AxiosError holds the request).
 */
import {
  AtlassianError,
  type CallContext,
  codeForStatus,
  describeHttpFailure,
} from '../http/atlassian-error.js';
import { networkFailureReason } from '../http/call-runner.js';
import { parseRetryAfter } from '../http/retry.js';

interface AxiosLikeResponse {
  status?: number;
  data?: unknown;
  headers?: Record<string, unknown> & { get?: (name: string) => unknown };
}

function responseOf(err: unknown): AxiosLikeResponse | undefined {
  if (!err || typeof err !== 'object') return undefined;
  const e = err as { response?: unknown; cause?: unknown; isAxiosError?: boolean };
  if (e.isAxiosError && e.response && typeof e.response === 'object') return e.response as AxiosLikeResponse;
  if (e.cause && typeof e.cause === 'object') return responseOf(e.cause);
  return undefined;
}

/** The server's own messages from a Jira error body (`errorMessages`, `errors`, bulk `elementErrors`). */
export function jiraServerMessages(data: unknown): { messages: string[]; details: string[] } {
  const messages: string[] = [];
  const details: string[] = [];
  if (!data || typeof data !== 'object') {
    if (
      typeof data === 'string' &&
      data.length > 0 &&
      data.length < 300 &&
      !data.trimStart().startsWith('<')
    ) {
      messages.push(data.trim());
    }
    return { messages, details };
  }
  const d = data as { errorMessages?: unknown; errors?: unknown; message?: unknown };
  if (Array.isArray(d.errorMessages))
    for (const m of d.errorMessages) if (typeof m === 'string') messages.push(m);
  if (Array.isArray(d.errors)) {
    // Bulk create: [{ status, failedElementNumber, elementErrors: { errorMessages, errors } }]
    for (const el of d.errors as { failedElementNumber?: number; elementErrors?: unknown }[]) {
      const inner = jiraServerMessages(el.elementErrors);
      const all = [...inner.messages, ...inner.details];
      details.push(`element ${el.failedElementNumber ?? '?'}: ${all.join('; ') || 'failed'}`);
    }
  } else if (d.errors && typeof d.errors === 'object') {
    for (const [field, msg] of Object.entries(d.errors as Record<string, unknown>)) {
      if (typeof msg === 'string') details.push(`${field}: ${msg}`);
    }
  }
  if (messages.length === 0 && typeof d.message === 'string') messages.push(d.message);
  return { messages, details };
}

function header(res: AxiosLikeResponse, name: string): string | undefined {
  const h = res.headers;
  if (!h) return undefined;
  const v = typeof h.get === 'function' ? h.get(name) : h[name];
  return typeof v === 'string' ? v : undefined;
}

export function toJiraError(err: unknown, ctx: CallContext): AtlassianError {
  const res = responseOf(err);
  const status = res?.status ?? (err as { status?: unknown })?.status;
  if (res && typeof status === 'number') {
    const { messages, details } = jiraServerMessages(res.data);
    return new AtlassianError({
      service: 'jira',
      upstreamStatus: status,
      code: codeForStatus(status),
      message: describeHttpFailure('jira', status, ctx, [...messages, ...details].slice(0, 5)),
      serverMessages: details,
      retryAfterMs: parseRetryAfter(header(res, 'retry-after')),
      cause: err,
    });
  }
  const reason = networkFailureReason(err);
  if (reason) {
    return new AtlassianError({
      service: 'jira',
      upstreamStatus: 0,
      code: 'network',
      message: `Jira did not answer while trying to ${ctx.action} (${reason}); the outcome is unknown`,
      cause: err,
    });
  }
  const text = err instanceof Error ? err.message : String(err);
  return new AtlassianError({
    service: 'jira',
    upstreamStatus: 0,
    code: 'unknown',
    message: `Unexpected failure while trying to ${ctx.action} in Jira: ${text}`,
    cause: err,
  });
}
