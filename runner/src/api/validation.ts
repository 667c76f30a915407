import type { Context } from 'hono';
import type { ZodError } from 'zod';
import { AppError } from '../errors.js';

/** Turns a zod error into a 400 whose message and details name each offending field. */
export function validationError(error: ZodError, where = 'body'): AppError {
  const issues = error.issues.map((i) => ({
    field: i.path.length ? i.path.join('.') : where,
    message:
      i.code === 'unrecognized_keys'
        ? `unknown field(s): ${(i as { keys: string[] }).keys.join(', ')}`
        : i.message,
  }));
  const first = issues[0] ?? { field: where, message: 'invalid' };
  return new AppError(400, 'validation_error', `${first.field}: ${first.message}`, {
    field: first.field,
    issues,
  });
}

/** The defaultHook of OpenAPIHono: validation failures become our JSON error. */
export function validationHook(result: { success: boolean; error?: ZodError; target?: string }, _c: Context) {
  if (!result.success && result.error)
    throw validationError(result.error, result.target === 'json' ? 'body' : result.target);
}
