/**
 * GitHub pull requests through @octokit/rest: `pulls.list` filtered by `owner:branch`, `pulls.create`
 * with `draft: true`. `baseUrl` points at GitHub Enterprise (`https://host/api/v3`) or a test stand-in.
 */
import { Octokit } from '@octokit/rest';
import { redactedCause } from '../../errors.js';
import { scrubSecrets } from '../../logger.js';
import {
  type CreateDraftPrInput,
  type PullRequestRef,
  type ScmClient,
  ScmError,
  scmErrorCode,
} from './scm-client.js';

export interface GitHubClientOptions {
  owner: string;
  repo: string;
  token: string;
  /** Default `https://api.github.com`. */
  baseUrl?: string;
  /** Per request (default 30 s). */
  timeoutMs?: number;
}

interface GhPull {
  number: number;
  html_url: string;
  draft?: boolean;
  head: { ref: string };
  base: { ref: string };
}

export class GitHubScmClient implements ScmClient {
  readonly provider = 'github' as const;
  private readonly octokit: Octokit;

  constructor(private readonly options: GitHubClientOptions) {
    this.octokit = new Octokit({
      auth: options.token,
      baseUrl: (options.baseUrl ?? 'https://api.github.com').replace(/\/+$/, ''),
      userAgent: 'augment-runner',
      log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
    });
  }

  private signal(signal?: AbortSignal): AbortSignal {
    const timeout = AbortSignal.timeout(this.options.timeoutMs ?? 30_000);
    return signal ? AbortSignal.any([signal, timeout]) : timeout;
  }

  async findOpenPr(branch: string, signal?: AbortSignal): Promise<PullRequestRef | null> {
    const { owner, repo } = this.options;
    try {
      const res = await this.octokit.pulls.list({
        owner,
        repo,
        head: `${owner}:${branch}`,
        state: 'open',
        per_page: 10,
        request: { signal: this.signal(signal) },
      });
      const match = (res.data as GhPull[]).find((p) => p.head.ref === branch);
      return match ? toRef(match) : null;
    } catch (err) {
      throw this.wrap(err, 'listing pull requests');
    }
  }

  async createDraftPr(input: CreateDraftPrInput, signal?: AbortSignal): Promise<PullRequestRef> {
    const { owner, repo } = this.options;
    try {
      const res = await this.octokit.pulls.create({
        owner,
        repo,
        title: input.title,
        body: input.body,
        head: input.head,
        base: input.base,
        draft: true,
        request: { signal: this.signal(signal) },
      });
      return toRef(res.data as GhPull);
    } catch (err) {
      throw this.wrap(err, 'creating the draft pull request');
    }
  }

  private wrap(err: unknown, what: string): ScmError {
    const status =
      typeof (err as { status?: unknown }).status === 'number'
        ? (err as { status: number }).status
        : undefined;
    const detail = scrubSecrets(err instanceof Error ? err.message : String(err), [this.options.token]).slice(
      0,
      500,
    );
    return new ScmError(
      scmErrorCode(status),
      `GitHub ${what} failed${status ? ` (${status})` : ''}: ${detail}`,
      {
        upstreamStatus: status,
        cause: redactedCause(err, (text) => scrubSecrets(text, [this.options.token])),
      },
    );
  }
}

function toRef(p: GhPull): PullRequestRef {
  return {
    provider: 'github',
    number: p.number,
    url: p.html_url,
    draft: p.draft ?? false,
    head: p.head.ref,
    base: p.base.ref,
  };
}
