/**
 * A stateful stand-in for the pull-request APIs of GitHub (`/repos/{owner}/{repo}/pulls`) and Bitbucket
 * Cloud (`/2.0/repositories/{workspace}/{repo_slug}/pullrequests`), on a random free port of 127.0.0.1.
 * It keeps the PRs it was asked to create, records every request, and can be told to fail.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StubPull {
  provider: 'github' | 'bitbucket';
  /** `owner/repo` or `workspace/slug`. */
  repo: string;
  number: number;
  title: string;
  body: string;
  head: string;
  base: string;
  draft: boolean;
  state: 'open' | 'closed';
}

export interface ScmStubRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: any;
}

export interface ScmStubFailure {
  method?: string;
  /** Fails requests whose path starts with this. */
  pathPrefix?: string;
  status: number;
  body?: unknown;
  /** How many requests to fail (default 1). */
  times?: number;
}

export interface ScmStub {
  /** `http://127.0.0.1:<port>`: the GitHub API base URL. */
  url: string;
  /** `url` + `/2.0`: the Bitbucket API base URL. */
  bitbucketUrl: string;
  requests: ScmStubRequest[];
  pulls: StubPull[];
  /** Fails the next matching request(s) with `status`. */
  fail(failure: ScmStubFailure): void;
  /** Adds a PR as if someone had opened it already. */
  seed(pull: Omit<StubPull, 'number'>): StubPull;
  reset(): void;
  close(): Promise<void>;
}

export interface ScmStubOptions {
  /** When set, requests without exactly this Authorization header get 401. */
  authorization?: string | string[];
}

const GITHUB = /^\/repos\/([^/]+)\/([^/]+)\/pulls\/?$/;
const BITBUCKET = /^\/2\.0\/repositories\/([^/]+)\/([^/]+)\/pullrequests\/?$/;

