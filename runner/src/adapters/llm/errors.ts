/**
 * Errors of the LLM layer: AppErrors with the status the runner answers with and a stable `code`;
 * messages never contain secrets (callers pass scrubbed text, causes go through `redactedCause`).
 */
import { AppError, type AppErrorOptions } from '../../errors.js';

export class LlmError extends AppError {
  declare readonly status: 400 | 422 | 502 | 503;
  constructor(
    status: 400 | 422 | 502 | 503,
    code: string,
    message: string,
    /** The request field at fault, e.g. `llm_provider`. */
    readonly field?: string,
    options?: AppErrorOptions,
  ) {
    super(status, code, message, field ? { field } : undefined, options);
    this.name = 'LlmError';
  }
}

/** The model answered twice with JSON that does not satisfy the schema. */
export class LlmOutputError extends LlmError {
  constructor(
    readonly schemaName: string,
    readonly provider: string,
    readonly model: string,
    readonly issues: string,
  ) {
    super(
      502,
      'llm_invalid_output',
      `${provider} (${model}) returned output that does not match schema "${schemaName}" after a repair attempt: ${issues}`,
    );
    this.name = 'LlmOutputError';
  }
}

/** The provider could not be reached or refused the call after the SDK's retries. */
export class LlmProviderError extends LlmError {
  constructor(
    readonly provider: string,
    /** The upstream HTTP status, if any (none = network failure or timeout). */
    upstreamStatus: number | undefined,
    message: string,
    /** What the SDK threw, through `redactedCause`. */
    cause?: unknown,
  ) {
    super(
      upstreamStatus === undefined || upstreamStatus >= 500 || upstreamStatus === 429 ? 503 : 502,
      'llm_provider_error',
      message,
      undefined,
      { upstreamStatus, cause },
    );
    this.name = 'LlmProviderError';
  }
}
