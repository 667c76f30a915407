/**
 * Code-aware generation for processors: when OpenCode is enabled and the request names repositories,
 * the prompt runs in OpenCode against clones of them and the answer comes back checked against the
 * caller's schema. Adapter errors become job errors a caller can act on: configuration and repository
 * problems are 400s that are not retried, a cancelled run ends as a cancellation, the rest keep their
 * 5xx status (and the job type's retry policy).
 */
import type { RepoSpec } from '@augment/shared';
import type { z } from 'zod';
import { OpenCodeError } from '../adapters/opencode/errors.js';
import { AppError, finalError } from '../errors.js';
import type { JobContext } from '../jobs/types.js';
import type { Services } from '../services.js';

export interface CodeAwareResult<T> {
  data: T;
  engine: 'opencode';
  session_id: string;
  repos: { url: string; branch?: string }[];
  duration_ms: number;
}

/** Whether a job should take the OpenCode path: OPENCODE_ENABLED and at least one repository. */
export function codeAwareEnabled(ctx: JobContext, repos?: RepoSpec[]): boolean {
  return ctx.services.openCode.enabled && (repos?.length ?? 0) > 0;
}

function disabledError(): AppError {
  return finalError(
    400,
    'opencode_disabled',
    '`repos` asks for code-aware generation, which is off on this runner: set OPENCODE_ENABLED=true ' +
      'and the OPENCODE_* variables, or leave `repos` out',
    { field: 'repos', missing: ['OPENCODE_ENABLED'] },
  );
}

/**
 * Turns an OpenCode adapter error into the error a request or job reports (in the words of the request),
 * keeping the adapter's error as the cause.
 */
export function codeAwareError(err: unknown, signal?: AbortSignal, schemaName?: string): Error {
  if (!(err instanceof OpenCodeError)) return err instanceof Error ? err : new Error(String(err));
  switch (err.code) {
    case 'opencode_config': {
      const names = [
        ...((err.details?.missing as string[] | undefined) ?? []),
        ...((err.details?.invalid as string[] | undefined) ?? []),
      ];
      return finalError(
        400,
        'opencode_not_configured',
        err.message,
        { ...(names[0] ? { field: names[0] } : {}), ...err.details },
        err,
      );
    }
    case 'invalid_repos':
      return finalError(400, 'invalid_repos', err.message, { field: 'repos', ...err.details }, err);
    case 'cancelled': {
      // The job's own signal says why: a DELETE /jobs/{id} (the worker reports it as cancelled) or the
      // job type's time limit (reported and retried like any timed-out job).
      const reason: unknown = signal?.aborted ? signal.reason : undefined;
      if (reason instanceof Error) return reason;
      return finalError(499, 'cancelled', typeof reason === 'string' ? reason : err.message, undefined, err);
    }
    case 'opencode_timeout':
      // A rerun would most likely hit the same limit while holding a slot for just as long.
      return finalError(504, err.code, err.message, undefined, err);
    default: {
      const status = err.status === 499 || err.status === 500 ? 502 : err.status;
      return new AppError(
        status,
        err.code,
        err.message,
        {
          ...err.details,
          ...(schemaName && err.code.startsWith('result_') ? { schema: schemaName } : {}),
        },
        { cause: err },
      );
    }
  }
}

/**
 * API-side check of a request's `repos`, before anything is enqueued or run: OpenCode must be enabled
 * and configured (a 400 naming each missing variable), and the repositories acceptable (a 400 naming
 * `repos`: hosts, count, URL form, branch names). No-op when `repos` is absent or empty.
 */
export function validateRepos(
  services: Pick<Services, 'openCode'>,
  repos: readonly RepoSpec[] | undefined,
): void {
  if (!repos || repos.length === 0) return;
  const openCode = services.openCode;
  if (!openCode.enabled) throw disabledError();
  try {
    openCode.config();
    openCode.checkRepos(repos);
  } catch (err) {
    throw codeAwareError(err);
  }
}

/**
 * Runs `prompt` in OpenCode against `repos` and returns the schema-checked answer. Progress reaches the
 * job's progress (stages `opencode <stage>`); the job's signal cancels the run, which stops the sandbox
 * and removes the workspace.
 */
export async function runCodeAware<T>(
  ctx: JobContext,
  opts: { prompt: string; repos: RepoSpec[]; schema: z.ZodType<T>; schemaName: string },
): Promise<CodeAwareResult<T>> {
  const openCode = ctx.services.openCode;
  if (!openCode.enabled) throw disabledError();
  ctx.log.info({ schema: opts.schemaName, repos: opts.repos.length }, 'code-aware generation with OpenCode');
  try {
    const out = await openCode.run({
      jobId: ctx.jobId,
      prompt: opts.prompt,
      repos: opts.repos,
      resultSchema: opts.schema,
      signal: ctx.signal,
      onProgress: (p) => ctx.progress(`opencode ${p.stage}`, p.percent, { message: p.message, ...p.detail }),
    });
    return {
      data: out.result,
      engine: 'opencode',
      session_id: out.sessionId,
      repos: out.repos.map((r) => ({ url: r.url, ...(r.branch ? { branch: r.branch } : {}) })),
      duration_ms: out.durationMs,
    };
  } catch (err) {
    throw codeAwareError(err, ctx.signal, opts.schemaName);
  }
}
