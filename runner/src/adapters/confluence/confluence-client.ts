/** ConfluenceClient over plain fetch against REST v2 (`/wiki/api/v2/pages/{id}`), storage format. */
import {
  type AtlassianAuth,
  authorizationHeader,
  authSecrets,
  checkAuth,
  confluenceBaseUrl,
  siteKey,
} from '../http/atlassian-auth.js';
import {
  AtlassianError,
  type CallContext,
  codeForStatus,
  describeHttpFailure,
} from '../http/atlassian-error.js';
import {
  type AdapterLogger,
  type CallRunner,
  type CallSpec,
  createCallRunner,
  networkFailureReason,
} from '../http/call-runner.js';
import { parseRetryAfter, type RetryOptions, resolveRetryOptions } from '../http/retry.js';
import { defaultSiteLimiters, type SiteLimiters } from '../http/site-limiter.js';
import type {
  ConfluenceClient,
  ConfluencePage,
  PageMutation,
  UpdatePageOptions,
  UpdatePageResult,
} from './confluence-types.js';
import { parsePageRef } from './page-ref.js';

export interface ConfluenceClientOptions {
  retry?: Partial<RetryOptions>;
  maxConcurrency?: number;
  timeoutMs?: number;
  log?: AdapterLogger;
  limiters?: SiteLimiters;
  /** Replaces global fetch (tests). */
  fetch?: typeof fetch;
}

/** Thrown inside an attempt for an HTTP failure; mapped by the call runner. */
class HttpFailure extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    readonly retryAfter: string | null,
  ) {
    super(`HTTP ${status}`);
  }
}

/** The server's own messages from a Confluence error body (v2 `errors[]`, or v1 `message`). */
export function confluenceServerMessages(body: string): string[] {
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    return [];
  }
  const d = (data ?? {}) as { errors?: unknown; message?: unknown };
  const out: string[] = [];
  if (Array.isArray(d.errors)) {
    for (const e of d.errors as { title?: unknown; detail?: unknown }[]) {
      const parts = [e.title, e.detail].filter((p): p is string => typeof p === 'string' && p.length > 0);
      if (parts.length) out.push(parts.join(': '));
    }
  }
  if (out.length === 0 && typeof d.message === 'string') out.push(d.message);
  return out;
}

function toConfluenceError(err: unknown, ctx: CallContext): AtlassianError {
  if (err instanceof HttpFailure) {
    const messages = confluenceServerMessages(err.body);
    return new AtlassianError({
      service: 'confluence',
      upstreamStatus: err.status,
      code: codeForStatus(err.status),
      message: describeHttpFailure('confluence', err.status, ctx, messages.slice(0, 3)),
      serverMessages: messages,
      retryAfterMs: parseRetryAfter(err.retryAfter),
      cause: err,
    });
  }
  const reason = networkFailureReason(err);
  if (reason) {
    return new AtlassianError({
      service: 'confluence',
      upstreamStatus: 0,
      code: 'network',
      message: `Confluence did not answer while trying to ${ctx.action} (${reason}); the outcome is unknown`,
      cause: err,
    });
  }
  return new AtlassianError({
    service: 'confluence',
    upstreamStatus: 0,
    code: 'unknown',
    message: `Unexpected failure while trying to ${ctx.action} in Confluence: ${err instanceof Error ? err.message : String(err)}`,
    cause: err,
  });
}

type Raw = Record<string, unknown>;
const obj = (v: unknown): Raw => (v && typeof v === 'object' ? (v as Raw) : {});
const str = (v: unknown): string | null =>
  typeof v === 'string' ? v : v === null || v === undefined ? null : String(v);

export class FetchConfluenceClient implements ConfluenceClient {
  readonly #base: string;
  readonly #authorization: string;
  readonly #call: CallRunner;
  readonly #timeoutMs: number;
  readonly #fetch: typeof fetch;
  readonly #log: AdapterLogger | undefined;

