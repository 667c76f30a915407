/** Request context, replies and the two error body shapes (Jira and Confluence). */
import type { EmulatorState, EmuUser } from './state.js';

export interface Ctx {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
  user: EmuUser;
  state: EmulatorState;
  /** e.g. http://127.0.0.1:4010 (what `self` links start with). */
  baseUrl: string;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export class EmuHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`HTTP ${status}`);
  }
}

/** Jira's error body: `{ errorMessages: [...], errors: { field: message } }`. */
export function jiraError(
  status: number,
  messages: string[] = [],
  errors: Record<string, string> = {},
): EmuHttpError {
  return new EmuHttpError(status, { errorMessages: messages, errors });
}

/** Confluence v2's error body: `{ errors: [{ status, code, title, detail }] }`. */
export function confluenceError(
  status: number,
  code: string,
  title: string,
  detail: string | null = null,
): EmuHttpError {
  return new EmuHttpError(status, { errors: [{ status, code, title, detail }] });
}

export function ok(body?: unknown, status = 200): Reply {
  return { status, body };
}

export function asObject(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

export function intParam(q: URLSearchParams, name: string, fallback: number, max?: number): number {
  const raw = q.get(name);
  if (raw === null || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0)
    throw jiraError(400, [`The '${name}' parameter must be a non-negative integer.`]);
  return max !== undefined ? Math.min(n, max) : n;
}

export function listParam(q: URLSearchParams, name: string): string[] | undefined {
  const all = q.getAll(name);
  if (all.length === 0) return undefined;
  return all
    .flatMap((v) => v.split(','))
    .map((s) => s.trim())
    .filter(Boolean);
}

export function requireWrite(ctx: Ctx, message: string, product: 'jira' | 'confluence' = 'jira'): void {
  if (ctx.user.access === 'write') return;
  if (product === 'jira') throw jiraError(403, [message]);
  throw confluenceError(403, 'PERMISSION_DENIED', message);
}
