import { describe, expect, it } from 'vitest';
import { parseEnv } from '../../env.js';
import { llmConfigFromEnv, llmSecrets, parseProviderName, resolveModel } from './config.js';
import { LlmError } from './errors.js';

describe('llmConfigFromEnv', () => {
  it('maps the environment onto providers, configured only where a key is set', () => {
    const config = llmConfigFromEnv(
      parseEnv({ LLM_PROVIDER: 'claude', ANTHROPIC_API_KEY: 'sk-ant-1234', LLM_MAX_CONCURRENCY: '3' }),
    );
    expect(config.defaultProvider).toBe('claude');
    expect(config.maxConcurrency).toBe(3);
    expect(config.providers.claude).toMatchObject({
      apiKey: 'sk-ant-1234',
      baseUrl: 'https://api.anthropic.com',
    });
    expect(config.providers.openai?.apiKey).toBeUndefined();
    expect(config.providers.kimi?.baseUrl).toBe('https://api.moonshot.ai/v1');
    expect(llmSecrets(config)).toEqual(['sk-ant-1234']);
  });

  it('lets LLM_MAX_TOKENS cap every answer below the model maximum, and says so', () => {
    const config = llmConfigFromEnv(parseEnv({ LLM_MAX_TOKENS: '12000' }));
    const gpt4o = resolveModel(config, 'openai', 'gpt-4o');
    expect(gpt4o.max_output_tokens).toBe(12_000);
    expect(gpt4o.warnings.join(' ')).toContain('LLM_MAX_TOKENS (12000)');
    expect(resolveModel(config, 'claude', 'claude-sonnet-4-6').max_output_tokens).toBe(12_000);
    // A cap above the model's own maximum changes nothing.
    expect(resolveModel(config, 'gemini', 'gemini-2.0-flash').max_output_tokens).toBe(8_192);
  });

  it('plans at temperature 0.2 unless LLM_TEMPERATURE says otherwise', () => {
    expect(llmConfigFromEnv(parseEnv({})).temperature).toBe(0.2);
    expect(llmConfigFromEnv(parseEnv({ LLM_TEMPERATURE: '0' })).temperature).toBe(0);
  });

  it('accepts LLM_PROVIDER=rules as the rule-based engine only', () => {
    expect(llmConfigFromEnv(parseEnv({ LLM_PROVIDER: 'rules' })).defaultProvider).toBe('none');
  });
});

describe('model profiles', () => {
  it("takes a known model's limits from the catalog, without warnings", () => {
    const config = llmConfigFromEnv(parseEnv({}));
    expect(resolveModel(config, 'openai', 'gpt-4o')).toMatchObject({
      known: 'catalog',
      context_window: 128_000,
      max_output_tokens: 16_384,
      structured_output: 'json_schema',
      schema_dialect: 'openai_strict',
      warnings: [],
    });
    expect(resolveModel(config, 'kimi', 'moonshot-v1-8k')).toMatchObject({
      context_window: 8_192,
      structured_output: 'json_object',
    });
  });

  it('gives an unknown model safe defaults and a warning naming the settings to change', () => {
    const config = llmConfigFromEnv(parseEnv({}));
    const p = resolveModel(config, 'kimi', 'moonshot-v9-mystery');
    expect(p.known).toBe('default');
    expect(p.context_window).toBe(8_192);
    expect(p.warnings.join(' ')).toMatch(/not in the model catalog.*LLM_CONTEXT_WINDOW/);
  });

  it('takes the limits of a sibling for a new member of a known family, with a warning', () => {
    const config = llmConfigFromEnv(parseEnv({}));
    const p = resolveModel(config, 'openai', 'gpt-5.4-mini');
    expect(p).toMatchObject({ known: 'family', context_window: 400_000, temperature: 'fixed' });
    expect(p.warnings[0]).toContain('taken from gpt-5');
  });

  it('lets LLM_CONTEXT_WINDOW set the window of a model the catalog does not know', () => {
    const config = llmConfigFromEnv(parseEnv({ LLM_CONTEXT_WINDOW: '65536' }));
    expect(resolveModel(config, 'openai', 'my-finetune').context_window).toBe(65_536);
  });
});

describe('provider names', () => {
  it('accepts vendor aliases and rejects unknown providers naming llm_provider', () => {
    expect(parseProviderName('Anthropic')).toBe('claude');
    expect(parseProviderName('google')).toBe('gemini');
    expect(() => parseProviderName('mistral')).toThrow(LlmError);
    try {
      parseProviderName('mistral');
    } catch (err) {
      expect(err).toMatchObject({ status: 400, field: 'llm_provider' });
    }
  });
});
