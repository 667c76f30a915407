import {
  estimateTokens,
  pieces,
  type RecordedRequest,
  type RouteHandler,
  type StubOptions,
  type StubReply,
  type StubServer,
  sendJson,
  sendScriptedError,
  startSse,
  startStubServer,
  stubId,
} from './stub-server.js';

/**
 * A local Anthropic Messages server: POST /v1/messages (JSON, or SSE with `stream: true`).
 * A `{ json }` reply becomes a tool_use block when the request offers tools (the forced tool of
 * `tool_choice`, else the first tool), otherwise a text block holding the JSON.
 * Base URL for the SDK: `url` (the SDK adds `/v1/messages` itself).
 */
export function startAnthropicStub(options: StubOptions = {}): Promise<StubServer> {
  return startStubServer(
    (method, path) => (method === 'POST' && path.endsWith('/v1/messages') ? messages : undefined),
    () => ({ text: 'ok' }),
    options,
  );
}

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

const errorBody = (status: number) => ({
  type: 'error',
  error: { type: ERROR_TYPES[status] ?? 'api_error', message: `Stubbed error (HTTP ${status})` },
});

type Block = { type: 'text'; text: string } | { type: 'tool_use'; id: string; name: string; input: unknown };

function blocksOf(reply: StubReply, request: RecordedRequest): Block[] {
  const tools: { name: string }[] = request.body?.tools ?? [];
  const forced = request.body?.tool_choice?.type === 'tool' ? request.body.tool_choice.name : undefined;
  const blocks: Block[] = [];
  if ('json' in reply) {
    const toolName = forced ?? tools[0]?.name;
    if (toolName) blocks.push({ type: 'tool_use', id: stubId('toolu'), name: toolName, input: reply.json });
    else blocks.push({ type: 'text', text: JSON.stringify(reply.json) });
  }
  if ('text' in reply && reply.text !== undefined) blocks.push({ type: 'text', text: reply.text });
  if ('toolCalls' in reply) {
    for (const t of reply.toolCalls) {
      blocks.push({ type: 'tool_use', id: t.id ?? stubId('toolu'), name: t.name, input: t.arguments });
    }
  }
  return blocks;
}

export const messages: RouteHandler = async (request, res, next) => {
  const reply = await next();
  if (sendScriptedError(res, reply, errorBody)) return;
  const content = blocksOf(reply, request);
  const usage = 'usage' in reply ? reply.usage : undefined;
  const input_tokens = usage?.input_tokens ?? estimateTokens([request.body?.system, request.body?.messages]);
  const output_tokens = usage?.output_tokens ?? estimateTokens(content);
  const stop_reason =
    reply.finish === 'length'
      ? 'max_tokens'
      : content.some((b) => b.type === 'tool_use')
        ? 'tool_use'
        : 'end_turn';
  const message = {
    id: stubId('msg'),
    type: 'message',
    role: 'assistant',
    model: String(request.body?.model ?? 'claude-stub'),
    content,
    stop_reason,
    stop_sequence: null,
    usage: { input_tokens, output_tokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
  };
  if (!request.body?.stream) {
    sendJson(res, 200, message, { 'request-id': stubId('req') });
    return;
  }
  startSse(res);
  const send = (type: string, data: object) =>
    res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  send('message_start', {
    message: { ...message, content: [], stop_reason: null, usage: { input_tokens, output_tokens: 1 } },
  });
  content.forEach((block, index) => {
    if (block.type === 'text') {
      send('content_block_start', { index, content_block: { type: 'text', text: '' } });
      for (const text of pieces(block.text))
        send('content_block_delta', { index, delta: { type: 'text_delta', text } });
    } else {
      send('content_block_start', {
        index,
        content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} },
      });
      const json = typeof block.input === 'string' ? block.input : JSON.stringify(block.input);
      for (const partial_json of pieces(json)) {
        send('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json } });
      }
    }
    send('content_block_stop', { index });
  });
  send('message_delta', { delta: { stop_reason, stop_sequence: null }, usage: { output_tokens } });
  send('message_stop', {});
  res.end();
};
