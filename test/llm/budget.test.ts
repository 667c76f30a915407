import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  countTokens,
  createLlm,
  type LlmProvider,
  type ProviderRequest,
} from '../../runner/src/adapters/llm/index.js';
import { captureLogger, ruleStory, Story, testConfig, validStory } from './helpers.js';

const words = ['story', 'API', 'invoice', 'sprint', 'deploy', 'Jira', 'naïve', '日本', 'tests', '—', '42'];
const sentence = fc
  .array(fc.constantFrom(...words), { minLength: 1, maxLength: 16 })
  .map((ws) => `${ws.join(' ')}. `);
const text = (maxSentences: number) =>
  fc.array(sentence, { maxLength: maxSentences, size: 'max' }).map((s) => s.join(''));

/** Records what would go over the wire and answers with a valid object. */
function recordingProvider(sent: ProviderRequest[]): LlmProvider {
  return {
    name: 'openai',
    async complete(request) {
      sent.push(request);
      return {
        raw: JSON.stringify(validStory),
        model: request.model,
        usage: { input_tokens: 1, output_tokens: 1 },
        truncated: false,
      };
    },
  };
}

describe('requests stay inside the model context', () => {
  it('never sends a prompt plus answer cap larger than the context window, nor a cap above the maximum', async () => {
    await fc.assert(
      fc.asyncProperty(
        text(40),
        text(200),
        text(600),
        fc.integer({ min: 300, max: 20_000 }),
        fc.integer({ min: 1_000, max: 40_000 }),
        fc.integer({ min: 100, max: 6_000 }),
        async (system, prompt, additionalContext, maxTokens, contextWindow, expected) => {
          const sent: ProviderRequest[] = [];
          const config = testConfig({ openai: 'http://127.0.0.1:9/v1' });
          config.providers.openai = {
            ...config.providers.openai!,
            model: 'gpt-4o',
            maxTokens,
            contextWindow,
          };
          const llm = createLlm(config, {
            log: captureLogger().log,
            providers: { openai: recordingProvider(sent) },
          });
          const result = await llm.generate({
            schema: Story,
            schemaName: 'story',
            system,
            prompt,
            additionalContext,
            expectedOutputTokens: expected,
            fallback: () => ruleStory,
          });
          for (const r of sent) {
            const promptTokens =
              countTokens(r.system) + countTokens(JSON.stringify(r.jsonSchema)) + countTokens(r.prompt);
            expect(promptTokens + r.maxOutputTokens).toBeLessThanOrEqual(contextWindow);
            expect(r.maxOutputTokens).toBeLessThanOrEqual(Math.min(maxTokens, contextWindow));
            // The cap follows the expected answer (with 20% headroom), not the model maximum.
            expect(r.maxOutputTokens).toBeLessThanOrEqual(Math.ceil(expected * 1.2));
            // An answer of the expected size always fits under the cap when the call is made.
            expect(r.maxOutputTokens).toBeGreaterThanOrEqual(Math.min(expected, maxTokens, contextWindow));
          }
          if (sent.length === 0) {
            // Only a prompt that leaves no room for the answer may be refused, and then the rules answer.
            expect(result.engine === 'rules' && result.fallback_reason).toMatch(/no room for an answer/);
          }
        },
      ),
      { numRuns: 120 },
    );
  });

  it('sends the whole context when it fits the window, however small the answer cap is', async () => {
    const sent: ProviderRequest[] = [];
    const config = testConfig({ openai: 'http://127.0.0.1:9/v1' });
    config.providers.openai = { ...config.providers.openai!, model: 'gpt-4o' };
    const llm = createLlm(config, {
      log: captureLogger().log,
      providers: { openai: recordingProvider(sent) },
    });
    // About 6,000 tokens: far over the old 0.7 x 2,000 - 100 budget, far under gpt-4o's 128,000.
    const context = 'The ledger keeps every amount in integer cents. '.repeat(600);
    const result = await llm.generate({
      schema: Story,
      schemaName: 'story',
      system: 'sys',
      prompt: 'Plan.',
      additionalContext: context,
      expectedOutputTokens: 1_500,
    });
    expect(result.engine === 'llm' && result.context).toMatchObject({ truncated: false });
    expect(sent[0]!.prompt).toContain(context.trim());
    expect(sent[0]!.maxOutputTokens).toBe(1_800);
  });
});
