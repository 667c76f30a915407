/**
 * Bitbucket Cloud pull requests through REST 2.0:
 * `GET /repositories/{workspace}/{repo_slug}/pullrequests?state=OPEN&q=source.branch.name="..."` and
 * `POST` the same path with `draft: true`.
 */
import { redactedCause } from '../../errors.js';
import { scrubSecrets } from '../../logger.js';
import {
  type CreateDraftPrInput,
  type PullRequestRef,
  type ScmClient,
  ScmError,
  scmErrorCode,
} from './scm-client.js';

export type BitbucketAuth =
  /** An Atlassian account email (or username) with an API token / app password. */
  | { type: 'basic'; username: string; password: string }
  /** A repository, project or workspace access token. */
  | { type: 'bearer'; token: string };

export interface BitbucketClientOptions {
  workspace: string;
  repoSlug: string;
  auth: BitbucketAuth;
  /** Default `https://api.bitbucket.org/2.0`. */
  baseUrl?: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

interface BbPull {
  id: number;
  draft?: boolean;
  links?: { html?: { href?: string } };
  source?: { branch?: { name?: string } };
  destination?: { branch?: { name?: string } };
}

interface BbPage {
  values?: BbPull[];
  next?: string;
}

export class BitbucketScmClient implements ScmClient {
  readonly provider = 'bitbucket' as const;
  private readonly base: string;
  private readonly secrets: string[];

  constructor(private readonly options: BitbucketClientOptions) {
    this.base = (options.baseUrl ?? 'https://api.bitbucket.org/2.0').replace(/\/+$/, '');
    this.secrets = options.auth.type === 'basic' ? [options.auth.password] : [options.auth.token];
  }

  private pullsUrl(): string {
    const { workspace, repoSlug } = this.options;
    return `${this.base}/repositories/${encodeURIComponent(workspace)}/${encodeURIComponent(repoSlug)}/pullrequests`;
  }

  private authorization(): string {
    const a = this.options.auth;
    return a.type === 'basic'
      ? `Basic ${Buffer.from(`${a.username}:${a.password}`).toString('base64')}`
      : `Bearer ${a.token}`;
  }

  private async request<T>(
    method: 'GET' | 'POST',
    url: string,
    what: string,
    body?: unknown,
    signal?: AbortSignal,
  ): Promise<T> {
    if (!url.startsWith(`${this.base}/`))
      throw new ScmError('scm_failed', `Bitbucket ${what}: unexpected pagination URL`);
    const timeout = AbortSignal.timeout(this.options.timeoutMs ?? 30_000);
    let res: Response;
    try {
      res = await (this.options.fetch ?? fetch)(url, {
        method,
        headers: {
          Authorization: this.authorization(),
          Accept: 'application/json',
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (err) {
      const detail = scrubSecrets(err instanceof Error ? err.message : String(err), this.secrets);
      throw new ScmError('scm_unavailable', `Bitbucket ${what} failed: ${detail}`, {
        cause: redactedCause(err, (text) => scrubSecrets(text, this.secrets)),
      });
    }
    const text = await res.text();
    if (!res.ok) {
      let message = text.slice(0, 300);
      try {
        message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? message;
      } catch {}
      throw new ScmError(
        scmErrorCode(res.status),
        `Bitbucket ${what} failed (${res.status}): ${scrubSecrets(message, this.secrets)}`,
        { upstreamStatus: res.status },
      );
    }
    return JSON.parse(text) as T;
  }

  async findOpenPr(branch: string, signal?: AbortSignal): Promise<PullRequestRef | null> {
    const q = `source.branch.name="${branch.replace(/["\\]/g, '')}"`;
    let url: string | undefined = `${this.pullsUrl()}?state=OPEN&pagelen=50&q=${encodeURIComponent(q)}`;
    for (let page = 0; url && page < 10; page++) {
      const data: BbPage = await this.request<BbPage>('GET', url, 'listing pull requests', undefined, signal);
      const match = (data.values ?? []).find((p) => p.source?.branch?.name === branch);
      if (match) return toRef(match);
      url = data.next;
    }
    return null;
  }

  async createDraftPr(input: CreateDraftPrInput, signal?: AbortSignal): Promise<PullRequestRef> {
    const pr = await this.request<BbPull>(
      'POST',
      this.pullsUrl(),
      'creating the draft pull request',
      {
        title: input.title,
        description: input.body,
        source: { branch: { name: input.head } },
        destination: { branch: { name: input.base } },
        draft: true,
        close_source_branch: false,
      },
      signal,
    );
    return toRef(pr);
  }
}

function toRef(p: BbPull): PullRequestRef {
  return {
    provider: 'bitbucket',
    number: p.id,
    url: p.links?.html?.href ?? '',
    draft: p.draft ?? false,
    head: p.source?.branch?.name ?? '',
    base: p.destination?.branch?.name ?? '',
  };
}
