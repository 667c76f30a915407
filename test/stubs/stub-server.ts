import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Token counts a stub reports; estimated from the request and reply text when absent. */
export interface StubUsage {
  input_tokens?: number;
  output_tokens?: number;
}

interface ReplyCommon {
  /** Wait this long before answering (the client may abort meanwhile). */
  delayMs?: number;
  usage?: StubUsage;
  /** 'length': the answer stopped at the request's token cap (finish_reason / stop_reason say so). */
  finish?: 'length';
}

/** One scripted answer. */
export type StubReply =
  /** A structured answer: JSON text in chat/responses, a tool_use input in Anthropic messages. */
  | ({ json: unknown } & ReplyCommon)
  /** Raw assistant text, e.g. invalid JSON. */
  | ({ text: string } & ReplyCommon)
  /** Tool calls (OpenAI function calls / Anthropic tool_use blocks), optionally with text. */
  | ({ toolCalls: StubToolCall[]; text?: string } & ReplyCommon)
  /** An HTTP error; `retryAfter` (seconds) / `retryAfterMs` set the matching headers. */
  | ({
      status: number;
      body?: unknown;
      headers?: Record<string, string>;
      retryAfter?: number;
      retryAfterMs?: number;
    } & ReplyCommon)
  /** Drop the connection without an answer (a network failure for the client). */
  | ({ disconnect: true } & ReplyCommon);

export interface StubToolCall {
  name: string;
  /** An object is serialised; a string is sent as is (may be invalid JSON on purpose). */
  arguments: unknown;
  id?: string;
}

export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. `/v1/chat/completions`. */
  path: string;
  headers: Record<string, string>;
  /** Parsed JSON (or the raw text when not JSON); typed loosely so tests can inspect it freely. */
  body: any;
}

export type StubResponder = (request: RecordedRequest) => StubReply | Promise<StubReply>;

export interface StubServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** `url` + `/v1`: what an SDK takes as its base URL. */
  baseUrl: string;
  /** Every generation request received, oldest first (model listings are not recorded). */
  requests: RecordedRequest[];
  /** Replies used in order by the next generation requests, before the default responder. */
  enqueue(...replies: StubReply[]): void;
  /** Answers requests once the queue is empty. */
  setResponder(responder: StubResponder): void;
  /** Clears the queue and the recorded requests, and restores the default responder. */
  reset(): void;
  close(): Promise<void>;
}

export interface StubOptions {
  responder?: StubResponder;
}

export type RouteHandler = (
  request: RecordedRequest,
  res: ServerResponse,
  next: () => Promise<StubReply>,
) => Promise<void> | void;

/** A generic scripted HTTP server on a random free port of 127.0.0.1. */
export async function startStubServer(
  routes: (method: string, path: string) => RouteHandler | undefined,
  defaultResponder: StubResponder,
  options: StubOptions = {},
): Promise<StubServer> {
  const queue: StubReply[] = [];
  const requests: RecordedRequest[] = [];
  let responder = options.responder ?? defaultResponder;

  const server = createServer(async (req, res) => {
    try {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      const handler = routes(req.method ?? 'GET', path);
      const raw = await readBody(req);
      let body: unknown = raw;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        // keep the raw text
      }
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        path,
        headers: Object.fromEntries(
          Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]),
        ),
        body,
      };
      if (!handler) {
        sendJson(res, 404, {
          error: { message: `No stub route for ${req.method} ${path}`, type: 'not_found' },
        });
        return;
      }
      const next = async () => {
        requests.push(recorded);
        const reply = queue.shift() ?? (await responder(recorded));
        if (reply.delayMs) await sleep(reply.delayMs, res);
        return reply;
      };
      await handler(recorded, res, next);
    } catch (err) {
      if (!res.headersSent) sendJson(res, 500, { error: { message: `stub failure: ${String(err)}` } });
      else res.end();
    }
  });
  // Keep-alive sockets would hold close() open; the SDKs reconnect as needed.
  server.keepAliveTimeout = 1;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    baseUrl: `${url}/v1`,
    requests,
    enqueue: (...replies) => {
      queue.push(...replies);
    },
    setResponder: (r) => {
      responder = r;
    },
    reset: () => {
      queue.length = 0;
      requests.length = 0;
      responder = options.responder ?? defaultResponder;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sleep(ms: number, res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    res.on('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  if (res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** Writes an HTTP error reply; returns false when `reply` is not one. */
export function sendScriptedError(
  res: ServerResponse,
  reply: StubReply,
  defaultBody: (status: number) => unknown,
): boolean {
  if ('disconnect' in reply) {
    res.socket?.destroy();
    return true;
  }
  if (!('status' in reply)) return false;
  const headers: Record<string, string> = { ...reply.headers };
  if (reply.retryAfter !== undefined) headers['retry-after'] = String(reply.retryAfter);
  if (reply.retryAfterMs !== undefined) headers['retry-after-ms'] = String(reply.retryAfterMs);
  sendJson(res, reply.status, reply.body ?? defaultBody(reply.status), headers);
  return true;
}

export function startSse(res: ServerResponse): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
}

/** Splits text into a few pieces, the way streamed deltas arrive. */
export function pieces(text: string, size = 8): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

export function estimateTokens(value: unknown): number {
  const text = typeof value === 'string' ? value : JSON.stringify(value ?? '');
  return Math.max(1, Math.ceil(text.length / 4));
}

export function toolArguments(args: unknown): string {
  return typeof args === 'string' ? args : JSON.stringify(args);
}

let counter = 0;
export function stubId(prefix: string): string {
  counter += 1;
  return `${prefix}_stub${Date.now().toString(36)}${counter}`;
}
