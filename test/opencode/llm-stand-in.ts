/**
 * A scripted OpenAI-compatible chat-completions server for driving the real `opencode serve`: each
 * request is answered by the script with either tool calls or text, streamed as SSE chunks the way
 * OpenAI does. Requests are recorded so tests can check what OpenCode sent (e.g. a file it read).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ChatMessage {
  role: string;
  content?: unknown;
  tool_calls?: { id: string; function: { name: string; arguments: string } }[];
  tool_call_id?: string;
}

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  tools?: { function: { name: string } }[];
  stream?: boolean;
}

export type Reply =
  | { kind: 'text'; text: string }
  | { kind: 'tools'; calls: { name: string; args: Record<string, unknown> }[] }
  /** Never answers (the connection stays open until the server closes). */
  | { kind: 'hang' };

export type Script = (req: ChatRequest, index: number) => Reply;

export interface StandIn {
  url: string;
  requests: ChatRequest[];
  authHeaders: string[];
  close(): Promise<void>;
}

/** Text of a message's content (string or content parts). */
export function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p) => (typeof p?.text === 'string' ? p.text : '')).join('');
  return '';
}

export async function startLlmStandIn(script: Script): Promise<StandIn> {
  const requests: ChatRequest[] = [];
  const authHeaders: string[] = [];
  const open = new Set<ServerResponse>();
  let counter = 0;

  const server: Server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    authHeaders.push(String(req.headers.authorization ?? ''));
    if (req.method === 'GET' && req.url?.endsWith('/models')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data: [{ id: 'stand-in', object: 'model' }] }));
      return;
    }
    if (!req.url?.endsWith('/chat/completions')) {
      res.writeHead(404).end();
      return;
    }
    const parsed = JSON.parse(body) as ChatRequest;
    const index = requests.length;
    requests.push(parsed);
    const reply = script(parsed, index);
    if (reply.kind === 'hang') {
      open.add(res);
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.on('close', () => open.delete(res));
      return;
    }
    const id = `chatcmpl-${++counter}`;
    const base = {
      id,
      object: 'chat.completion.chunk',
      created: Math.floor(Date.now() / 1000),
      model: parsed.model,
    };
    const send = (delta: unknown, finish: string | null = null, extra: Record<string, unknown> = {}) =>
      res.write(
        `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta, finish_reason: finish }], ...extra })}\n\n`,
      );
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    if (reply.kind === 'text') {
      send({ role: 'assistant', content: '' });
      send({ content: reply.text });
      send({}, 'stop');
    } else {
      reply.calls.forEach((call, i) => {
        const callId = `call_${counter}_${i}`;
        send({
          ...(i === 0 ? { role: 'assistant' } : {}),
          tool_calls: [
            { index: i, id: callId, type: 'function', function: { name: call.name, arguments: '' } },
          ],
        });
        send({ tool_calls: [{ index: i, function: { arguments: JSON.stringify(call.args) } }] });
      });
      send({}, 'tool_calls');
    }
    res.write(
      `data: ${JSON.stringify({ ...base, choices: [], usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 } })}\n\n`,
    );
    res.write('data: [DONE]\n\n');
    res.end();
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    authHeaders,
    async close() {
      for (const res of open) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
