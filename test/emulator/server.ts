/**
 * The emulator: one node:http server answering Jira REST v3, Jira Agile 1.0 and Confluence REST v2
 * on 127.0.0.1 and a free port, with seeded state, Basic/Bearer auth and fault injection.
 * Paths may carry the api.atlassian.com gateway prefix (/ex/jira/<cloudId>, /ex/confluence/<cloudId>).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { agileRoutes } from './agile.js';
import { confluenceRoutes } from './confluence.js';
import { type Fault, FaultPlan, type FaultRule } from './faults.js';
import { type Ctx, confluenceError, EmuHttpError, jiraError, type Reply } from './http-kit.js';
import { jiraRoutes } from './jira.js';
import { seededRandom } from './prng.js';
import { buildState, type SeedData } from './seed.js';
import type { EmulatorState, EmuUser, RequestRecord } from './state.js';

export interface EmulatorOptions {
  seed?: SeedData;
  faults?: FaultRule[];
  /** Seed of the PRNG deciding probabilistic faults. Default 1. */
  randomSeed?: number;
  /** Default 0 (a free port). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
}

export interface EmulatorCredentials {
  email: string;
  apiToken: string;
  /** A Bearer token of the same account (stands in for a Forge app system token). */
  bearerToken: string;
}

export interface Emulator {
  /** e.g. http://127.0.0.1:40123 (Jira at /rest/..., Confluence at /wiki/...). */
  url: string;
  port: number;
  /** Live state: inspect it in assertions, or change it to set up a case. */
  state: EmulatorState;
  /** A read-write account and a read-only one (403 on writes). */
  credentials: { admin: EmulatorCredentials; reader: EmulatorCredentials };
  /** Replaces the fault rules (counts start again). */
  setFaults(rules: FaultRule[]): void;
  close(): Promise<void>;
}

const routes: [string, RegExp, (ctx: Ctx, params: string[]) => Reply][] = [
  ...jiraRoutes,
  ...agileRoutes,
  ...confluenceRoutes,
];
const GATEWAY = /^\/ex\/(jira|confluence)\/[^/]+/;

