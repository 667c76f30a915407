import { scrubSecrets } from '../../logger.js';

export interface ClassifiedError {
  kind: 'aborted' | 'timeout' | 'network' | 'http' | 'other';
  status: number | undefined;
  /** Scrubbed, bounded text safe for logs, errors and job results. */
  message: string;
}

/** Reads an openai / anthropic SDK error by shape (both SDKs use the same Stainless error classes). */
export function classifySdkError(
  err: unknown,
  secrets: readonly string[],
  signal?: AbortSignal,
): ClassifiedError {
  const e = err as { name?: unknown; status?: unknown; message?: unknown } | undefined;
  const name = typeof e?.name === 'string' ? e.name : '';
  const status = typeof e?.status === 'number' ? e.status : undefined;
  const raw = typeof e?.message === 'string' ? e.message : String(err);
  const message = scrubSecrets(raw, secrets).slice(0, 300);
  if (signal?.aborted || name === 'APIUserAbortError' || name === 'AbortError') {
    return { kind: 'aborted', status, message };
  }
  if (name === 'APIConnectionTimeoutError') return { kind: 'timeout', status, message };
  if (name === 'APIConnectionError') return { kind: 'network', status, message };
  if (status !== undefined) return { kind: 'http', status, message };
  return { kind: 'other', status, message };
}

/** A pino-like logger reduced to what the SDK's `logger` option needs, with secrets scrubbed. */
export interface SdkLogTarget {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

export function sdkLogger(log: SdkLogTarget, provider: string, secrets: readonly string[]) {
  const emit =
    (level: keyof SdkLogTarget) =>
    (message: string, ...rest: unknown[]) => {
      let details = '';
      try {
        details = rest.length ? JSON.stringify(rest).slice(0, 2000) : '';
      } catch {
        details = '';
      }
      log[level](
        { component: 'llm-sdk', provider, ...(details ? { details: scrubSecrets(details, secrets) } : {}) },
        scrubSecrets(String(message), secrets),
      );
    };
  return { error: emit('error'), warn: emit('warn'), info: emit('info'), debug: emit('debug') };
}
