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
    structuredMode: 'json_schema',
    async complete(request) {
      sent.push(request);
      return {
        raw: JSON.stringify(validStory),
        model: request.model,
        usage: { input_tokens: 1, output_tokens: 1 },
      };
    },
  };
}

describe('requests stay inside the model context', () => {
  it('never sends a prompt plus answer allowance larger than the context window', async () => {
    await fc.assert(
      fc.asyncProperty(
        text(40),
        text(200),
        text(600),
        fc.integer({ min: 300, max: 20_000 }),
        fc.integer({ min: 1_000, max: 40_000 }),
        async (system, prompt, additionalContext, maxTokens, contextWindow) => {
          const sent: ProviderRequest[] = [];
          const config = testConfig({ openai: 'http://127.0.0.1:9/v1' });
          config.providers.openai = { ...config.providers.openai!, maxTokens, contextWindow };
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
            fallback: () => ruleStory,
          });
          for (const r of sent) {
            const promptTokens =
              countTokens(r.system) + countTokens(JSON.stringify(r.jsonSchema)) + countTokens(r.prompt);
            expect(promptTokens + r.maxOutputTokens).toBeLessThanOrEqual(contextWindow);
            expect(r.maxOutputTokens).toBeLessThanOrEqual(maxTokens);
            // The spec's budget: when the base prompt fits, prompt + context stay within 70% - 100.
            const baseTokens =
              countTokens(r.system) + countTokens(JSON.stringify(r.jsonSchema)) + countTokens(prompt);
            if (baseTokens + 8 <= Math.floor(maxTokens * 0.7) - 100) {
              expect(promptTokens).toBeLessThanOrEqual(Math.floor(maxTokens * 0.7) - 100 + 2);
            }
          }
          if (sent.length === 0) {
            // Only a prompt that leaves no room for an answer may be refused, and then the rules answer.
            expect(result.engine === 'rules' && result.fallback_reason).toMatch(/no room for an answer/);
          }
        },
      ),
      { numRuns: 120 },
    );
  });
});
