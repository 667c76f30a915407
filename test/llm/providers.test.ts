import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import {
  createLlm,
  LlmError,
  LlmOutputError,
  LlmProviderError,
  type UsageRecord,
} from '../../runner/src/adapters/llm/index.js';
import { jobLlm } from '../../runner/src/jobs/job-llm.js';
import { type StubServer, startAnthropicStub, startOpenAiStub } from '../stubs/index.js';
import { captureLogger, KEYS, ruleStory, Story, testConfig, validStory } from './helpers.js';

let openai: StubServer;
let anthropic: StubServer;

beforeAll(async () => {
  [openai, anthropic] = await Promise.all([startOpenAiStub(), startAnthropicStub()]);
});
afterAll(async () => {
  await Promise.all([openai.close(), anthropic.close()]);
});
afterEach(() => {
  openai.reset();
  anthropic.reset();
});

const base = {
  schema: Story,
  schemaName: 'story',
  system: 'You write Jira stories.',
  prompt: 'Write one story.',
};

function llmFor(overrides: Parameters<typeof testConfig>[1] = {}) {
  const { log, text } = captureLogger();
  const usage: UsageRecord[] = [];
  const config = testConfig(
    {
      openai: openai.baseUrl,
      claude: anthropic.url,
      gemini: `${openai.url}/v1beta/openai/`,
      kimi: `${openai.url}/kimi/v1`,
    },
    overrides,
  );
  const llm = createLlm(config, { log, onUsage: (u) => usage.push(u) });
  return { llm, usage, logText: text };
}