export async function startScmStub(options: ScmStubOptions = {}): Promise<ScmStub> {
  const requests: ScmStubRequest[] = [];
  let pulls: StubPull[] = [];
  let failures: (ScmStubFailure & { left: number })[] = [];
  let url = '';
  const allowed = options.authorization === undefined ? undefined : [options.authorization].flat();

  const nextNumber = (provider: StubPull['provider'], repo: string) =>
    pulls
      .filter((p) => p.provider === provider && p.repo === repo)
      .reduce((n, p) => Math.max(n, p.number), 0) + 1;

  const github = (p: StubPull) => ({
    number: p.number,
    html_url: `https://github.example/${p.repo}/pull/${p.number}`,
    url: `${url}/repos/${p.repo}/pulls/${p.number}`,
    state: p.state,
    draft: p.draft,
    title: p.title,
    body: p.body,
    head: { ref: p.head, label: `${p.repo.split('/')[0]}:${p.head}` },
    base: { ref: p.base },
  });
  const bitbucket = (p: StubPull) => ({
    type: 'pullrequest',
    id: p.number,
    title: p.title,
    description: p.body,
    state: p.state === 'open' ? 'OPEN' : 'DECLINED',
    draft: p.draft,
    source: { branch: { name: p.head } },
    destination: { branch: { name: p.base } },
    links: { html: { href: `https://bitbucket.example/${p.repo}/pull-requests/${p.number}` } },
  });

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };

  const handle = (req: IncomingMessage, res: ServerResponse, raw: string) => {
    const u = new URL(req.url ?? '/', 'http://localhost');
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
    let body: unknown = raw;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {}
    const request: ScmStubRequest = {
      method: req.method ?? 'GET',
      path: u.pathname,
      query: Object.fromEntries(u.searchParams),
      headers,
      body,
    };
    requests.push(request);

    if (allowed && !allowed.includes(headers.authorization ?? ''))
      return send(res, 401, { message: 'Bad credentials' });
    const failure = failures.find(
      (f) =>
        f.left > 0 &&
        (!f.method || f.method === request.method) &&
        (!f.pathPrefix || request.path.startsWith(f.pathPrefix)),
    );
    if (failure) {
      failure.left--;
      return send(res, failure.status, failure.body ?? { message: `stub failure ${failure.status}` });
    }

    const gh = GITHUB.exec(u.pathname);
    if (gh) {
      const repo = `${decodeURIComponent(gh[1]!)}/${decodeURIComponent(gh[2]!)}`;
      if (request.method === 'GET') {
        const state = request.query.state ?? 'open';
        const head = request.query.head;
        const list = pulls.filter(
          (p) =>
            p.provider === 'github' &&
            p.repo === repo &&
            (state === 'all' || p.state === state) &&
            (!head || `${repo.split('/')[0]}:${p.head}` === head),
        );
        return send(res, 200, list.map(github));
      }
      if (request.method === 'POST') {
        const b = (body ?? {}) as Record<string, unknown>;
        if (typeof b.title !== 'string' || typeof b.head !== 'string' || typeof b.base !== 'string') {
          return send(res, 422, {
            message: 'Validation Failed',
            errors: [{ resource: 'PullRequest', code: 'missing_field' }],
          });
        }
        if (
          pulls.some(
            (p) => p.provider === 'github' && p.repo === repo && p.head === b.head && p.state === 'open',
          )
        ) {
          return send(res, 422, {
            message: 'Validation Failed',
            errors: [
              {
                resource: 'PullRequest',
                code: 'custom',
                message: `A pull request already exists for ${b.head}.`,
              },
            ],
          });
        }
        const pull: StubPull = {
          provider: 'github',
          repo,
          number: nextNumber('github', repo),
          title: b.title,
          body: typeof b.body === 'string' ? b.body : '',
          head: b.head,
          base: b.base,
          draft: b.draft === true,
          state: 'open',
        };
        pulls.push(pull);
        return send(res, 201, github(pull));
      }
    }

    const bb = BITBUCKET.exec(u.pathname);
    if (bb) {
      const repo = `${decodeURIComponent(bb[1]!)}/${decodeURIComponent(bb[2]!)}`;
      if (request.method === 'GET') {
        const state = (request.query.state ?? 'OPEN').toUpperCase();
        const branch = /source\.branch\.name\s*=\s*"([^"]*)"/.exec(request.query.q ?? '')?.[1];
        const list = pulls.filter(
          (p) =>
            p.provider === 'bitbucket' &&
            p.repo === repo &&
            (state === 'OPEN' ? p.state === 'open' : p.state !== 'open') &&
            (branch === undefined || p.head === branch),
        );
        return send(res, 200, { pagelen: 50, size: list.length, page: 1, values: list.map(bitbucket) });
      }
      if (request.method === 'POST') {
        const b = (body ?? {}) as {
          title?: unknown;
          description?: unknown;
          draft?: unknown;
          source?: { branch?: { name?: unknown } };
          destination?: { branch?: { name?: unknown } };
        };
        const head = b.source?.branch?.name;
        if (typeof b.title !== 'string' || typeof head !== 'string') {
          return send(res, 400, {
            type: 'error',
            error: { message: 'title and source.branch.name are required' },
          });
        }
        const pull: StubPull = {
          provider: 'bitbucket',
          repo,
          number: nextNumber('bitbucket', repo),
          title: b.title,
          body: typeof b.description === 'string' ? b.description : '',
          head,
          base: typeof b.destination?.branch?.name === 'string' ? b.destination.branch.name : 'main',
          draft: b.draft === true,
          state: 'open',
        };
        pulls.push(pull);
        return send(res, 201, bitbucket(pull));
      }
    }
    return send(res, 404, { message: 'Not Found' });
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    bitbucketUrl: `${url}/2.0`,
    requests,
    get pulls() {
      return pulls;
    },
    fail(failure) {
      failures.push({ ...failure, left: failure.times ?? 1 });
    },
    seed(pull) {
      const full = { ...pull, number: nextNumber(pull.provider, pull.repo) };
      pulls.push(full);
      return full;
    },
    reset() {
      requests.length = 0;
      pulls = [];
      failures = [];
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
