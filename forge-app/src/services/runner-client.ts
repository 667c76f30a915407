/**
 * HTTP client for the Augment runner, reached through Forge Remote (`invokeRemote`). It never throws:
 * every outcome is an Envelope, so a resolver can hand it straight to the UI.
 */
import type { AppFailure, Envelope } from '../types';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** The part of `@forge/api`'s response that the client reads. */
export interface RemoteResponse {
  ok: boolean;
  status: number;
  statusText?: string;
  text(): Promise<string>;
}

/** `invokeRemote(remoteKey, { path, method, headers, body })` from `@forge/api`. */
export type InvokeRemote = (
  remoteKey: string,
  options: { path: string; method: HttpMethod; headers?: Record<string, string>; body?: string },
) => Promise<RemoteResponse>;

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
  401: 'The runner did not accept the app’s credentials (is FORGE_APP_ID set to this app’s id on the runner?)',
  403: 'The runner refused this request',
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
  let message = runnerMessage ?? `${hintFor(status)}${statusText ? ` (${statusText})` : ''}.`;
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

export function createRunnerClient(invoke: InvokeRemote, remoteKey = RUNNER_REMOTE_KEY): RunnerClient {
  return {
    async request<T>(method: HttpMethod, path: string, body?: unknown) {
      let response: RemoteResponse;
      try {
        response = await invoke(remoteKey, {
          path,
          method,
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
      } catch (error) {
        return {
          ok: false,
          error: {
            code: 'runner_unreachable',
            message: `Could not reach the Augment runner: ${describeThrown(error)}`,
            status: 0,
          },
        };
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