describe('providers through their real SDKs', () => {
  it('asks OpenAI for a strict json_schema response and returns the validated object with usage', async () => {
    openai.enqueue({ json: validStory, usage: { input_tokens: 120, output_tokens: 30 } });
    const { llm, usage } = llmFor();
    const result = await llm.generate(base);
    expect(result).toMatchObject({
      engine: 'llm',
      provider: 'openai',
      model: 'gpt-5-mini',
      data: validStory,
      usage: { input_tokens: 120, output_tokens: 30 },
      attempts: 1,
    });
    const req = openai.requests[0]!;
    expect(req.path).toBe('/v1/chat/completions');
    expect(req.headers.authorization).toBe(`Bearer ${KEYS.openai}`);
    expect(req.body.response_format.type).toBe('json_schema');
    expect(req.body.response_format.json_schema.name).toBe('story');
    // `notes` is optional, so the schema is outside OpenAI's strict subset and sent non-strict.
    expect(req.body.response_format.json_schema.strict).toBe(false);
    // Strict mode refuses minLength: the limit travels in the description and zod enforces it.
    expect(req.body.response_format.json_schema.schema.properties.title).toEqual({
      type: 'string',
      description: 'Not empty.',
    });
    // A 4,096-token answer with 20% headroom, plus the 25,000 tokens OpenAI advises for reasoning.
    expect(req.body.max_completion_tokens).toBe(4_916 + 25_000);
    // gpt-5-mini takes no temperature.
    expect(req.body.temperature).toBeUndefined();
    expect(req.body.messages[0]).toMatchObject({ role: 'system' });
    expect(req.body.messages[0].content).toContain('You write Jira stories.');
    expect(usage).toEqual([
      expect.objectContaining({ provider: 'openai', outcome: 'ok', input_tokens: 120 }),
    ]);
  });

  it('sends strict mode and the temperature for a fully required schema on a non-reasoning model', async () => {
    const Strict = z.object({ title: z.string(), done: z.boolean() });
    openai.enqueue({ json: { title: 't', done: true } });
    const { llm } = llmFor();
    const result = await llm.generate({ ...base, schema: Strict, model: 'gpt-4o-mini' });
    expect(result.model).toBe('gpt-4o-mini');
    const body = openai.requests[0]!.body;
    expect(body.response_format.json_schema.strict).toBe(true);
    expect(body.temperature).toBe(0.2);
    expect(body.max_completion_tokens).toBe(4_916);
  });

  it("asks Claude 4.5 and later for JSON output in the schema's Anthropic dialect", async () => {
    anthropic.enqueue({ json: validStory, usage: { input_tokens: 90, output_tokens: 20 } });
    const { llm } = llmFor();
    const result = await llm.generate({ ...base, provider: 'claude' });
    expect(result).toMatchObject({
      engine: 'llm',
      provider: 'claude',
      model: 'claude-sonnet-4-6',
      data: validStory,
    });
    const req = anthropic.requests[0]!;
    expect(req.body.output_config.format.type).toBe('json_schema');
    expect(req.body.output_config.format.schema.properties.points).toEqual({
      type: 'integer',
      description: 'At least 1. At most 13.',
    });
    expect(req.body.tools).toBeUndefined();
    expect(req.body.temperature).toBeUndefined();
    expect(req.body.max_tokens).toBe(4_916);
  });

  it('forces older Claude models to call a tool whose input schema is the output schema', async () => {
    anthropic.enqueue({ json: validStory, usage: { input_tokens: 90, output_tokens: 20 } });
    const { llm } = llmFor();
    const result = await llm.generate({ ...base, provider: 'claude', model: 'claude-opus-4-1' });
    expect(result).toMatchObject({
      engine: 'llm',
      provider: 'claude',
      model: 'claude-opus-4-1',
      data: validStory,
    });
    expect(result.usage).toEqual({ input_tokens: 90, output_tokens: 20 });
    const req = anthropic.requests[0]!;
    expect(req.path).toBe('/v1/messages');
    // This SDK generation sends the key as a bearer token; older ones used x-api-key.
    expect(req.headers['x-api-key'] ?? req.headers.authorization).toContain(KEYS.claude);
    expect(req.body.tool_choice).toEqual({ type: 'tool', name: 'story' });
    expect(req.body.tools[0].name).toBe('story');
    expect(req.body.tools[0].input_schema.type).toBe('object');
    expect(req.body.max_tokens).toBe(4_916);
    expect(req.body.system).toContain('You write Jira stories.');
  });

  it('reaches Gemini through its OpenAI-compatible base URL with json_schema output', async () => {
    openai.enqueue({ json: validStory });
    const { llm } = llmFor();
    const result = await llm.generate({ ...base, provider: 'gemini' });
    expect(result).toMatchObject({ engine: 'llm', provider: 'gemini', model: 'gemini-2.5-flash' });
    const req = openai.requests[0]!;
    expect(req.path).toBe('/v1beta/openai/chat/completions');
    expect(req.headers.authorization).toBe(`Bearer ${KEYS.gemini}`);
    expect(req.body.response_format.type).toBe('json_schema');
    // Gemini's dialect has no additionalProperties and no strict flag.
    expect(req.body.response_format.json_schema.schema.additionalProperties).toBeUndefined();
    expect(req.body.response_format.json_schema.strict).toBeUndefined();
    // Gemini 2.5 thinks before it answers: its thinking budget is part of max_tokens.
    expect(req.body.max_tokens).toBe(4_916 + 16_000);
  });

  it('asks Kimi for JSON mode and puts the schema into the system prompt', async () => {
    openai.enqueue({ json: validStory });
    const { llm } = llmFor();
    const result = await llm.generate({ ...base, provider: 'moonshot' });
    expect(result).toMatchObject({ engine: 'llm', provider: 'kimi', model: 'moonshot-v1-8k' });
    const req = openai.requests[0]!;
    expect(req.path).toBe('/kimi/v1/chat/completions');
    expect(req.body.response_format).toEqual({ type: 'json_object' });
    expect(req.body.messages[0].content).toContain('"points"');
    // moonshot-v1-8k: the answer is capped so prompt + answer stay within 8,192 tokens.
    expect(req.body.max_tokens).toBeLessThanOrEqual(8_000);
  });

  it('rejects an unknown llm_provider with a 400 naming the field', async () => {
    const { llm } = llmFor();
    const err = await llm.generate({ ...base, provider: 'mistral' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LlmError);
    expect(err).toMatchObject({ status: 400, field: 'llm_provider' });
    expect(openai.requests).toHaveLength(0);
  });

  it('rejects a provider that has no API key with a 400 naming llm_provider', async () => {
    const { log } = captureLogger();
    const llm = createLlm(testConfig({ openai: openai.baseUrl }), { log });
    await expect(llm.generate({ ...base, provider: 'claude' })).rejects.toMatchObject({
      status: 400,
      code: 'llm_provider_not_configured',
      field: 'llm_provider',
    });
  });

  it('rejects a malformed llm_model with a 400 naming the field', async () => {
    const { llm } = llmFor();
    await expect(llm.generate({ ...base, model: 'gpt 5; drop' })).rejects.toMatchObject({
      status: 400,
      field: 'llm_model',
    });
  });
});

describe('structured output', () => {
  it('repairs an invalid JSON reply by asking again with the error', async () => {
    openai.enqueue({ text: 'Sure! Here is your story: {title: oops' }, { json: validStory });
    const { llm, usage } = llmFor();
    const result = await llm.generate(base);
    expect(result).toMatchObject({ engine: 'llm', data: validStory, attempts: 2 });
    expect(openai.requests).toHaveLength(2);
    const retry = openai.requests[1]!.body.messages[1].content as string;
    expect(retry).toContain('Write one story.');
    expect(retry).toContain('not valid JSON');
    expect(retry).toContain('<previous_reply>');
    expect(usage[0]).toMatchObject({ outcome: 'repaired', attempts: 2 });
  });

  it('repairs a reply that is JSON but breaks the schema, quoting the validation error', async () => {
    anthropic.enqueue({ json: { title: 'x', points: 40, labels: [] } }, { json: validStory });
    const { llm } = llmFor();
    const result = await llm.generate({ ...base, provider: 'claude' });
    expect(result).toMatchObject({ engine: 'llm', data: validStory, attempts: 2 });
    const retry = anthropic.requests[1]!.body.messages[0].content as string;
    expect(retry).toContain('points');
    expect(retry).toContain('does not match the schema');
  });

  it('accepts JSON wrapped in a Markdown fence', async () => {
    openai.enqueue({ text: `\`\`\`json\n${JSON.stringify(validStory)}\n\`\`\`` });
    const { llm } = llmFor();
    await expect(llm.generate(base)).resolves.toMatchObject({ data: validStory, attempts: 1 });
  });

  it('fails with an error naming the schema when the repaired reply is still invalid', async () => {
    openai.enqueue({ text: 'not json' }, { json: { title: '', points: 0 } });
    const { llm, usage } = llmFor();
    const err = await llm.generate({ ...base, fallback: () => ruleStory }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LlmOutputError);
    expect((err as LlmOutputError).message).toContain('"story"');
    expect((err as LlmOutputError).schemaName).toBe('story');
    expect(usage[0]).toMatchObject({ outcome: 'invalid_output', attempts: 2 });
  });

  it('wraps a non-object schema for the provider and unwraps the reply', async () => {
    const Titles = z.array(z.string());
    openai.enqueue({ json: { result: ['a', 'b'] } });
    const { llm } = llmFor();
    const result = await llm.generate({ ...base, schema: Titles, schemaName: 'titles' });
    expect(result.data).toEqual(['a', 'b']);
    expect(openai.requests[0]!.body.response_format.json_schema.schema.required).toEqual(['result']);
  });
});

describe('rule-based engine', () => {
  it('answers with the rules when no provider is configured, without any HTTP call', async () => {
    const { log } = captureLogger();
    const llm = createLlm(testConfig({}, { defaultProvider: 'none' }), { log });
    const result = await llm.generate({ ...base, fallback: () => ruleStory });
    expect(result).toMatchObject({ engine: 'rules', data: ruleStory, provider: 'none' });
    expect(result.engine === 'rules' && result.fallback_reason).toMatch(/no LLM provider/);
    expect(openai.requests).toHaveLength(0);
  });

  it('answers with the rules when the caller asks for llm_provider "none"', async () => {
    const { llm } = llmFor();
    const result = await llm.generate({ ...base, provider: 'none', fallback: () => ruleStory });
    expect(result).toMatchObject({ engine: 'rules', data: ruleStory, provider: 'none' });
    expect(openai.requests).toHaveLength(0);
  });

  it('answers with the rules when the default provider has no key', async () => {
    const { log } = captureLogger();
    const llm = createLlm(testConfig({}, { defaultProvider: 'claude' }), { log });
    const result = await llm.generate({ ...base, fallback: () => ruleStory });
    expect(result).toMatchObject({ engine: 'rules', data: ruleStory });
  });

  it('falls back to the rules, flagged as such, when the provider keeps failing with 5xx', async () => {
    openai.setResponder(() => ({ status: 500 }));
    const { llm, usage } = llmFor();
    const result = await llm.generate({ ...base, fallback: () => ruleStory });
    expect(result.engine).toBe('rules');
    expect(result.data).toEqual(ruleStory);
    expect(result.engine === 'rules' && result.fallback_reason).toContain('HTTP 500');
    expect(result.provider).toBe('openai');
    // One attempt plus maxRetries (1) inside the SDK.
    expect(openai.requests).toHaveLength(2);
    expect(usage[0]).toMatchObject({ engine: 'rules', outcome: 'fallback', provider: 'openai' });
  });

  it('falls back to the rules when the provider cannot be reached', async () => {
    const down = await startOpenAiStub();
    const url = down.baseUrl;
    await down.close();
    const { log } = captureLogger();
    const llm = createLlm(testConfig({ openai: url }), { log });
    const result = await llm.generate({ ...base, fallback: () => ruleStory });
    expect(result).toMatchObject({ engine: 'rules', data: ruleStory });
    expect(result.engine === 'rules' && result.fallback_reason).toMatch(/network|connection/i);
  });

  it('falls back when the connection drops mid-request', async () => {
    openai.setResponder(() => ({ disconnect: true }));
    const { llm } = llmFor();
    const result = await llm.generate({ ...base, fallback: () => ruleStory });
    expect(result.engine).toBe('rules');
  });

  it('fails with a provider error when the provider is down and no rules exist for the schema', async () => {
    openai.setResponder(() => ({ status: 503 }));
    const { llm } = llmFor();
    const err = await llm.generate(base).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LlmProviderError);
    expect(err).toMatchObject({ status: 503, upstreamStatus: 503 });
  });

  it('validates the rule-based output against the same schema', async () => {
    const { log } = captureLogger();
    const llm = createLlm(testConfig({}, { defaultProvider: 'none' }), { log });
    await expect(
      llm.generate({ ...base, fallback: () => ({ title: '', points: 99, labels: [] }) }),
    ).rejects.toThrow();
  });
});

