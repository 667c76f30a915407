/**
 * The one error type and the one error format of the `augment` command: a problem the person at the
 * terminal can fix is printed as `error: <message>` (and a hint on the next lines, when there is one) on
 * stderr, with exit code 1 (2 for a bad configuration). Anything else is a bug and keeps its stack.
 */
import { readFileSync } from 'node:fs';
import { AppError } from '../errors.js';

export class CliError extends Error {
  readonly hint: string | undefined;
  readonly exitCode: number;

  constructor(message: string, options: { hint?: string; exitCode?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CliError';
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? 1;
  }
}

/** The text printed for a CLI error. */
export function formatCliError(err: { message: string; hint?: string | undefined }): string {
  return `error: ${err.message}${err.hint ? `\n${err.hint}` : ''}\n`;
}

/** Prints `err` in the CLI format and sets the exit code, or returns false when it is not a known error. */
export function reportCliError(err: unknown, hintFor?: (err: AppError) => string | undefined): boolean {
  const cli =
    err instanceof CliError
      ? err
      : err instanceof AppError
        ? new CliError(err.message, { hint: hintFor?.(err), cause: err })
        : undefined;
  if (!cli) return false;
  process.stderr.write(formatCliError(cli));
  process.exitCode = cli.exitCode;
  return true;
}

/**
 * Wraps a command action: a CliError or an AppError (the runner's known failures, whose messages are meant
 * for people) is reported in the CLI format; anything else propagates.
 */
export function cliAction<A extends unknown[]>(
  fn: (...args: A) => void | Promise<void>,
  hintFor?: (err: AppError) => string | undefined,
) {
  return async (...args: A): Promise<void> => {
    try {
      await fn(...args);
    } catch (err) {
      if (!reportCliError(err, hintFor)) throw err;
    }
  };
}

/** Reads a text file named on the command line; a file that cannot be read is a CliError naming why. */
export function readInputFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : undefined;
    throw new CliError(`cannot read ${file}: ${why ? `${why} (${code})` : (code ?? String(err))}`, {
      cause: err,
    });
  }
}
