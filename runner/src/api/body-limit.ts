/**
 * Request body size limit. A declared Content-Length is checked without touching the body, so the node-server
 * adapter can still read it straight from the socket later (Hono's own bodyLimit asks for `raw.body`, which
 * builds a full WHATWG Request with a web stream for every request and costs more than the enqueue itself).
 * A body without a length (chunked) is read here, up to the limit, and handed on as a new request body.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { AppError } from './errors.js';

export function bodyLimit(maxBytes: number): MiddlewareHandler {
  const tooLarge = () =>
    new AppError(413, 'payload_too_large', `request body is larger than ${maxBytes} bytes`, {
      field: 'body',
      max_bytes: maxBytes,
    });
  return async (c, next) => {
    const method = c.req.method;
    if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return next();
    const length = c.req.header('content-length');
    if (length !== undefined && c.req.header('transfer-encoding') === undefined) {
      if (Number(length) > maxBytes) throw tooLarge();
      return next();
    }
    const body = await readLimited(c, maxBytes);
    if (body === undefined) throw tooLarge();
    c.req.raw = new Request(c.req.raw, { body });
    return next();
  };
}

/** The whole body, or undefined as soon as it grows past the limit. */
async function readLimited(c: Context, maxBytes: number): Promise<Buffer | undefined> {
  const stream = c.req.raw.body;
  if (!stream) return Buffer.alloc(0);
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
