/** The error of one item of a bulk call, as reported in its result. */
import { AppError } from '../errors.js';

export interface ItemError {
  code: string;
  /** The HTTP status this error would have on its own. */
  status: number;
  message: string;
  /** The request field the error is about, when known. */
  field?: string;
}

/** An error of one item of a bulk call (an AppError: ours, Jira's or Confluence's); anything else is rethrown. */
export function itemError(err: unknown, fieldPrefix?: string): ItemError {
  if (err instanceof AppError) {
    const field = typeof err.details?.field === 'string' ? err.details.field : fieldPrefix;
    return { code: err.code, status: err.status, message: err.message, ...(field ? { field } : {}) };
  }
  throw err;
}
