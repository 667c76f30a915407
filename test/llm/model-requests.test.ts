/**
 * The LLM facade against the scripted stand-in model (test/stubs/model-stand-in.ts), through the real
 * SDKs and each provider's wire format: the schemas each provider is sent, the caps and the temperature,
 * an answer cut at its cap, and a model the catalog does not know.
 */
import { TicketDescription } from '@augment/shared';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ZodType } from 'zod';
import {
  checkDialect,
  createLlm,
  LlmOutputError,
  type ProviderName,
  resolveModel,
} from '../../runner/src/adapters/llm/index.js';
import {
  LlmCrossStoryLinks,
  LlmStoryList,
  LlmStoryTaskOutline,
  LlmStoryTaskPlan,
  LlmTaskTests,
  LlmTestSuite,
} from '../../runner/src/planning/llm-schemas.js';
import { type ModelStandIn, startModelStandIn } from '../stubs/model-stand-in.js';
import { captureLogger, ruleStory, Story, testConfig, validStory } from './helpers.js';

let model: ModelStandIn;
beforeAll(async () => {
  model = await startModelStandIn(() => ({ json: validStory }));
});
afterAll(() => model.close());
afterEach(() => model.reset());

function llmFor(overrides: Parameters<typeof testConfig>[1] = {}) {
  const config = testConfig(
    {
      openai: model.baseUrls.openai,
      claude: model.baseUrls.claude,
      gemini: model.baseUrls.gemini,
      kimi: model.baseUrls.kimi,
    },
    overrides,
  );
  return { llm: createLlm(config, { log: captureLogger().log }), config };
}

const base = {
  schema: Story,
  schemaName: 'story',
  system: 'You write Jira stories.',
  prompt: 'Write one story.',
};

const SCHEMAS: [string, ZodType][] = [
  ['story_task_plan', LlmStoryTaskPlan],
  ['story_task_outline', LlmStoryTaskOutline],
  ['story_task_tests', LlmTaskTests],
  ['test_suite', LlmTestSuite],
  ['epic_stories', LlmStoryList],
  ['ticket_description', TicketDescription],
  ['cross_story_dependencies', LlmCrossStoryLinks],
];

const MODELS: [ProviderName, string][] = [
  ['openai', 'gpt-4o'],
  ['openai', 'o3-pro'],
  ['claude', 'claude-sonnet-4-6'],
  ['claude', 'claude-opus-4-1'],
  ['gemini', 'gemini-2.5-flash'],
  ['kimi', 'moonshot-v1-128k'],
];

describe("schemas inside each provider's structured-output subset", () => {
  it.each(MODELS)('sends every planning schema to %s %s in a form it accepts', async (provider, modelId) => {
    const { llm, config } = llmFor();
    const dialect = resolveModel(config, provider, modelId).schema_dialect;
    for (const [schemaName, schema] of SCHEMAS) {
      model.reset();
      // The stand-in answers "{}": the schema is what is under test, so an invalid answer is fine here.
      model.script(() => ({ json: {} }));
      await llm
        .generate({ schema, schemaName, system: 'Plan.', prompt: 'Plan.', provider, model: modelId })
        .catch((err: unknown) => expect(err).toBeInstanceOf(LlmOutputError));
      expect(model.calls.length, schemaName).toBeGreaterThan(0);
      for (const call of model.calls) {
        expect(call.refused, `${schemaName}: ${call.refused}`).toBeUndefined();
        if (dialect === 'prompt') {
          expect(call.schema).toBeUndefined();
          expect(call.system).toContain('"properties"');
        } else {
          expect(checkDialect(call.schema!, dialect), schemaName).toEqual([]);
        }
      }
    }
  });

  it('describes every field of the planning schemas to the model', async () => {
    const { llm } = llmFor();
    model.script(() => ({ json: {} }));
    await llm
      .generate({
        schema: LlmStoryTaskPlan,
        schemaName: 'story_task_plan',
        system: 's',
        prompt: 'p',
        model: 'gpt-4o',
      })
      .catch(() => undefined);
    type Node = { properties?: Record<string, Node>; items?: Node; description?: string };
    const root = model.calls[0]!.schema as Node;
    const task = root.properties?.tasks?.items?.properties ?? {};
    expect(Object.keys(task)).toContain('test_cases');
    for (const [name, field] of Object.entries(task)) expect(field.description, name).toBeTruthy();
    expect(task.summary?.description).toContain('At most 255 characters');
  });
});

describe('caps, temperature and answers cut at their cap', () => {
  it('sends the default temperature of 0.2, none to models that refuse one, and clamps it to the model range', async () => {
    const { llm } = llmFor({ temperature: 0.2 });
    await llm.generate({ ...base, model: 'gpt-4o' });
    await llm.generate({ ...base, model: 'gpt-5-mini' });
    await llm.generate({ ...base, provider: 'kimi', model: 'moonshot-v1-128k', temperature: 1.5 });
    expect(model.calls.map((c) => [c.model, c.temperature, c.refused])).toEqual([
      ['gpt-4o', 0.2, undefined],
      ['gpt-5-mini', undefined, undefined],
      ['moonshot-v1-128k', 1, undefined],
    ]);
  });

  it('asks again with all the room the model has when an answer is cut at a cap below it', async () => {
    const long = { ...validStory, notes: 'word '.repeat(3_000) };
    model.script(() => ({ json: long }));
    const { llm } = llmFor();
    const result = await llm.generate({ ...base, model: 'gpt-4o', expectedOutputTokens: 500 });
    expect(result).toMatchObject({ engine: 'llm', attempts: 2, data: long });
    expect(model.calls.map((c) => c.truncated)).toEqual([true, false]);
    expect(model.calls[0]!.maxOutputTokens).toBe(600);
    expect(model.calls[1]!.maxOutputTokens).toBe(16_384);
    // No repair prompt: the answer was not wrong, only cut.
    expect(model.calls[1]!.user).not.toContain('<previous_reply>');
  });

  it('makes no second call when an answer is cut at the largest cap the model allows', async () => {
    model.script(() => ({ json: { ...validStory, notes: 'word '.repeat(6_000) } }));
    const { llm } = llmFor();
    const err = await llm
      .generate({ ...base, model: 'gpt-3.5-turbo', expectedOutputTokens: 4_000 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LlmOutputError);
    expect(String((err as Error).message)).toContain('cut at its 4096-token cap');
    expect(model.calls).toHaveLength(1);
  });

  it('sizes an unknown model with safe defaults and says so in the result', async () => {
    const { llm } = llmFor();
    const sizing = llm.size({ ...base, model: 'gpt-4o-mystery' });
    expect(sizing).toMatchObject({ known: 'family', context_window: 128_000 });
    expect(sizing!.warnings[0]).toContain('not in the model catalog');
    const kimi = llm.size({ ...base, provider: 'kimi', model: 'moonshot-v9' });
    expect(kimi).toMatchObject({ known: 'default', context_window: 8_192 });
    expect(kimi!.warnings[0]).toMatch(/LLM_CONTEXT_WINDOW/);
  });

  it('falls back to the rules, without calling, when the prompt leaves no room for the expected answer', async () => {
    const { llm } = llmFor();
    const result = await llm.generate({
      ...base,
      provider: 'kimi',
      model: 'moonshot-v1-8k',
      prompt: 'Plan the ledger. '.repeat(2_500),
      expectedOutputTokens: 3_000,
      fallback: () => ruleStory,
    });
    expect(result.engine).toBe('rules');
    expect(model.calls).toHaveLength(0);
  });
});
