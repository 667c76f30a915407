/** Why a PRD page could not be parsed or edited; the runner maps these to a 422 with the message. */
export type PrdErrorCode = 'no_story_table' | 'no_title_column' | 'malformed_xhtml' | 'invalid_edit';

/** The one error type of the PRD module; `code` is stable, `message` is written for the page's author. */
export class PrdError extends Error {
  readonly code: PrdErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: PrdErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'PrdError';
    this.code = code;
    this.details = details;
  }
}
