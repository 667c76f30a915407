/**
 * Errors of the OpenCode adapter: AppErrors with a status and a stable `code`, which the job layer
 * (code-aware/code-aware.ts) reports in the words of the request; messages never contain secrets (credentials are
 * never put into them, and anything that came from a child process is scrubbed first).
 */
import { AppError } from '../../errors.js';

export type OpenCodeErrorCode =
  | 'opencode_config'
  | 'invalid_repos'
  | 'clone_failed'
  | 'clone_timeout'
  | 'sandbox_unavailable'
  | 'sandbox_failed'
  | 'sandbox_crashed'
  | 'concurrency_wait_timeout'
  | 'session_failed'
  | 'opencode_timeout'
  | 'cancelled'
  | 'result_missing'
  | 'result_too_large'
  | 'result_invalid_json'
  | 'result_invalid';

const STATUS: Record<OpenCodeErrorCode, 400 | 422 | 499 | 500 | 502 | 503 | 504> = {
  opencode_config: 500,
  invalid_repos: 400,
  clone_failed: 502,
  clone_timeout: 504,
  sandbox_unavailable: 503,
  sandbox_failed: 502,
  sandbox_crashed: 502,
  concurrency_wait_timeout: 503,
  session_failed: 502,
  opencode_timeout: 504,
  cancelled: 499,
  result_missing: 502,
  result_too_large: 502,
  result_invalid_json: 502,
  result_invalid: 502,
};

export class OpenCodeError extends AppError {
  declare readonly status: 400 | 422 | 499 | 500 | 502 | 503 | 504;
  declare readonly code: OpenCodeErrorCode;
  constructor(
    code: OpenCodeErrorCode,
    message: string,
    details?: Record<string, unknown>,
    /** What failed underneath (a child process, Docker, the SDK), through `redactedCause`. */
    cause?: unknown,
  ) {
    super(STATUS[code], code, message, details, { cause });
    this.name = 'OpenCodeError';
  }
}

export const isOpenCodeError = (e: unknown): e is OpenCodeError => e instanceof OpenCodeError;
