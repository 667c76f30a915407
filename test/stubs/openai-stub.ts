import type { ServerResponse } from 'node:http';
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
  toolArguments,
} from './stub-server.js';

export interface OpenAiStubOptions extends StubOptions {
  /** Ids listed by GET /models. */
  models?: string[];
}

/**
 * A local OpenAI-compatible server: POST .../chat/completions (JSON or `stream: true` SSE chunks
 * ending with `data: [DONE]`), POST .../responses (JSON or SSE events), GET .../models. Routes match
 * on the path suffix, so any base URL prefix works (`/v1`, `/v1beta/openai`, ...).
 */
export function startOpenAiStub(options: OpenAiStubOptions = {}): Promise<StubServer> {
  const models = options.models ?? ['gpt-5-mini', 'gpt-4o-mini'];
  return startStubServer(
    (method, path) => {
      if (method === 'POST' && path.endsWith('/chat/completions')) return chatCompletions;
      if (method === 'POST' && path.endsWith('/responses')) return responses;
      if (method === 'GET' && path.endsWith('/models')) return listModels(models);
      return undefined;
    },
    () => ({ text: 'ok' }),
    options,
  );
}

const errorBody = (status: number) => ({
  error: {
    message: status === 429 ? 'Rate limit reached for requests' : `The server had an error (HTTP ${status})`,
    type: status === 429 ? 'rate_limit_exceeded' : status >= 500 ? 'server_error' : 'invalid_request_error',
    param: null,
    code: null,
  },
});

function listModels(ids: string[]): RouteHandler {
  return (_req, res) =>
    sendJson(res, 200, {
      object: 'list',
      data: ids.map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'stub' })),
    });
}

interface Answer {
  content: string | null;
  toolCalls: { id: string; name: string; arguments: string }[];
  usage: { input: number; output: number };
}

function answerOf(reply: StubReply, request: RecordedRequest): Answer {
  let content: string | null = null;
  let toolCalls: Answer['toolCalls'] = [];
  if ('json' in reply) content = JSON.stringify(reply.json);
  else if ('text' in reply && reply.text !== undefined) content = reply.text;
  if ('toolCalls' in reply) {
    toolCalls = reply.toolCalls.map((t) => ({
      id: t.id ?? stubId('call'),
      name: t.name,
      arguments: toolArguments(t.arguments),
    }));
  }
  const usage = 'usage' in reply ? reply.usage : undefined;
  const input = request.body?.messages ?? request.body?.input ?? '';
  return {
    content,
    toolCalls,
    usage: {
      input: usage?.input_tokens ?? estimateTokens(input),
      output: usage?.output_tokens ?? estimateTokens(content ?? toolCalls),
    },
  };
}

export const chatCompletions: RouteHandler = async (request, res, next) => {
  const reply = await next();
  if (sendScriptedError(res, reply, errorBody)) return;
  const answer = answerOf(reply, request);
  const model = String(request.body?.model ?? 'stub-model');
  const id = stubId('chatcmpl');
  const created = Math.floor(Date.now() / 1000);
  const finish = reply.finish === 'length' ? 'length' : answer.toolCalls.length ? 'tool_calls' : 'stop';
  const usage = {
    prompt_tokens: answer.usage.input,
    completion_tokens: answer.usage.output,
    total_tokens: answer.usage.input + answer.usage.output,
  };
  if (request.body?.stream) {
    streamChat(res, {
      id,
      created,
      model,
      answer,
      finish,
      usage,
      includeUsage: !!request.body.stream_options?.include_usage,
    });
    return;
  }
  sendJson(res, 200, {
    id,
    object: 'chat.completion',
    created,
    model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: answer.content,
          refusal: null,
          ...(answer.toolCalls.length
            ? {
                tool_calls: answer.toolCalls.map((t) => ({
                  id: t.id,
                  type: 'function',
                  function: { name: t.name, arguments: t.arguments },
                })),
              }
            : {}),
        },
        logprobs: null,
        finish_reason: finish,
      },
    ],
    usage,
  });
};

