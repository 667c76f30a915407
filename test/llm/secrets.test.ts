import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLlm } from '../../runner/src/adapters/llm/index.js';
import {
  type RecordedRequest,
  type StubServer,
  startAnthropicStub,
  startOpenAiStub,
} from '../stubs/index.js';
import { captureLogger, KEYS, ruleStory, Story, testConfig } from './helpers.js';

let openai: StubServer;
let anthropic: StubServer;

/** A hostile upstream that quotes the credentials it received back in its error message. */
const echoCredentials = (status: number) => (req: RecordedRequest) => ({
  status,
  body: {
    error: {
      message: `Incorrect API key provided: ${req.headers.authorization ?? ''} ${req.headers['x-api-key'] ?? ''}`,
      type: 'invalid_request_error',
    },
  },
});

beforeAll(async () => {
  [openai, anthropic] = await Promise.all([startOpenAiStub(), startAnthropicStub()]);
});
afterAll(async () => {
  await Promise.all([openai.close(), anthropic.close()]);
});

const base = { schema: Story, schemaName: 'story', system: 'sys', prompt: 'Write one story.' };
const allKeys = Object.values(KEYS);

function expectNoKeys(text: string) {
  for (const key of allKeys) expect(text).not.toContain(key);
  // Also no recognisable fragment of a key.
  for (const key of allKeys) expect(text).not.toContain(key.slice(-12));
}

describe('API keys never leave the LLM layer', () => {
  it('keeps keys out of logs, fallback reasons and results when the upstream echoes them', async () => {
    openai.setResponder(echoCredentials(401));
    anthropic.setResponder(echoCredentials(500));
    const { log, text } = captureLogger();
    const llm = createLlm(
      testConfig({
        openai: openai.baseUrl,
        claude: anthropic.url,
        gemini: `${openai.url}/g/`,
        kimi: openai.baseUrl,
      }),
      { log },
    );
    const results = [];
    for (const provider of ['openai', 'claude', 'gemini', 'kimi']) {
      results.push(await llm.generate({ ...base, provider, fallback: () => ruleStory }));
    }
    expect(results.map((r) => r.engine)).toEqual(['rules', 'rules', 'rules', 'rules']);
    // The upstream really did receive (and echo) the keys.
    expect(openai.requests.some((r) => JSON.stringify(r.headers).includes(KEYS.openai))).toBe(true);
    expect(results[0]?.engine === 'rules' && results[0].fallback_reason).toContain('[REDACTED]');
    expectNoKeys(JSON.stringify(results));
    expect(text()).toContain('llm call');
    expectNoKeys(text());
    expectNoKeys(JSON.stringify(llm.listModels()));
    expectNoKeys(llm.metrics.renderPrometheus());
  });

  it('keeps keys out of thrown errors when no rules exist for the schema', async () => {
    openai.setResponder(echoCredentials(403));
    const { log, text } = captureLogger();
    const llm = createLlm(testConfig({ openai: openai.baseUrl }), { log });
    const err = (await llm.generate(base).catch((e: unknown) => e)) as Error;
    expect(err.message).toContain('HTTP 403');
    expectNoKeys(err.message);
    expectNoKeys(JSON.stringify(err));
    expectNoKeys(String(err.stack));
    expectNoKeys(text());
  });
});
