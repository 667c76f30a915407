/** The error of one item of a bulk call, as reported in its result. */
import { AtlassianError } from '../adapters/http/index.js';
import { AppError } from '../api/errors.js';

export interface ItemError {
  code: string;
  /** The HTTP status this error would have on its own. */
  status: number;
  message: string;
  /** The request field the error is about, when known. */
  field?: string;
}

/** An error of one item of a bulk call; anything that is not an API or Jira error is rethrown. */
export function itemError(err: unknown, fieldPrefix?: string): ItemError {
  if (err instanceof AppError) {
    const field = typeof err.details?.field === 'string' ? err.details.field : fieldPrefix;
    return { code: err.code, status: err.status, message: err.message, ...(field ? { field } : {}) };
  }
  if (err instanceof AtlassianError) {
    return {
      code: err.code,
      status: err.httpStatus,
      message: err.message,
      ...(fieldPrefix ? { field: fieldPrefix } : {}),
    };
  }
  throw err;
}
