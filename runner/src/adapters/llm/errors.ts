/**
 * Errors of the LLM layer. Each carries an HTTP-like `status` and a stable `code` so the API can map
 * it to its AppError; messages never contain secrets (callers pass scrubbed text).
 */
export class LlmError extends Error {
  constructor(
    readonly status: 400 | 422 | 502 | 503,
    readonly code: string,
    message: string,
    /** The request field at fault, e.g. `llm_provider`. */
    readonly field?: string,
  ) {
    super(message);
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
    readonly upstreamStatus: number | undefined,
    message: string,
  ) {
    super(
      upstreamStatus === undefined || upstreamStatus >= 500 || upstreamStatus === 429 ? 503 : 502,
      'llm_provider_error',
      message,
    );
    this.name = 'LlmProviderError';
  }
}