describe('rate limits, concurrency and cancellation', () => {
  it('waits out a 429 with retry-after and then succeeds', async () => {
    openai.enqueue({ status: 429, retryAfter: 0.05 }, { json: validStory });
    const { llm } = llmFor();
    const result = await llm.generate(base);
    expect(result).toMatchObject({ engine: 'llm', data: validStory });
    expect(openai.requests).toHaveLength(2);
  });

  it('falls back after repeated 429s once the SDK retries are used up', async () => {
    openai.setResponder(() => ({ status: 429, retryAfterMs: 10 }));
    const { llm } = llmFor();
    const result = await llm.generate({ ...base, fallback: () => ruleStory });
    expect(result.engine === 'rules' && result.fallback_reason).toContain('HTTP 429');
  });

  it('keeps at most LLM_MAX_CONCURRENCY calls in flight per provider', async () => {
    let inFlight = 0;
    let peak = 0;
    openai.setResponder(async () => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 30));
      inFlight -= 1;
      return { json: validStory };
    });
    const { llm } = llmFor({ maxConcurrency: 2 });
    const results = await Promise.all(Array.from({ length: 6 }, () => llm.generate(base)));
    expect(results.every((r) => r.engine === 'llm')).toBe(true);
    expect(openai.requests).toHaveLength(6);
    expect(peak).toBeLessThanOrEqual(2);
  });

  it('reports the time of the model call as duration_ms, not the wait for the limiter', async () => {
    // The stand-in answers each call after 800 ms of (fake) clock; the real wait is short. With the limiter
    // at 1 the second call waits for the first: 800 ms queued, then its own 800 ms call.
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      openai.setResponder(async () => {
        vi.setSystemTime(Date.now() + 800);
        await new Promise((r) => setTimeout(r, 20));
        return { json: validStory };
      });
      const { llm, usage } = llmFor({ maxConcurrency: 1 });
      const calls: UsageRecord[] = [];
      const job = jobLlm(llm, calls);
      const results = await Promise.all([job.generate(base), job.generate(base)]);
      expect(results.map((r) => r.engine)).toEqual(['llm', 'llm']);
      expect(results.map((r) => r.duration_ms)).toEqual([800, 800]);
      expect(usage.map((u) => u.duration_ms)).toEqual([800, 800]);
      // What a job's result shows as llm_usage.calls[].duration_ms.
      expect(calls.map((u) => u.duration_ms)).toEqual([800, 800]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('stops on cancellation instead of falling back', async () => {
    openai.setResponder(() => ({ json: validStory, delayMs: 2_000 }));
    const { llm } = llmFor();
    const controller = new AbortController();
    const pending = llm.generate({ ...base, signal: controller.signal, fallback: () => ruleStory });
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toThrow(/abort/i);
  });
});

describe('context, models and metrics', () => {
  it('fences the additional context as data and cuts it to what the context window leaves', async () => {
    openai.enqueue({ json: validStory });
    const { llm } = llmFor({ contextWindow: 4_000 });
    const context = 'The billing service owns invoices. '.repeat(400);
    const result = await llm.generate({
      ...base,
      model: 'gpt-4o-mini',
      additionalContext: context,
      expectedOutputTokens: 1_000,
    });
    expect(result.engine === 'llm' && result.context).toMatchObject({ truncated: true, method: 'tokens' });
    const prompt = openai.requests[0]!.body.messages[1].content as string;
    expect(prompt).toContain('<additional_context>');
    expect(prompt.length).toBeLessThan(context.length);
  });

  it('lists every provider with its default model and whether it is configured', () => {
    const { log } = captureLogger();
    const llm = createLlm(testConfig({ openai: openai.baseUrl }), { log });
    const listing = llm.listModels();
    expect(listing.default_provider).toBe('openai');
    expect(listing.providers.map((p) => [p.provider, p.configured])).toEqual([
      ['openai', true],
      ['claude', false],
      ['gemini', false],
      ['kimi', false],
    ]);
    expect(listing.providers[0]).toMatchObject({
      model: 'gpt-5-mini',
      max_tokens: 128_000,
      context_window: 400_000,
      known: 'catalog',
      default: true,
    });
  });

  it('counts calls, tokens and durations for /metrics', async () => {
    openai.enqueue({ json: validStory, usage: { input_tokens: 100, output_tokens: 10 } });
    openai.enqueue(
      { text: 'nope', usage: { input_tokens: 20, output_tokens: 2 } },
      { json: validStory, usage: { input_tokens: 50, output_tokens: 5 } },
    );
    const { llm } = llmFor();
    await llm.generate(base);
    await llm.generate(base);
    const text = llm.metrics.renderPrometheus();
    expect(text).toContain('augment_llm_calls_total{provider="openai",model="gpt-5-mini",outcome="ok"} 1');
    expect(text).toContain(
      'augment_llm_calls_total{provider="openai",model="gpt-5-mini",outcome="repaired"} 1',
    );
    expect(text).toContain(
      'augment_llm_tokens_total{provider="openai",model="gpt-5-mini",direction="input"} 170',
    );
    expect(text).toContain(
      'augment_llm_tokens_total{provider="openai",model="gpt-5-mini",direction="output"} 17',
    );
    expect(text).toContain('augment_llm_duration_seconds_count{provider="openai",model="gpt-5-mini"} 2');
    expect(text).toContain('# TYPE augment_llm_calls_total counter');
  });
});
