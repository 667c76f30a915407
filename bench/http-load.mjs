// HTTP load generator for enqueue.bench.ts. It runs in its own process and speaks HTTP/1.1 over raw keep-alive
// sockets, so that the figures measure the server and not the client (fetch alone costs more per request than
// the endpoint under test). Each connection sends one request at a time; every answer must carry the expected
// status. Prints {seconds, latencies} as JSON on stdout.
// Usage: node bench/http-load.mjs '{"url":"http://127.0.0.1:8000","path":"/generate/single","n":20000,
//        "concurrency":8,"key":"...","run":"ABC","warmup":500,"status":202}'
import { connect } from 'node:net';

const cfg = JSON.parse(process.argv[2]);
const { hostname, port } = new URL(cfg.url);
const HEADER_END = Buffer.from('\r\n\r\n');

function request(i) {
  const body = JSON.stringify({ ticket_key: `B${cfg.run}-${i + 1}`, async_mode: true });
  return (
    `POST ${cfg.path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nAuthorization: Bearer ${cfg.key}\r\n` +
    `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  );
}

/** Length of the first complete response in buf, or -1 while it is incomplete. */
function responseLength(buf) {
  const end = buf.indexOf(HEADER_END);
  if (end < 0) return -1;
  const head = buf.toString('latin1', 0, end).toLowerCase();
  const m = /\r\ncontent-length:\s*(\d+)/.exec(head);
  if (m) {
    const total = end + 4 + Number(m[1]);
    return buf.length >= total ? total : -1;
  }
  if (head.includes('transfer-encoding: chunked')) {
    const last = buf.indexOf('\r\n0\r\n\r\n', end);
    return last < 0 ? -1 : last + 7;
  }
  throw new Error(`response without a length: ${head}`);
}

/** Sends requests first..last-1 spread over `concurrency` connections; resolves with their latencies (ms). */
function load(first, last) {
  let next = first;
  const latencies = [];
  const connection = () =>
    new Promise((resolve, reject) => {
      const socket = connect({ host: hostname, port: Number(port), noDelay: true });
      let buf = Buffer.alloc(0);
      let sentAt = 0;
      const send = () => {
        const i = next++;
        if (i >= last) {
          socket.end();
          return resolve();
        }
        sentAt = performance.now();
        socket.write(request(i));
      };
      socket.on('connect', send);
      socket.on('error', reject);
      socket.on('data', (chunk) => {
        buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
        const len = responseLength(buf);
        if (len < 0) return;
        const status = Number(buf.toString('latin1', 9, 12));
        if (status !== cfg.status) {
          socket.destroy();
          return reject(new Error(`unexpected ${status}: ${buf.toString('utf8', 0, len)}`));
        }
        latencies.push(performance.now() - sentAt);
        buf = buf.subarray(len);
        send();
      });
    });
  return Promise.all(Array.from({ length: cfg.concurrency }, connection)).then(() => latencies);
}

const warmup = cfg.warmup ?? 500;
await load(cfg.n, cfg.n + warmup); // warm-up uses indexes after the measured ones, so keys never repeat
const started = performance.now();
const latencies = await load(0, cfg.n);
process.stdout.write(JSON.stringify({ seconds: (performance.now() - started) / 1000, latencies }));