function streamChat(
  res: ServerResponse,
  s: {
    id: string;
    created: number;
    model: string;
    answer: Answer;
    finish: string;
    usage: object;
    includeUsage: boolean;
  },
) {
  startSse(res);
  const chunk = (delta: object, finish: string | null = null) => ({
    id: s.id,
    object: 'chat.completion.chunk',
    created: s.created,
    model: s.model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  });
  const send = (data: unknown) => res.write(`data: ${JSON.stringify(data)}\n\n`);
  send(chunk({ role: 'assistant', content: '', refusal: null }));
  for (const piece of pieces(s.answer.content ?? '')) send(chunk({ content: piece }));
  s.answer.toolCalls.forEach((t, index) => {
    send(
      chunk({
        tool_calls: [{ index, id: t.id, type: 'function', function: { name: t.name, arguments: '' } }],
      }),
    );
    for (const piece of pieces(t.arguments))
      send(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
  });
  send(chunk({}, s.finish));
  if (s.includeUsage) {
    send({
      id: s.id,
      object: 'chat.completion.chunk',
      created: s.created,
      model: s.model,
      choices: [],
      usage: s.usage,
    });
  }
  res.write('data: [DONE]\n\n');
  res.end();
}

export const responses: RouteHandler = async (request, res, next) => {
  const reply = await next();
  if (sendScriptedError(res, reply, errorBody)) return;
  const answer = answerOf(reply, request);
  const model = String(request.body?.model ?? 'stub-model');
  const messageId = stubId('msg');
  const output: object[] = [];
  if (answer.content !== null) {
    output.push({
      type: 'message',
      id: messageId,
      status: 'completed',
      role: 'assistant',
      content: [{ type: 'output_text', text: answer.content, annotations: [] }],
    });
  }
  for (const t of answer.toolCalls) {
    output.push({
      type: 'function_call',
      id: stubId('fc'),
      call_id: t.id,
      name: t.name,
      arguments: t.arguments,
      status: 'completed',
    });
  }
  const response = {
    id: stubId('resp'),
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    status: reply.finish === 'length' ? 'incomplete' : 'completed',
    error: null,
    incomplete_details: reply.finish === 'length' ? { reason: 'max_output_tokens' } : null,
    instructions: request.body?.instructions ?? null,
    max_output_tokens: request.body?.max_output_tokens ?? null,
    model,
    output,
    parallel_tool_calls: true,
    previous_response_id: null,
    temperature: request.body?.temperature ?? 1,
    text: request.body?.text ?? { format: { type: 'text' } },
    tool_choice: request.body?.tool_choice ?? 'auto',
    tools: request.body?.tools ?? [],
    top_p: 1,
    metadata: {},
    usage: {
      input_tokens: answer.usage.input,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: answer.usage.output,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: answer.usage.input + answer.usage.output,
    },
  };
  if (!request.body?.stream) {
    sendJson(res, 200, response);
    return;
  }
  startSse(res);
  let sequence = 0;
  const send = (type: string, data: object) =>
    res.write(`event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence++, ...data })}\n\n`);
  send('response.created', { response: { ...response, status: 'in_progress', output: [] } });
  if (answer.content !== null) {
    const item = { type: 'message', id: messageId, status: 'in_progress', role: 'assistant', content: [] };
    send('response.output_item.added', { output_index: 0, item });
    const part = { type: 'output_text', text: '', annotations: [] };
    send('response.content_part.added', { item_id: messageId, output_index: 0, content_index: 0, part });
    for (const delta of pieces(answer.content)) {
      send('response.output_text.delta', {
        item_id: messageId,
        output_index: 0,
        content_index: 0,
        delta,
        logprobs: [],
      });
    }
    send('response.output_text.done', {
      item_id: messageId,
      output_index: 0,
      content_index: 0,
      text: answer.content,
      logprobs: [],
    });
    send('response.content_part.done', {
      item_id: messageId,
      output_index: 0,
      content_index: 0,
      part: { ...part, text: answer.content },
    });
    send('response.output_item.done', { output_index: 0, item: output[0] });
  }
  send('response.completed', { response });
  res.end();
};
