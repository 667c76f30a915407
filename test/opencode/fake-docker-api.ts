/**
 * A fake Docker Engine API on a unix socket, enough for dockerode to pull, create, start, follow logs,
 * wait, inspect, stop, remove and list containers. Records every request so tests can check the exact
 * options the driver sent.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
}

export interface FakeContainer {
  id: string;
  name: string;
  labels: Record<string, string>;
  created: number;
  state: 'created' | 'running' | 'exited';
  removed: boolean;
  logs: string;
}

export interface FakeDockerOptions {
  imagePresent?: boolean;
  /** What the container prints after start (default: the listening line). */
  output?: string;
  /** Exit right after start with this code (the server crashes). */
  crashWithCode?: number;
  ipAddress?: string;
  network?: string;
}

export interface FakeDocker {
  socketPath: string;
  requests: RecordedRequest[];
  containers: Map<string, FakeContainer>;
  addContainer(c: Partial<FakeContainer> & { id: string }): void;
  close(): Promise<void>;
}

function frame(text: string): Buffer {
  const payload = Buffer.from(text);
  const head = Buffer.alloc(8);
  head[0] = 1;
  head.writeUInt32BE(payload.length, 4);
  return Buffer.concat([head, payload]);
}

export async function startFakeDocker(opts: FakeDockerOptions = {}): Promise<FakeDocker> {
  const dir = mkdtempSync(join(tmpdir(), 'fake-docker-'));
  const socketPath = join(dir, 'docker.sock');
  const requests: RecordedRequest[] = [];
  const containers = new Map<string, FakeContainer>();
  const waiters = new Map<string, ServerResponse[]>();
  const followers = new Map<string, ServerResponse[]>();
  let imagePresent = opts.imagePresent ?? true;
  let seq = 0;

  const finish = (id: string, code: number) => {
    const c = containers.get(id);
    if (c && c.state !== 'exited') c.state = 'exited';
    for (const res of waiters.get(id) ?? []) res.end(JSON.stringify({ StatusCode: code }));
    waiters.delete(id);
    for (const res of followers.get(id) ?? []) res.end();
    followers.delete(id);
  };

  const json = (res: ServerResponse, status: number, body?: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(body === undefined ? '' : JSON.stringify(body));
  };

  const server: Server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const url = new URL(req.url ?? '/', 'http://docker');
    const path = url.pathname.replace(/^\/v[\d.]+/, '');
    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      body = raw;
    }
    requests.push({ method: req.method ?? 'GET', path, query: url.searchParams, body });
    const imageMatch = path.match(/^\/images\/(.+)\/json$/);
    const containerMatch = path.match(/^\/containers\/([^/]+)(\/[a-z]+)?$/);

    if (path === '/_ping') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      return res.end('OK');
    }
    if (req.method === 'GET' && imageMatch) {
      return imagePresent
        ? json(res, 200, { Id: 'sha256:abc', RepoTags: [decodeURIComponent(imageMatch[1] ?? '')] })
        : json(res, 404, { message: 'No such image' });
    }
    if (req.method === 'POST' && path === '/images/create') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(`${JSON.stringify({ status: 'Pulling from anomalyco/opencode', id: 'latest' })}\n`);
      res.write(
        `${JSON.stringify({ status: 'Downloading', id: 'layer1', progress: '[=====>   ] 5MB/10MB' })}\n`,
      );
      res.write(`${JSON.stringify({ status: 'Download complete', id: 'layer1' })}\n`);
      res.end(`${JSON.stringify({ status: 'Status: Downloaded newer image' })}\n`);
      imagePresent = true;
      return;
    }
    if (req.method === 'GET' && path === '/networks') return json(res, 200, []);
    if (req.method === 'POST' && path === '/networks/create') return json(res, 201, { Id: 'net1' });
    if (req.method === 'POST' && path === '/containers/create') {
      const id = `c${++seq}`;
      const b = body as { Labels?: Record<string, string> };
      containers.set(id, {
        id,
        name: url.searchParams.get('name') ?? id,
        labels: b.Labels ?? {},
        created: Math.floor(Date.now() / 1000),
        state: 'created',
        removed: false,
        logs: '',
      });
      return json(res, 201, { Id: id, Warnings: [] });
    }
    if (req.method === 'GET' && path === '/containers/json') {
      const list = [...containers.values()]
        .filter((c) => !c.removed)
        .map((c) => ({
          Id: c.id,
          Names: [`/${c.name}`],
          Labels: c.labels,
          Created: c.created,
          State: c.state,
        }));
      return json(res, 200, list);
    }
    if (containerMatch) {
      const id = containerMatch[1] ?? '';
      const action = containerMatch[2] ?? '';
      const c = containers.get(id);
      if (!c || c.removed) return json(res, 404, { message: `No such container: ${id}` });
      if (req.method === 'POST' && action === '/start') {
        c.state = 'running';
        c.logs = opts.output ?? 'Warning: something\nopencode server listening on http://0.0.0.0:4096\n';
        json(res, 204);
        if (opts.crashWithCode !== undefined) setTimeout(() => finish(id, opts.crashWithCode as number), 20);
        return;
      }
      if (req.method === 'GET' && action === '/logs') {
        res.writeHead(200, { 'content-type': 'application/vnd.docker.multiplexed-stream' });
        res.write(frame(c.logs));
        if (c.state === 'exited') return res.end();
        followers.set(id, [...(followers.get(id) ?? []), res]);
        return;
      }
      if (req.method === 'POST' && action === '/wait') {
        if (c.state === 'exited') return json(res, 200, { StatusCode: opts.crashWithCode ?? 0 });
        res.writeHead(200, { 'content-type': 'application/json' });
        waiters.set(id, [...(waiters.get(id) ?? []), res]);
        return;
      }
      if (req.method === 'GET' && action === '/json') {
        const network = opts.network ?? 'augment-mcp';
        return json(res, 200, {
          Id: id,
          State: { Running: c.state === 'running' },
          NetworkSettings: { Networks: { [network]: { IPAddress: opts.ipAddress ?? '172.30.0.5' } } },
        });
      }
      if (req.method === 'POST' && action === '/stop') {
        if (c.state !== 'running') return json(res, 304);
        finish(id, 143);
        return json(res, 204);
      }
      if (req.method === 'DELETE' && action === '') {
        finish(id, 137);
        c.removed = true;
        return json(res, 204);
      }
    }
    json(res, 404, { message: `fake docker: no route for ${req.method} ${path}` });
  });

  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return {
    socketPath,
    requests,
    containers,
    addContainer(c) {
      containers.set(c.id, {
        name: c.id,
        labels: {},
        created: Math.floor(Date.now() / 1000),
        state: 'running',
        removed: false,
        logs: '',
        ...c,
      });
    },
    async close() {
      for (const list of [...waiters.values(), ...followers.values()]) for (const res of list) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
