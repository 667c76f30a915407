/**
 * One OpenCode session over HTTP + SSE: subscribe to the event stream first (so nothing is missed),
 * create a session, send the prompt asynchronously, then follow the stream until the session is idle
 * or reports an error. Permission and question requests are rejected at once: nobody is there to
 * answer them, and an unanswered one would stall the run until its timeout.
 */
import { createOpencodeClient } from '@opencode-ai/sdk/v2/client';
import { OpenCodeError } from './errors.js';

/** An event of OpenCode's `/event` stream, kept loose: the server has more event types than the SDK. */
export interface OpenCodeEvent {
  type: string;
  properties?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface SessionProgress {
  /** Tool calls started so far. */
  steps: number;
  message: string;
  tool?: string;
}

export interface SessionInput {
  baseUrl: string;
  password: string;
  /** The workspace as OpenCode sees it. */
  directory: string;
  title: string;
  prompt: string;
  /** Aborted on timeout, cancel or sandbox crash; its reason (an OpenCodeError) is what gets thrown. */
  signal: AbortSignal;
  requestTimeoutMs?: number;
  onEvent?: (event: OpenCodeEvent) => void;
  onProgress?: (progress: SessionProgress) => void;
}

export interface SessionOutcome {
  sessionId: string;
  /** The last assistant text, shortened (useful when the result file is missing). */
  lastText?: string;
  steps: number;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const obj = (v: unknown): Record<string, unknown> | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

function abortError(signal: AbortSignal): Error {
  const r = signal.reason;
  return r instanceof Error ? r : new OpenCodeError('cancelled', 'The OpenCode run was cancelled');
}

function describeError(err: unknown): string {
  const e = obj(err);
  if (!e) return String(err ?? 'unknown error');
  const data = obj(e.data);
  const message = str(data?.message) ?? str(e.message);
  const name = str(e.name);
  return [name, message].filter(Boolean).join(': ') || JSON.stringify(e).slice(0, 300);
}

function toolProgress(part: Record<string, unknown>): { tool: string; message: string } | undefined {
  const tool = str(part.tool);
  const state = obj(part.state);
  if (!tool || str(state?.status) !== 'running') return undefined;
  const input = obj(state?.input);
  const target = str(state?.title) ?? str(input?.filePath) ?? str(input?.path) ?? str(input?.pattern) ?? '';
  return { tool, message: target ? `${tool}: ${target}` : tool };
}

/** Runs one prompt to completion. Throws `session_failed`, or the signal's reason when aborted. */
export async function runSession(input: SessionInput): Promise<SessionOutcome> {
  const requestTimeoutMs = input.requestTimeoutMs ?? 30_000;
  const auth = `Basic ${Buffer.from(`opencode:${input.password}`).toString('base64')}`;
  const client = createOpencodeClient({
    baseUrl: input.baseUrl,
    headers: { Authorization: auth },
    directory: input.directory,
  });
  const { signal } = input;
  const requestSignal = () => AbortSignal.any([signal, AbortSignal.timeout(requestTimeoutMs)]);

  const failed = (what: string, err: unknown) => {
    if (signal.aborted) return abortError(signal);
    return new OpenCodeError(
      'session_failed',
      `OpenCode ${what} failed: ${describeError(err)}`,
      undefined,
      err,
    );
  };

  // A pooled keep-alive socket to an earlier server on the same port fails once ("fetch failed"), and a
  // request sent the instant the server listens can stall: probe readiness with short, retried requests.
  const deadline = Date.now() + requestTimeoutMs;
  for (let attempt = 1; ; attempt++) {
    if (signal.aborted) throw abortError(signal);
    const ok = await client.global
      .health({ signal: AbortSignal.any([signal, AbortSignal.timeout(2_000)]), throwOnError: true })
      .then(() => true)
      .catch(() => false);
    if (ok) break;
    if (Date.now() > deadline)
      throw new OpenCodeError('session_failed', `OpenCode did not become ready (${attempt} attempts)`);
    await new Promise((r) => setTimeout(r, 200));
  }

  const events = new AbortController();
  const stopEvents = () => events.abort();
  signal.addEventListener('abort', stopEvents, { once: true });
  try {
    let it: AsyncIterator<unknown> | undefined;
    for (let attempt = 1; !it; attempt++) {
      let sseError: unknown;
      const attemptCtl = new AbortController();
      const onStop = () => attemptCtl.abort();
      events.signal.addEventListener('abort', onStop, { once: true });
      const { stream } = await client.event.subscribe(
        { directory: input.directory },
        {
          signal: attemptCtl.signal,
          sseMaxRetryAttempts: 1,
          throwOnError: false,
          onSseError: (err: unknown) => {
            sseError = err;
          },
        },
      );
      const candidate = (stream as AsyncGenerator<unknown>)[Symbol.asyncIterator]();
      // The first event (server.connected) proves the subscription is live before the prompt goes out.
      const connectTimer = setTimeout(onStop, requestTimeoutMs);
      const first = await candidate.next();
      clearTimeout(connectTimer);
      if (!first.done) {
        it = candidate;
        input.onEvent?.(first.value as OpenCodeEvent);
        break;
      }
      events.signal.removeEventListener('abort', onStop);
      if (signal.aborted) throw abortError(signal);
      if (attempt >= 3) {
        throw new OpenCodeError(
          'session_failed',
          `OpenCode event stream closed before it was connected${sseError ? `: ${describeError(sseError)}` : ''}`,
        );
      }
    }

    const created = await client.session
      .create(
        { directory: input.directory, title: input.title },
        { signal: requestSignal(), throwOnError: true },
      )
      .catch((err: unknown) => {
        throw failed('session creation', err);
      });
    const sessionId = created.data.id;
    await client.session
      .promptAsync(
        { sessionID: sessionId, directory: input.directory, parts: [{ type: 'text', text: input.prompt }] },
        { signal: requestSignal(), throwOnError: true },
      )
      .catch((err: unknown) => {
        throw failed('prompt submission', err);
      });

    let started = false;
    let steps = 0;
    let lastText: string | undefined;
    const roles = new Map<string, string>();
    for (;;) {
      const next = await it.next();
      if (next.done) break;
      const event = next.value as OpenCodeEvent;
      input.onEvent?.(event);
      const props = obj(event.properties) ?? {};
      const sid = str(props.sessionID) ?? str(obj(props.part)?.sessionID) ?? str(obj(props.info)?.sessionID);
      if (sid !== undefined && sid !== sessionId) continue;

      switch (event.type) {
        case 'session.status': {
          const status = obj(props.status);
          const type = str(status?.type);
          if (type === 'busy') started = true;
          else if (type === 'retry')
            input.onProgress?.({ steps, message: `retrying: ${str(status?.message) ?? ''}`.trim() });
          else if (type === 'idle' && started) return { sessionId, steps, ...(lastText ? { lastText } : {}) };
          break;
        }
        case 'session.idle':
          if (started) return { sessionId, steps, ...(lastText ? { lastText } : {}) };
          break;
        case 'session.error':
          throw new OpenCodeError(
            'session_failed',
            `OpenCode reported an error: ${describeError(props.error)}`,
          );
        case 'message.updated': {
          const info = obj(props.info);
          const id = str(info?.id);
          if (id && str(info?.role)) roles.set(id, str(info?.role) as string);
          started = true;
          break;
        }
        case 'message.part.updated': {
          started = true;
          const part = obj(props.part) ?? {};
          if (str(part.type) === 'tool') {
            const p = toolProgress(part);
            if (p) {
              steps++;
              input.onProgress?.({ steps, ...p });
            }
          } else if (str(part.type) === 'text' && roles.get(str(part.messageID) ?? '') === 'assistant') {
            const text = str(part.text);
            if (text) lastText = text.slice(-500);
          }
          break;
        }
        case 'permission.asked':
        case 'permission.updated': {
          const requestID = str(props.id);
          if (requestID) {
            await client.permission
              .reply({ requestID, directory: input.directory, reply: 'reject' }, { signal: requestSignal() })
              .catch(() => undefined);
          }
          break;
        }
        case 'question.asked': {
          const requestID = str(props.id);
          if (requestID) {
            await client.question
              .reject({ requestID, directory: input.directory }, { signal: requestSignal() })
              .catch(() => undefined);
          }
          break;
        }
      }
    }
    if (signal.aborted) throw abortError(signal);
    throw new OpenCodeError('session_failed', 'OpenCode event stream ended before the session finished');
  } finally {
    signal.removeEventListener('abort', stopEvents);
    events.abort();
  }
}
