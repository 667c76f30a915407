import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type StubServer, startAnthropicStub, startOpenAiStub } from '../stubs/index.js';

let openaiStub: StubServer;
let anthropicStub: StubServer;
let openai: OpenAI;
let anthropic: Anthropic;

beforeAll(async () => {
  [openaiStub, anthropicStub] = await Promise.all([startOpenAiStub(), startAnthropicStub()]);
  openai = new OpenAI({ apiKey: 'sk-stub', baseURL: openaiStub.baseUrl, maxRetries: 0 });
  anthropic = new Anthropic({ apiKey: 'sk-ant-stub', baseURL: anthropicStub.url, maxRetries: 0 });
});
afterAll(async () => {
  await Promise.all([openaiStub.close(), anthropicStub.close()]);
});
afterEach(() => {
  openaiStub.reset();
  anthropicStub.reset();
});

describe('OpenAI-compatible stand-in', () => {
  it('streams chat completion chunks that the SDK reassembles, ending with [DONE]', async () => {
    openaiStub.enqueue({ text: 'Hello from the stand-in, streamed in pieces.' });
    const stream = await openai.chat.completions.create({
      model: 'gpt-5-mini',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | null | undefined;
    let chunks = 0;
    for await (const chunk of stream) {
      chunks += 1;
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('Hello from the stand-in, streamed in pieces.');
    expect(chunks).toBeGreaterThan(3);
    expect(finish).toBe('stop');
    expect(usage?.total_tokens).toBeGreaterThan(0);
    expect(openaiStub.requests[0]?.body.stream).toBe(true);
  });

  it('streams tool call deltas that the SDK assembles into complete calls', async () => {
    openaiStub.enqueue({
      toolCalls: [{ name: 'read_file', arguments: { path: 'src/index.ts' }, id: 'call_1' }],
    });
    const runner = openai.chat.completions.stream({
      model: 'gpt-5-mini',
      messages: [{ role: 'user', content: 'read it' }],
      tools: [{ type: 'function', function: { name: 'read_file', parameters: { type: 'object' } } }],
    });
    const done = await runner.finalChatCompletion();
    const call = done.choices[0]?.message.tool_calls?.[0];
    expect(done.choices[0]?.finish_reason).toBe('tool_calls');
    expect(call?.type === 'function' && call.function).toEqual({
      name: 'read_file',
      arguments: '{"path":"src/index.ts"}',
    });
  });

  it('answers the Responses API, plain and streamed', async () => {
    openaiStub.enqueue({ json: { ok: true } }, { text: 'streamed answer' });
    const plain = await openai.responses.create({ model: 'gpt-5-mini', input: 'hi' });
    expect(plain.output_text).toBe('{"ok":true}');
    expect(plain.usage?.output_tokens).toBeGreaterThan(0);
    const streamed = openai.responses.stream({ model: 'gpt-5-mini', input: 'hi' });
    const deltas: string[] = [];
    streamed.on('response.output_text.delta', (e) => deltas.push(e.delta));
    const final = await streamed.finalResponse();
    expect(deltas.join('')).toBe('streamed answer');
    expect(final.output_text).toBe('streamed answer');
  });

  it('lists models without consuming scripted replies', async () => {
    openaiStub.enqueue({ text: 'kept' });
    const models = await openai.models.list();
    expect(models.data.map((m) => m.id)).toContain('gpt-5-mini');
    const reply = await openai.chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(reply.choices[0]?.message.content).toBe('kept');
  });

  it('serves scripted errors with retry-after headers and a default responder afterwards', async () => {
    openaiStub.enqueue({ status: 429, retryAfter: 3 });
    const err = (await openai.chat.completions
      .create({ model: 'm', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(err.status).toBe(429);
    expect(err.headers?.get('retry-after')).toBe('3');
    openaiStub.setResponder((req) => ({ text: `echo ${req.body.model}` }));
    const ok = await openai.chat.completions.create({
      model: 'm2',
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(ok.choices[0]?.message.content).toBe('echo m2');
  });
});

describe('Anthropic stand-in', () => {
  it('answers a forced tool call with a tool_use block', async () => {
    anthropicStub.enqueue({ json: { title: 'T' } });
    const msg = await anthropic.messages.create({
      model: 'claude-sonnet-4-6',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'x' }],
      tools: [{ name: 'answer', input_schema: { type: 'object' } }],
      tool_choice: { type: 'tool', name: 'answer' },
    });
    expect(msg.stop_reason).toBe('tool_use');
    expect(msg.content[0]).toMatchObject({ type: 'tool_use', name: 'answer', input: { title: 'T' } });
  });

  it('streams text and tool input that the SDK reassembles', async () => {
    anthropicStub.enqueue({
      text: 'Thinking it over.',
      toolCalls: [{ name: 'answer', arguments: { n: 1 } }],
    });
    const stream = anthropic.messages.stream({
      model: 'claude-sonnet-4-6',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'x' }],
      tools: [{ name: 'answer', input_schema: { type: 'object' } }],
    });
    const final = await stream.finalMessage();
    expect(final.content).toEqual([
      expect.objectContaining({ type: 'text', text: 'Thinking it over.' }),
      expect.objectContaining({ type: 'tool_use', name: 'answer', input: { n: 1 } }),
    ]);
  });

  it('returns Anthropic-shaped errors', async () => {
    anthropicStub.enqueue({ status: 529 });
    const err = (await anthropic.messages
      .create({ model: 'claude-sonnet-4-6', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e)) as InstanceType<typeof Anthropic.APIError>;
    expect(err.status).toBe(529);
    expect(JSON.stringify(err.error)).toContain('overloaded_error');
  });
});
