/**
 * Request body size limit. A declared Content-Length is checked without touching the body, so the node-server
 * adapter can still read it straight from the socket later (building a WHATWG Request with a web stream for
 * every request costs more than the enqueue itself). A body without a length (chunked) is read here up to the
 * limit.
 *
 * A body over the limit is read to its end and thrown away before the 413 goes out (a lingering close, up to
 * a bound): a client that sends its whole body before reading the answer (Python's urllib and requests, with
 * `Connection: close`) would otherwise meet a connection closed under it (a broken pipe) instead of the 413.
 */
import type { IncomingMessage } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import { AppError } from '../errors.js';

/** Beyond this much, or this long, an oversized body is no longer read: the connection is closed instead. */
const DISCARD_MAX_BYTES = 64 * 1024 * 1024;
const DISCARD_MAX_MS = 30_000;

export function bodyLimit(maxBytes: number): MiddlewareHandler {
  const discardBound = Math.max(DISCARD_MAX_BYTES, maxBytes * 4);
  const tooLarge = (c: Context): never => {
    c.header('connection', 'close');
    throw new AppError(413, 'payload_too_large', `request body is larger than ${maxBytes} bytes`, {
      field: 'body',
      max_bytes: maxBytes,
    });
  };
  return async (c, next) => {
    const method = c.req.method;
    if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return next();
    const length = c.req.header('content-length');
    if (length !== undefined && c.req.header('transfer-encoding') === undefined) {
      const declared = Number(length);
      if (declared > maxBytes) {
        const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
        if (incoming && declared <= discardBound) await discardIncoming(incoming, discardBound);
        tooLarge(c);
      }
      return next();
    }
    const body = c.req.raw.body;
    if (!body) return next();
    const reader = body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > maxBytes) {
        await discardStream(reader, discardBound - size);
        tooLarge(c);
      }
      chunks.push(value);
    }
    const whole = new Uint8Array(size);
    let at = 0;
    for (const chunk of chunks) {
      whole.set(chunk, at);
      at += chunk.length;
    }
    c.req.raw = new Request(c.req.raw, { body: whole });
    return next();
  };
}

/** Reads the rest of a request from the socket and drops it; gives up past the bound or the time limit. */
function discardIncoming(incoming: IncomingMessage, maxBytes: number): Promise<void> {
  if (incoming.readableEnded || incoming.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    let read = 0;
    const done = () => {
      clearTimeout(timer);
      incoming.off('data', onData);
      incoming.off('end', done);
      incoming.off('error', done);
      incoming.off('close', done);
      resolve();
    };
    const onData = (chunk: Buffer) => {
      read += chunk.length;
      if (read > maxBytes) done();
    };
    const timer = setTimeout(done, DISCARD_MAX_MS);
    incoming.on('data', onData);
    incoming.once('end', done);
    incoming.once('error', done);
    incoming.once('close', done);
    incoming.resume();
  });
}

/** The same for a body read through its web stream (chunked requests). */
async function discardStream(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  maxBytes: number,
): Promise<void> {
  let read = 0;
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<'expired'>((r) => {
    timer = setTimeout(() => r('expired'), DISCARD_MAX_MS);
  });
  try {
    while (read <= maxBytes) {
      const next = await Promise.race([reader.read(), expired]);
      if (next === 'expired' || next.done) break;
      read += next.value.length;
    }
  } catch {
    // The client went away: nothing left to read.
  } finally {
    clearTimeout(timer);
    reader.cancel().catch(() => undefined);
  }
}
