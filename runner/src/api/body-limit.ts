/**
 * Request body size limit. A declared Content-Length is checked without touching the body, so the node-server
 * adapter can still read it straight from the socket later (Hono's own bodyLimit asks for `raw.body` first,
 * which builds a full WHATWG Request with a web stream for every request and costs more than the enqueue
 * itself). A body without a length (chunked) goes through Hono's bodyLimit, which reads it up to the limit.
 */
import type { MiddlewareHandler } from 'hono';
import { bodyLimit as honoBodyLimit } from 'hono/body-limit';
import { AppError } from '../errors.js';

export function bodyLimit(maxBytes: number): MiddlewareHandler {
  const tooLarge = () => {
    throw new AppError(413, 'payload_too_large', `request body is larger than ${maxBytes} bytes`, {
      field: 'body',
      max_bytes: maxBytes,
    });
  };
  const readLimited = honoBodyLimit({ maxSize: maxBytes, onError: tooLarge });
  return async (c, next) => {
    const method = c.req.method;
    if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return next();
    const length = c.req.header('content-length');
    if (length !== undefined && c.req.header('transfer-encoding') === undefined) {
      if (Number(length) > maxBytes) tooLarge();
      return next();
    }
    return readLimited(c, next);
  };
}
