import type { Env } from '../../env.js';
import { LlmError } from './errors.js';
import {
  findModelSpec,
  type ModelSpec,
  type SchemaDialect,
  UNKNOWN_MODEL_DEFAULTS,
} from './model-catalog.js';
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
    // "rules" is the rule-based engine's own name for "no model".
    defaultProvider: env.LLM_PROVIDER === 'rules' ? 'none' : env.LLM_PROVIDER,
    temperature: env.LLM_TEMPERATURE,
    maxTokens: env.LLM_MAX_TOKENS,
    contextWindow: env.LLM_CONTEXT_WINDOW,
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

/**
 * Families whose members share their limits, for models the catalog does not list yet (a new snapshot
 * or minor version): their figures are safer than the generic defaults, and the result still warns.
 */
const FAMILIES: { provider: ProviderName; pattern: RegExp; like: string }[] = [
  { provider: 'openai', pattern: /^gpt-5(?:[.-]|$)/, like: 'gpt-5' },
  { provider: 'openai', pattern: /^o\d(?:-|$)/, like: 'o3' },
  { provider: 'openai', pattern: /^gpt-4\.1/, like: 'gpt-4.1' },
  { provider: 'openai', pattern: /^gpt-4o/, like: 'gpt-4o' },
  { provider: 'claude', pattern: /^claude-(?:opus|sonnet|haiku)-[5-9]/, like: 'claude-sonnet-5' },
  { provider: 'claude', pattern: /^claude-(?:opus|sonnet|haiku)-4-[5-9]/, like: 'claude-sonnet-4-5' },
  { provider: 'gemini', pattern: /^gemini-(?:2\.5|[3-9])/, like: 'gemini-2.5-flash' },
  { provider: 'kimi', pattern: /^kimi-k2/, like: 'kimi-k2-thinking' },
];

/** What the runner knows about the model a request goes to, after configuration overrides. */
export interface ModelProfile {
  provider: ProviderName;
  model: string;
  /** 'catalog': listed; 'family': limits of a listed sibling; 'default': the provider's safe defaults. */
  known: 'catalog' | 'family' | 'default';
  context_window: number;
  /** The largest answer per call: the model's, or LLM_MAX_TOKENS when that is lower. */
  max_output_tokens: number;
  structured_output: StructuredMode;
  schema_dialect: SchemaDialect;
  temperature: 'supported' | 'fixed';
  max_temperature: number;
  reasoning_tokens: number;
  api: 'chat' | 'responses';
  /** Said in the result: an unknown model, a configured limit below the model's. */
  warnings: string[];
}

/** The model's limits and modes: the catalog's, a sibling's, or safe defaults with a warning. */
export function resolveModel(config: LlmConfig, provider: ProviderName, model: string): ModelProfile {
  const p = config.providers[provider];
  const warnings: string[] = [];
  let spec: Omit<ModelSpec, 'ids' | 'source' | 'provider'> | undefined = findModelSpec(provider, model);
  let known: ModelProfile['known'] = spec ? 'catalog' : 'default';
  if (!spec) {
    const family = FAMILIES.find((f) => f.provider === provider && f.pattern.test(model.toLowerCase()));
    const sibling = family ? findModelSpec(provider, family.like) : undefined;
    if (sibling) {
      spec = sibling;
      known = 'family';
      warnings.push(
        `Model "${model}" is not in the model catalog; its limits are taken from ${family!.like} (${sibling.context_window.toLocaleString('en')}-token context, ${sibling.max_output_tokens.toLocaleString('en')} output tokens).`,
      );
    } else {
      spec = { ...UNKNOWN_MODEL_DEFAULTS[provider] };
      warnings.push(
        `Model "${model}" is not in the model catalog: assuming a ${spec.context_window.toLocaleString('en')}-token context and ${spec.max_output_tokens.toLocaleString('en')} output tokens; set LLM_CONTEXT_WINDOW and LLM_MAX_TOKENS to its real figures.`,
      );
    }
  }
  const contextWindow = p?.contextWindow ?? config.contextWindow ?? spec.context_window;
  const configuredMax = p?.maxTokens ?? config.maxTokens;
  const maxOutput = Math.min(
    spec.max_output_tokens,
    contextWindow,
    configuredMax ?? Number.POSITIVE_INFINITY,
  );
  if (configuredMax !== undefined && configuredMax < spec.max_output_tokens && known !== 'default') {
    warnings.push(
      `LLM_MAX_TOKENS (${configuredMax}) caps answers below what ${model} can give (${spec.max_output_tokens}); larger answers are split into more calls.`,
    );
  }
  return {
    provider,
    model,
    known,
    context_window: contextWindow,
    max_output_tokens: Math.floor(maxOutput),
    structured_output: p?.structuredMode ?? spec.structured_output,
    schema_dialect: p?.structuredMode === 'json_object' ? 'prompt' : spec.schema_dialect,
    temperature: spec.temperature,
    max_temperature: spec.max_temperature,
    reasoning_tokens: Math.min(spec.reasoning_tokens, Math.floor(maxOutput / 2)),
    api: spec.api ?? 'chat',
    warnings,
  };
}

/**
 * gpt-tokenizer counts OpenAI's o200k vocabulary exactly; other vendors' tokenizers split text
 * into more pieces, so their counts get a safety margin.
 */
export function tokenMargin(provider: ProviderName): number {
  if (provider === 'openai') return 1;
  if (provider === 'claude') return 1.3;
  return 1.15;
}
