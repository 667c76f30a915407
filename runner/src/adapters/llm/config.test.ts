import { describe, expect, it } from 'vitest';
import { parseEnv } from '../../env.js';
import {
  defaultContextWindow,
  defaultMaxTokens,
  llmConfigFromEnv,
  llmSecrets,
  parseProviderName,
  resolveLimits,
} from './config.js';
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

  it('lets LLM_MAX_TOKENS replace every provider default', () => {
    const config = llmConfigFromEnv(parseEnv({ LLM_MAX_TOKENS: '12000' }));
    expect(resolveLimits(config, 'openai', 'gpt-4o').maxTokens).toBe(12_000);
    expect(resolveLimits(config, 'claude', 'claude-sonnet-4-6').maxTokens).toBe(12_000);
  });
});

describe('provider defaults', () => {
  it('uses the spec defaults for max tokens', () => {
    expect(defaultMaxTokens('openai', 'gpt-5-mini')).toBe(16_000);
    expect(defaultMaxTokens('openai', 'gpt-5.1')).toBe(16_000);
    expect(defaultMaxTokens('openai', 'gpt-4o-mini')).toBe(2_000);
    expect(defaultMaxTokens('claude', 'any')).toBe(8_000);
    expect(defaultMaxTokens('gemini', 'any')).toBe(8_192);
    expect(defaultMaxTokens('kimi', 'any')).toBe(8_000);
  });

  it('reads Kimi context windows from the model name', () => {
    expect(defaultContextWindow('kimi', 'moonshot-v1-8k')).toBe(8_192);
    expect(defaultContextWindow('kimi', 'moonshot-v1-128k')).toBe(131_072);
    expect(defaultContextWindow('openai', 'gpt-4')).toBe(8_192);
  });

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
