/**
 * Git's smart HTTP protocol for tests: `git http-backend` behind a node http server that demands HTTP
 * basic auth, so clone/fetch/push with real credentials can be tested end to end on 127.0.0.1.
 */
import { spawn } from 'node:child_process';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TEST_PATH } from './git-fixtures.js';

export interface GitHttpServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Headers of every request, oldest first. */
  requests: { method: string; url: string; headers: IncomingHttpHeaders }[];
  close(): Promise<void>;
}

/** Reads (clone, fetch, ls-remote): git's upload-pack service. */
const isRead = (url: string) => {
  const u = new URL(url, 'http://localhost');
  return u.pathname.endsWith('/git-upload-pack') || u.searchParams.get('service') === 'git-upload-pack';
};

/**
 * Serves the bare repositories under `projectRoot`; `authorization` is the only accepted header value.
 * With `publicRead`, reading needs no credentials (a public repository) and only pushing does.
 */
export async function startGitHttpServer(
  projectRoot: string,
  authorization: string,
  options: { publicRead?: boolean } = {},
): Promise<GitHttpServer> {
  const requests: GitHttpServer['requests'] = [];
  const server = createServer((req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    const open = options.publicRead === true && isRead(req.url ?? '/');
    if (!open && req.headers.authorization !== authorization) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"' }).end();
      return;
    }
    const u = new URL(req.url ?? '/', 'http://localhost');
    const cgi = spawn('git', ['http-backend'], {
      env: {
        PATH: TEST_PATH,
        GIT_PROJECT_ROOT: projectRoot,
        GIT_HTTP_EXPORT_ALL: '1',
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: '/dev/null',
        // Lets authenticated pushes through without a web server's REMOTE_USER.
        REMOTE_USER: 'tester',
        REQUEST_METHOD: req.method ?? 'GET',
        PATH_INFO: decodeURIComponent(u.pathname),
        QUERY_STRING: u.search.slice(1),
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        ...(req.headers['content-encoding']
          ? { HTTP_CONTENT_ENCODING: req.headers['content-encoding'] }
          : {}),
      },
    });
    req.pipe(cgi.stdin);
    const chunks: Buffer[] = [];
    cgi.stdout.on('data', (c: Buffer) => chunks.push(c));
    cgi.on('close', () => {
      const out = Buffer.concat(chunks);
      const split = out.indexOf('\r\n\r\n');
      const headEnd = split >= 0 ? split : out.indexOf('\n\n');
      const sepLen = split >= 0 ? 4 : 2;
      const head = out.subarray(0, headEnd).toString('latin1');
      let status = 200;
      const headers: Record<string, string> = {};
      for (const line of head.split(/\r?\n/)) {
        const i = line.indexOf(':');
        if (i < 0) continue;
        const k = line.slice(0, i).trim();
        const v = line.slice(i + 1).trim();
        if (k.toLowerCase() === 'status') status = Number.parseInt(v, 10);
        else headers[k] = v;
      }
      res.writeHead(status, headers).end(out.subarray(headEnd + sepLen));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
