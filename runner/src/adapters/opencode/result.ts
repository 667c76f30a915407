/**
 * Reads the agent's result file: a regular file (no symlink), at most `maxBytes`, JSON, and valid for
 * the job's schema. Each way it can be wrong is its own error code with a message a user can act on.
 */
import { constants } from 'node:fs';
import { lstat, open } from 'node:fs/promises';
import { z } from 'zod';
import { OpenCodeError } from './errors.js';

export interface ReadResultOptions {
  maxBytes: number;
  /** A missing file is looked for once more after this delay (file writes may trail the idle event). */
  settleMs?: number;
  /** The agent's last words, added to the "missing" error. */
  lastText?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(2)} MB`;

async function statOrUndefined(path: string) {
  try {
    return await lstat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Models sometimes wrap JSON in a markdown fence even when writing a file. */
function unfence(text: string): string {
  const t = text.replace(/^\uFEFF/, '').trim();
  const m = t.match(/^```(?:json)?\s*\n([\s\S]*?)\n```$/);
  return m?.[1] ?? t;
}

export async function readResultFile<T>(
  path: string,
  schema: z.ZodType<T>,
  opts: ReadResultOptions,
): Promise<T> {
  let st = await statOrUndefined(path);
  if (!st) {
    await sleep(opts.settleMs ?? 500);
    st = await statOrUndefined(path);
  }
  if (!st) {
    const said = opts.lastText ? ` The agent's last message: "${opts.lastText.slice(-300)}"` : '';
    throw new OpenCodeError('result_missing', `OpenCode finished without writing result.json.${said}`);
  }
  if (!st.isFile()) throw new OpenCodeError('result_invalid', 'result.json is not a regular file');
  if (st.size > opts.maxBytes) {
    throw new OpenCodeError(
      'result_too_large',
      `result.json is ${mb(st.size)}, more than the ${mb(opts.maxBytes)} allowed`,
      {
        size: st.size,
        max: opts.maxBytes,
      },
    );
  }

  const fh = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  let text: string;
  try {
    // Read at most one byte past the limit: the file may have grown since the stat.
    const buf = Buffer.alloc(Math.min(opts.maxBytes + 1, st.size + 1));
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    if (bytesRead > opts.maxBytes) {
      throw new OpenCodeError(
        'result_too_large',
        `result.json is more than the ${mb(opts.maxBytes)} allowed`,
        {
          max: opts.maxBytes,
        },
      );
    }
    text = buf.subarray(0, bytesRead).toString('utf8');
  } finally {
    await fh.close();
  }

  let data: unknown;
  try {
    data = JSON.parse(unfence(text));
  } catch (err) {
    throw new OpenCodeError(
      'result_invalid_json',
      `result.json is not valid JSON: ${(err as Error).message}`,
      undefined,
      err,
    );
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const issues = z.prettifyError(parsed.error).slice(0, 1500);
    throw new OpenCodeError('result_invalid', `result.json does not match the expected schema:\n${issues}`);
  }
  return parsed.data;
}
