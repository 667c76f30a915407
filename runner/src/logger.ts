import { type Logger, pino } from 'pino';

/** Keys redacted wherever they appear (two levels deep) in a log record. */
const REDACT_KEYS = [
  'authorization',
  'apiKey',
  'api_key',
  'apiToken',
  'api_token',
  'token',
  'password',
  'secret',
  'x-forge-oauth-system',
  'x-forge-oauth-user',
  'cookie',
];
const paths = REDACT_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `req.headers["${k}"]`]);

export type { Logger };

/** JSON logger with secret redaction; `secrets` are literal values scrubbed from every message too. */
export function createLogger(
  level: string,
  secrets: readonly string[] = [],
  destination?: pino.DestinationStream,
) {
  const scrub = (s: string) =>
    secrets.reduce((acc, sec) => (sec ? acc.split(sec).join('[REDACTED]') : acc), s);
  return pino(
    {
      level,
      redact: { paths, censor: '[REDACTED]' },
      hooks: {
        logMethod(args, method) {
          method.apply(
            this,
            args.map((a) => (typeof a === 'string' ? scrub(a) : a)) as Parameters<typeof method>,
          );
        },
      },
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}

/** Removes every secret value from a string (for error messages and job results). */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s) out = out.split(s).join('[REDACTED]');
  return out
    .replace(/(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g, '$1 [REDACTED]')
    .replace(/(https?:\/\/)[^/\s:@]+:[^/\s@]+@/g, '$1[REDACTED]@');
}
