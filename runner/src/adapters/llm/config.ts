import type { Env } from '../../env.js';
import { LlmError } from './errors.js';
import {
  type LlmConfig,
  PROVIDER_NAMES,
  type ProviderConfig,
  type ProviderName,
  type StructuredMode,
} from './types.js';

export const DEFAULT_BASE_URLS: Record<ProviderName, string> = {
  openai: 'https://api.openai.com/v1',
  claude: 'https://api.anthropic.com',
  gemini: 'https://generativelanguage.googleapis.com/v1beta/openai/',
  kimi: 'https://api.moonshot.ai/v1',
};

/** Builds the LLM layer's config from the parsed environment (the caller owns process.env). */
export function llmConfigFromEnv(env: Env): LlmConfig {
  const provider = (
    apiKey: string | undefined,
    model: string,
    baseUrl: string | undefined,
    name: ProviderName,
  ) => ({ apiKey, model, baseUrl: baseUrl ?? DEFAULT_BASE_URLS[name] }) satisfies ProviderConfig;
  return {
    defaultProvider: env.LLM_PROVIDER,
    temperature: env.LLM_TEMPERATURE,
    maxTokens: env.LLM_MAX_TOKENS,
    maxConcurrency: env.LLM_MAX_CONCURRENCY,
    maxRetries: 2,
    timeoutMs: 120_000,
    providers: {
      openai: provider(env.OPENAI_API_KEY, env.OPENAI_MODEL, env.OPENAI_BASE_URL, 'openai'),
      claude: provider(env.ANTHROPIC_API_KEY, env.ANTHROPIC_MODEL, env.ANTHROPIC_BASE_URL, 'claude'),
      gemini: provider(env.GEMINI_API_KEY, env.GEMINI_MODEL, env.GEMINI_BASE_URL, 'gemini'),
      kimi: provider(env.KIMI_API_KEY, env.KIMI_MODEL, env.KIMI_BASE_URL, 'kimi'),
    },
  };
}

/** Every API key in the config, for scrubbing text that leaves the LLM layer. */
export function llmSecrets(config: LlmConfig): string[] {
  return Object.values(config.providers)
    .map((p) => p?.apiKey)
    .filter((k): k is string => typeof k === 'string' && k.length >= 4);
}

const ALIASES: Record<string, ProviderName> = {
  openai: 'openai',
  claude: 'claude',
  anthropic: 'claude',
  gemini: 'gemini',
  google: 'gemini',
  kimi: 'kimi',
  moonshot: 'kimi',
};

/** Maps a requested `llm_provider` onto a provider name; unknown names are a 400 naming the field. */
export function parseProviderName(value: string): ProviderName {
  const name = ALIASES[value.trim().toLowerCase()];
  if (!name) {
    throw new LlmError(
      400,
      'llm_provider_unknown',
      `Unknown llm_provider "${value.slice(0, 40)}"; expected one of ${PROVIDER_NAMES.join(', ')}`,
      'llm_provider',
    );
  }
  return name;
}

const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._:/@-]{0,127}$/;

/** Rejects model names that could not be a real model id (they also become metric labels). */
export function parseModelName(value: string): string {
  const model = value.trim();
  if (!MODEL_NAME.test(model)) {
    throw new LlmError(
      400,
      'llm_model_invalid',
      'llm_model must be a model id like "gpt-5-mini"',
      'llm_model',
    );
  }
  return model;
}

/** The spec's provider defaults for the token budget (LLM_MAX_TOKENS replaces them). */
export function defaultMaxTokens(provider: ProviderName, model: string): number {
  switch (provider) {
    case 'openai':
      return /^gpt-5/i.test(model) ? 16_000 : 2_000;
    case 'claude':
      return 8_000;
    case 'gemini':
      return 8_192;
    case 'kimi':
      return 8_000;
  }
}

/** Published context windows, conservative where a family varies. */
export function defaultContextWindow(provider: ProviderName, model: string): number {
  const m = model.toLowerCase();
  switch (provider) {
    case 'openai':
      if (m.startsWith('gpt-5')) return 400_000;
      if (m.startsWith('gpt-4.1')) return 1_047_576;
      if (m.startsWith('gpt-3.5')) return 16_385;
      if (/^gpt-4(-\d{4})?$/.test(m)) return 8_192;
      return 128_000;
    case 'claude':
      return 200_000;
    case 'gemini':
      return 1_048_576;
    case 'kimi': {
      // moonshot-v1-8k / -32k / -128k carry their window in the name.
      const k = /-(\d+)k\b/.exec(m);
      return k?.[1] ? Number(k[1]) * 1024 : 131_072;
    }
  }
}

/** Kimi's OpenAI-compatible API offers JSON mode but not json_schema; Claude uses a forced tool. */
export function defaultStructuredMode(provider: ProviderName): StructuredMode {
  if (provider === 'claude') return 'tool';
  if (provider === 'kimi') return 'json_object';
  return 'json_schema';
}

/**
 * gpt-tokenizer counts OpenAI's o200k vocabulary exactly; other vendors' tokenizers split text
 * into more pieces, so their counts get a safety margin.
 */
export function tokenMargin(provider: ProviderName): number {
  if (provider === 'openai') return 1;
  if (provider === 'claude') return 1.25;
  return 1.15;
}

export interface ResolvedLimits {
  maxTokens: number;
  contextWindow: number;
}

export function resolveLimits(config: LlmConfig, provider: ProviderName, model: string): ResolvedLimits {
  const p = config.providers[provider];
  return {
    maxTokens: p?.maxTokens ?? config.maxTokens ?? defaultMaxTokens(provider, model),
    contextWindow: p?.contextWindow ?? defaultContextWindow(provider, model),
  };
}