function authenticate(users: EmuUser[], header: string | undefined): EmuUser | undefined {
  if (!header) return undefined;
  const [scheme, value = ''] = header.split(/\s+/, 2);
  if (scheme?.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString();
    const at = decoded.indexOf(':');
    const email = decoded.slice(0, at);
    const token = decoded.slice(at + 1);
    return users.find((u) => u.email === email && u.apiToken !== undefined && u.apiToken === token);
  }
  if (scheme?.toLowerCase() === 'bearer') return users.find((u) => u.bearerTokens?.includes(value));
  return undefined;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function send(res: ServerResponse, reply: Reply): void {
  const headers: Record<string, string> = { ...reply.headers };
  let payload: string | undefined;
  if (reply.body !== undefined && reply.status !== 204) {
    payload = JSON.stringify(reply.body);
    headers['Content-Type'] = 'application/json;charset=UTF-8';
  }
  res.writeHead(reply.status, headers);
  res.end(payload);
}

function faultReply(fault: Extract<Fault, { type: 'status' }>, product: 'jira' | 'confluence'): Reply {
  const headers: Record<string, string> = {};
  if (fault.retryAfter !== undefined) headers['Retry-After'] = String(fault.retryAfter);
  const title =
    fault.status === 429
      ? 'Rate limit exceeded.'
      : fault.status === 503
        ? 'Service Unavailable'
        : 'Internal server error';
  const body =
    fault.body ??
    (product === 'jira'
      ? { errorMessages: [title], errors: {} }
      : {
          errors: [
            {
              status: fault.status,
              code: fault.status === 429 ? 'TOO_MANY_REQUESTS' : 'INTERNAL_SERVER_ERROR',
              title,
              detail: null,
            },
          ],
        });
  return { status: fault.status, body, headers };
}

export async function startEmulator(opts: EmulatorOptions = {}): Promise<Emulator> {
  const plan = new FaultPlan(opts.faults ?? [], seededRandom(opts.randomSeed ?? 1));
  const host = opts.host ?? '127.0.0.1';
  let state: EmulatorState | undefined;
  let baseUrl = '';

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const st = state!;
    const u = new URL(req.url ?? '/', baseUrl);
    const path = u.pathname.replace(GATEWAY, '');
    const method = (req.method ?? 'GET').toUpperCase();
    const product = path.startsWith('/wiki/') ? 'confluence' : 'jira';
    const record: RequestRecord = { method, path, rawPath: u.pathname, status: 0 };
    st.requests.push(record);
    st.load.inFlight++;
    st.load.maxInFlight = Math.max(st.load.maxInFlight, st.load.inFlight);
    res.on('close', () => {
      st.load.inFlight--;
    });

    const applyFault = (fault: Fault): boolean => {
      if (fault.type === 'drop') {
        record.fault = 'drop';
        req.socket.destroy();
        return true;
      }
      if (fault.type === 'status') {
        record.fault = `status ${fault.status}`;
        record.status = fault.status;
        send(res, faultReply(fault, product));
        return true;
      }
      return false;
    };

    const before = plan.pick(method, path, 'before');
    if (before.latencyMs > 0) await sleep(before.latencyMs);
    if (before.terminal && applyFault(before.terminal)) return;

    const raw = await readBody(req);
    let reply: Reply;
    const user = authenticate(st.users, req.headers.authorization);
    if (!user) {
      reply = {
        status: 401,
        body:
          product === 'jira'
            ? { errorMessages: ['Client must be authenticated to access this resource.'], errors: {} }
            : { errors: [{ status: 401, code: 'UNAUTHORIZED', title: 'Unauthorized', detail: null }] },
        headers: { 'WWW-Authenticate': 'Basic realm="protected-area"' },
      };
    } else {
      record.accountId = user.accountId;
      try {
        let body: unknown;
        if (raw.trim() !== '') {
          try {
            body = JSON.parse(raw);
          } catch {
            throw product === 'jira'
              ? jiraError(400, ['Unexpected character in the request body: it is not valid JSON.'])
              : confluenceError(400, 'INVALID_REQUEST_PARAMETER', 'The request body is not valid JSON.');
          }
        }
        const matching = routes.filter(([, re]) => re.test(path));
        const route = matching.find(([m]) => m === method);
        if (!route) {
          if (matching.length > 0)
            throw new EmuHttpError(405, { errorMessages: [`Method ${method} is not allowed here.`] });
          throw product === 'jira'
            ? jiraError(404, [`null for uri: ${u.pathname}`])
            : confluenceError(404, 'NOT_FOUND', 'Not Found');
        }
        const params = (route[1].exec(path) ?? []).slice(1);
        reply = route[2]({ method, path, query: u.searchParams, body, user, state: st, baseUrl }, params);
      } catch (err) {
        if (err instanceof EmuHttpError) reply = { status: err.status, body: err.body };
        else {
          reply = {
            status: 500,
            body: { errorMessages: [`Emulator bug: ${(err as Error).message}`], errors: {} },
          };
          console.error('emulator handler failed', err);
        }
      }
    }

    const after = plan.pick(method, path, 'after');
    if (after.latencyMs > 0) await sleep(after.latencyMs);
    if (after.terminal) {
      // The request was carried out: only its answer is lost.
      record.faultPhase = 'after';
      if (applyFault(after.terminal)) return;
    }
    record.status = reply.status;
    send(res, reply);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      console.error('emulator request failed', err);
      if (!res.headersSent) send(res, { status: 500, body: { errorMessages: ['Emulator failure'] } });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://${host}:${port}`;
  state = buildState(opts.seed, baseUrl);

  let closing: Promise<void> | undefined;
  const cred = (access: 'write' | 'read'): EmulatorCredentials => {
    const u = state!.users.find((x) => x.access === access);
    return { email: u?.email ?? '', apiToken: u?.apiToken ?? '', bearerToken: u?.bearerTokens?.[0] ?? '' };
  };

  return {
    url: baseUrl,
    port,
    state,
    credentials: { admin: cred('write'), reader: cred('read') },
    setFaults: (rules) => plan.set(rules),
    close: () => {
      // Idempotent: a test's cleanup may run after the test closed it itself.
      closing ??= new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      });
      return closing;
    },
  };
}
