/**
 * HTTP client for the Augment runner, reached through Forge Remote (`invokeRemote`). It never throws:
 * every outcome is an Envelope, so a resolver can hand it straight to the UI.
 *
 * A Forge function lives 25 s, so every request has a deadline (20 s by default, retries included) and a
 * request that runs out says whether something may have started. Reads are retried on lost connections
 * and 502/503/504/429; other methods only on 429 and 503, which a server sends before doing anything.
 */
import type { AppFailure, Envelope } from '../types';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** The part of `@forge/api`'s response that the client reads. */
export interface RemoteResponse {
  ok: boolean;
  status: number;
  statusText?: string;
  headers?: { get(name: string): string | null };
  text(): Promise<string>;
}

/** `invokeRemote(remoteKey, { path, method, headers, body, signal })` from `@forge/api`. */
export type InvokeRemote = (
  remoteKey: string,
  options: {
    path: string;
    method: HttpMethod;
    headers?: Record<string, string>;
    body?: string;
    signal?: AbortSignal;
  },
) => Promise<RemoteResponse>;

export interface RunnerClientOptions {
  remoteKey?: string;
  /** Budget of one request, retries included; below Forge's 25 s function limit. */
  deadlineMs?: number;
  /** Waits before the 2nd, 3rd, ... attempt (a Retry-After within the budget wins). */
  retryDelaysMs?: readonly number[];
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export const RUNNER_DEADLINE_MS = 20_000;
const RETRY_DELAYS_MS = [400, 1_200];
const RETRY_ANY_METHOD = new Set([429, 503]);
const RETRY_READS = new Set([429, 502, 503, 504]);

export interface RunnerResponse<T> {
  status: number;
  data: T;
}

export interface RunnerClient {
  request<T>(method: HttpMethod, path: string, body?: unknown): Promise<Envelope<RunnerResponse<T>>>;
}

export const RUNNER_REMOTE_KEY = 'runner';

const STATUS_HINTS: Record<number, string> = {
  400: 'The runner rejected the request',
  401: 'The runner did not accept this app’s credentials: on the runner, set FORGE_APP_ID to the app id in manifest.yml (app.id) and check that its clock is right; an administrator can test this with Check runner on the Augment settings page',
  403: 'The runner refused this request for this site or user: ask a Jira administrator to check the runner’s configuration',
  404: 'The runner does not know this resource',
  409: 'The runner is already working on this',
  413: 'The request is too large for the runner',
  422: 'The runner could not process the request',
  429: 'The runner is busy; try again in a moment',
  500: 'The runner hit an internal error',
  502: 'The runner could not reach an upstream service',
  503: 'The runner is unavailable',
  504: 'The runner timed out',
};

function hintFor(status: number): string {
  return STATUS_HINTS[status] ?? (status >= 500 ? 'The runner failed' : `The runner answered HTTP ${status}`);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Reads the runner's `{ error: { code, message, details } }`, tolerating bodies that are not JSON. */
function failureFromBody(status: number, parsed: unknown, statusText: string | undefined): AppFailure {
  const err = isRecord(parsed) && isRecord(parsed.error) ? parsed.error : undefined;
  const code = typeof err?.code === 'string' ? err.code : `http_${status}`;
  const runnerMessage =
    typeof err?.message === 'string' && err.message.trim() ? err.message.trim() : undefined;
  const details = isRecord(err?.details) ? err.details : undefined;
  const fields = details ? fieldNames(details) : [];
  // For 401 and 403 the user needs the remedy; the runner's own words stay as the technical reason.
  const hinted = status === 401 || status === 403;
  let message =
    hinted || runnerMessage === undefined
      ? `${hintFor(status)}${runnerMessage ? ` (runner: ${runnerMessage})` : statusText ? ` (${statusText})` : ''}.`
      : runnerMessage;
  // Validation failures name the fields, so the user knows what to fix.
  if ((status === 400 || status === 422) && fields.length > 0 && !fields.every((f) => message.includes(f))) {
    message += ` Fields: ${fields.join(', ')}.`;
  }
  return { code, message, status, ...(details ? { details } : {}) };
}

/** Field names the runner reports in `details` (`field`, `fields`, or `issues[].path`). */
function fieldNames(details: Record<string, unknown>): string[] {
  const names = new Set<string>();
  if (typeof details.field === 'string') names.add(details.field);
  if (Array.isArray(details.fields)) for (const f of details.fields) if (typeof f === 'string') names.add(f);
  if (Array.isArray(details.issues)) {
    for (const issue of details.issues) {
      if (isRecord(issue) && Array.isArray(issue.path) && issue.path.length > 0)
        names.add(issue.path.join('.'));
    }
  }
  return [...names];
}

function describeThrown(error: unknown): string {
  if (error instanceof Error && error.message) return error.message;
  return String(error);
}

class DeadlineExceeded extends Error {}

/** What a request that ran out of time means for the user: a start may have happened, a read did nothing. */
function timedOut(method: HttpMethod, deadlineMs: number): AppFailure {
  const seconds = Math.round(deadlineMs / 1000);
  return method === 'GET'
    ? {
        code: 'runner_timeout',
        message: `The runner did not answer within ${seconds} s; nothing was changed. Try again in a moment.`,
        status: 504,
      }
    : {
        code: 'runner_timeout',
        message: `The runner did not answer within ${seconds} s, so this may have started anyway. Reopen this view in a moment to see whether it is running before trying again.`,
        status: 504,
        details: { may_have_started: true },
      };
}

function retryAfterMs(response: RemoteResponse): number | undefined {
  const value = response.headers?.get('retry-after');
  const seconds = value ? Number(value) : Number.NaN;
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

export function createRunnerClient(invoke: InvokeRemote, options: RunnerClientOptions = {}): RunnerClient {
  const remoteKey = options.remoteKey ?? RUNNER_REMOTE_KEY;
  const deadlineMs = options.deadlineMs ?? RUNNER_DEADLINE_MS;
  const delays = options.retryDelaysMs ?? RETRY_DELAYS_MS;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = options.now ?? (() => Date.now());

  /** One attempt, abandoned (and aborted) when the budget runs out. */
  async function attempt(
    method: HttpMethod,
    path: string,
    body: string | undefined,
    remainingMs: number,
  ): Promise<RemoteResponse> {
    const abort = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        abort.abort();
        reject(new DeadlineExceeded());
      }, remainingMs);
    });
    try {
      return await Promise.race([
        invoke(remoteKey, {
          path,
          method,
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          signal: abort.signal,
          ...(body === undefined ? {} : { body }),
        }),
        expired,
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    async request<T>(method: HttpMethod, path: string, body?: unknown) {
      const started = now();
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const retryable = method === 'GET' ? RETRY_READS : RETRY_ANY_METHOD;
      let response: RemoteResponse | undefined;
      for (let i = 0; ; i++) {
        const remaining = deadlineMs - (now() - started);
        if (remaining <= 0) return { ok: false, error: timedOut(method, deadlineMs) };
        try {
          response = await attempt(method, path, payload, remaining);
        } catch (error) {
          if (error instanceof DeadlineExceeded) return { ok: false, error: timedOut(method, deadlineMs) };
          // A lost connection may have delivered a write: only reads are sent again.
          const wait = delays[i];
          if (method === 'GET' && wait !== undefined && now() - started + wait < deadlineMs) {
            await sleep(wait);
            continue;
          }
          return {
            ok: false,
            error: {
              code: 'runner_unreachable',
              message: `Could not reach the Augment runner: ${describeThrown(error)}`,
              status: 0,
            },
          };
        }
        const wait = retryable.has(response.status) ? (retryAfterMs(response) ?? delays[i]) : undefined;
        if (wait === undefined || i >= delays.length || now() - started + wait >= deadlineMs) break;
        await sleep(wait);
      }

      let text = '';
      try {
        text = await response.text();
      } catch (error) {
        return {
          ok: false,
          error: {
            code: 'invalid_response',
            message: `The runner's answer could not be read: ${describeThrown(error)}`,
            status: response.status,
          },
        };
      }
      let parsed: unknown = null;
      let parseFailed = false;
      if (text.trim() !== '') {
        try {
          parsed = JSON.parse(text);
        } catch {
          parseFailed = true;
        }
      }

      if (!response.ok) {
        return {
          ok: false,
          error: failureFromBody(response.status, parseFailed ? null : parsed, response.statusText),
        };
      }
      if (parseFailed) {
        return {
          ok: false,
          error: {
            code: 'invalid_response',
            message: `The runner answered HTTP ${response.status} with a body that is not JSON; is the remote's baseUrl pointing at the runner?`,
            status: response.status,
          },
        };
      }
      return { ok: true, data: { status: response.status, data: parsed as T } };
    },
  };
}