  constructor(auth: AtlassianAuth, opts: ConfluenceClientOptions = {}) {
    this.#base = `${confluenceBaseUrl(auth)}/wiki/api/v2`;
    this.#authorization = authorizationHeader(auth);
    this.#timeoutMs = opts.timeoutMs ?? 30_000;
    this.#fetch = opts.fetch ?? fetch;
    this.#log = opts.log;
    this.#call = createCallRunner({
      service: 'confluence',
      retry: resolveRetryOptions(opts.retry),
      limit: (opts.limiters ?? defaultSiteLimiters).get(siteKey(auth), opts.maxConcurrency ?? 4),
      secrets: authSecrets(auth),
      log: opts.log,
      toError: toConfluenceError,
    });
  }

  #request<T>(
    spec: CallSpec,
    method: 'GET' | 'PUT',
    path: string,
    query: Record<string, string>,
    body?: unknown,
  ): Promise<T> {
    return this.#call(spec, async () => {
      const url = new URL(this.#base + path);
      for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
      const res = await this.#fetch(url, {
        method,
        headers: {
          Authorization: this.#authorization,
          Accept: 'application/json',
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      const text = await res.text();
      if (!res.ok) throw new HttpFailure(res.status, text, res.headers.get('retry-after'));
      return (text ? JSON.parse(text) : undefined) as T;
    });
  }

  #toPage(raw: unknown, fallbackStorage?: string): ConfluencePage {
    const p = obj(raw);
    const links = obj(p._links);
    const webui = str(links.webui);
    const base = str(links.base);
    const storage = str(obj(obj(p.body).storage).value);
    return {
      id: str(p.id) ?? '',
      title: str(p.title) ?? '',
      spaceId: str(p.spaceId),
      status: str(p.status) ?? 'current',
      version: Number(obj(p.version).number ?? 0),
      storage: storage ?? fallbackStorage ?? '',
      webUrl: webui ? (base ? base + webui : webui) : null,
    };
  }

  async resolvePageId(ref: string): Promise<string> {
    return parsePageRef(ref);
  }

  async getPage(idOrUrl: string): Promise<ConfluencePage> {
    const id = parsePageRef(idOrUrl);
    const raw = await this.#request(
      {
        action: `read page ${id}`,
        notFound: `Confluence page ${id} does not exist or is not visible to this account`,
        idempotent: true,
      },
      'GET',
      `/pages/${id}`,
      { 'body-format': 'storage' },
    );
    return this.#toPage(raw);
  }

  async updatePage(
    idOrUrl: string,
    mutate: PageMutation,
    opts: UpdatePageOptions = {},
  ): Promise<UpdatePageResult> {
    const id = parsePageRef(idOrUrl);
    const maxRounds = Math.max(1, opts.maxConflictRetries ?? 5);
    let original: string | undefined;
    for (let round = 1; ; round++) {
      const page = await this.getPage(id);
      original ??= page.storage;
      const next = await mutate(page.storage, page);
      const title = opts.title ?? page.title;
      if (next === page.storage && title === page.title) {
        return { page, changed: page.storage !== original, rounds: round };
      }
      try {
        // PUT carries version + 1, so repeating it after a lost answer cannot apply twice: it gets a 409.
        const raw = await this.#request(
          {
            action: `update page ${id}`,
            notFound: `Confluence page ${id} does not exist or is not visible to this account`,
            idempotent: true,
          },
          'PUT',
          `/pages/${id}`,
          {},
          {
            id,
            status: 'current',
            title,
            body: { representation: 'storage', value: next },
            version: { number: page.version + 1, ...(opts.message ? { message: opts.message } : {}) },
          },
        );
        const updated = this.#toPage(raw, next);
        return { page: { ...updated, storage: next }, changed: true, rounds: round };
      } catch (err) {
        if (!(err instanceof AtlassianError && err.code === 'conflict')) throw err;
        if (round >= maxRounds) {
          throw new AtlassianError({
            service: 'confluence',
            upstreamStatus: 409,
            code: 'conflict',
            message: `Confluence page ${id} kept changing while it was being updated (${round} attempts); try again`,
            attempts: round,
            cause: err,
          });
        }
        this.#log?.warn(
          { service: 'confluence', pageId: id, round },
          'page version conflict, re-reading and re-applying',
        );
      }
    }
  }
}

export function createConfluenceClient(
  auth: AtlassianAuth,
  opts?: ConfluenceClientOptions,
): ConfluenceClient {
  return new FetchConfluenceClient(checkAuth(auth, 'confluence'), opts);
}
