/**
 * What each model accepts, as its vendor documents it: context window, largest answer, how it is asked
 * for structured output and which JSON Schema dialect that mode accepts. Budgets are computed from these
 * figures (context window - expected answer - margin), so a wrong figure here means a cut PRD or a
 * refused request: each entry names the page its figures come from.
 *
 * Matching: an entry covers its ids and their dated or versioned snapshots ("gpt-4o-2024-08-06",
 * "claude-sonnet-4-5-20250929"), never a longer name ("gpt-4o" does not cover "gpt-4o-mini").
 * Unknown models get conservative defaults and a warning in the result.
 */
import type { ProviderName, StructuredMode } from './types.js';

/** The JSON Schema subset a structured-output mode accepts (see schema-dialects.ts). */
export type SchemaDialect = 'openai_strict' | 'anthropic' | 'gemini' | 'prompt';

export interface ModelSpec {
  provider: ProviderName;
  /** Model ids the entry covers (and their dated snapshots). */
  ids: readonly string[];
  /** Input + output tokens the model can hold in one request. */
  context_window: number;
  /** The largest answer the API allows (reasoning included, for reasoning models). */
  max_output_tokens: number;
  /** How structured output is requested. */
  structured_output: StructuredMode;
  schema_dialect: SchemaDialect;
  /** 'fixed': the API refuses (or ignores) a temperature; none is sent. */
  temperature: 'supported' | 'fixed';
  /** Highest temperature the API accepts (Moonshot: 1). */
  max_temperature: number;
  /**
   * Tokens kept free in the output cap for thinking before the answer (reasoning models spend output
   * tokens on it); 0 for models that answer directly.
   */
  reasoning_tokens: number;
  /** OpenAI only: models served by the Responses API alone. */
  api?: 'chat' | 'responses';
  /** Where the figures come from. */
  source: string;
}

// OpenAI recommends "reserving at least 25,000 tokens for reasoning and outputs" when starting with
// reasoning models; other vendors' thinking budgets default lower.
const OPENAI_REASONING = 25_000;
const THINKING = 16_000;

const openai = (
  ids: string[],
  context_window: number,
  max_output_tokens: number,
  source: string,
  extra: Partial<ModelSpec> = {},
): ModelSpec => ({
  provider: 'openai',
  ids,
  context_window,
  max_output_tokens,
  structured_output: 'json_schema',
  schema_dialect: 'openai_strict',
  temperature: 'supported',
  max_temperature: 2,
  reasoning_tokens: 0,
  api: 'chat',
  source,
  ...extra,
});

const reasoningOpenai = { temperature: 'fixed', reasoning_tokens: OPENAI_REASONING } as const;

const claude = (
  ids: string[],
  context_window: number,
  max_output_tokens: number,
  source: string,
  extra: Partial<ModelSpec> = {},
): ModelSpec => ({
  provider: 'claude',
  ids,
  context_window,
  max_output_tokens,
  // JSON outputs (output_config.format) are generally available from the 4.5 models on; forced tool
  // use is refused by Claude Sonnet 5.5, so it is kept for the older models only.
  structured_output: 'json_schema',
  schema_dialect: 'anthropic',
  // The Messages API of the SDK in use takes no temperature; Claude 5 models refuse non-default ones.
  temperature: 'fixed',
  max_temperature: 1,
  reasoning_tokens: 0,
  source,
  ...extra,
});

const gemini = (
  ids: string[],
  max_output_tokens: number,
  source: string,
  extra: Partial<ModelSpec> = {},
): ModelSpec => ({
  provider: 'gemini',
  ids,
  context_window: 1_048_576,
  max_output_tokens,
  structured_output: 'json_schema',
  schema_dialect: 'gemini',
  temperature: 'supported',
  max_temperature: 2,
  reasoning_tokens: 0,
  source,
  ...extra,
});

const kimi = (
  ids: string[],
  context_window: number,
  max_output_tokens: number,
  source: string,
  extra: Partial<ModelSpec> = {},
): ModelSpec => ({
  provider: 'kimi',
  ids,
  context_window,
  max_output_tokens,
  // Moonshot's OpenAI-compatible API documents JSON mode (response_format json_object) only.
  structured_output: 'json_object',
  schema_dialect: 'prompt',
  temperature: 'supported',
  max_temperature: 1,
  reasoning_tokens: 0,
  source,
  ...extra,
});

const OPENAI_MODELS = 'https://developers.openai.com/api/docs/models';
const CLAUDE_MODELS = 'https://platform.claude.com/docs/en/about-claude/models/overview';
const GEMINI_MODELS = 'https://ai.google.dev/gemini-api/docs/models';
const KIMI_MODELS = 'https://platform.moonshot.ai/docs';

export const MODEL_CATALOG: readonly ModelSpec[] = [
  openai(['gpt-4o', 'chatgpt-4o-latest'], 128_000, 16_384, `${OPENAI_MODELS}/gpt-4o`),
  openai(['gpt-4o-mini'], 128_000, 16_384, `${OPENAI_MODELS}/gpt-4o-mini`),
  openai(['gpt-4.1', 'gpt-4.1-mini', 'gpt-4.1-nano'], 1_047_576, 32_768, `${OPENAI_MODELS}/gpt-4.1`),
  openai(
    ['gpt-5', 'gpt-5-mini', 'gpt-5-nano', 'gpt-5.1', 'gpt-5.2'],
    400_000,
    128_000,
    `${OPENAI_MODELS}/gpt-5`,
    {
      ...reasoningOpenai,
    },
  ),
  openai(['gpt-5-pro'], 400_000, 272_000, `${OPENAI_MODELS}/gpt-5-pro`, {
    ...reasoningOpenai,
    api: 'responses',
  }),
  openai(['o1', 'o3', 'o3-mini', 'o4-mini'], 200_000, 100_000, `${OPENAI_MODELS}/o3`, { ...reasoningOpenai }),
  openai(['o3-pro'], 200_000, 100_000, `${OPENAI_MODELS}/o3-pro`, { ...reasoningOpenai, api: 'responses' }),
  // Older models without structured outputs: JSON mode with the schema in the prompt.
  openai(['gpt-4-turbo'], 128_000, 4_096, `${OPENAI_MODELS}/gpt-4-turbo`, {
    structured_output: 'json_object',
    schema_dialect: 'prompt',
  }),
  openai(['gpt-3.5-turbo'], 16_385, 4_096, `${OPENAI_MODELS}/gpt-3.5-turbo`, {
    structured_output: 'json_object',
    schema_dialect: 'prompt',
  }),

  claude(['claude-opus-4-1', 'claude-opus-4-0', 'claude-opus-4'], 200_000, 32_000, `${CLAUDE_MODELS}`, {
    structured_output: 'tool',
  }),
  claude(['claude-sonnet-4-0', 'claude-sonnet-4'], 200_000, 64_000, `${CLAUDE_MODELS}`, {
    structured_output: 'tool',
  }),
  claude(['claude-3-7-sonnet'], 200_000, 64_000, `${CLAUDE_MODELS}`, { structured_output: 'tool' }),
  claude(['claude-3-5-haiku'], 200_000, 8_192, `${CLAUDE_MODELS}`, { structured_output: 'tool' }),
  claude(
    ['claude-sonnet-4-5'],
    200_000,
    64_000,
    'https://platform.claude.com/docs/en/models/sonnet-4-5/overview',
  ),
  claude(
    ['claude-haiku-4-5'],
    200_000,
    64_000,
    'https://platform.claude.com/docs/en/models/haiku-4-5/overview',
  ),
  claude(['claude-opus-4-5'], 200_000, 64_000, `${CLAUDE_MODELS}`),
  claude(
    ['claude-sonnet-4-6'],
    1_000_000,
    128_000,
    'https://platform.claude.com/docs/en/models/sonnet-4-6/overview',
  ),
  claude(['claude-opus-4-6'], 1_000_000, 128_000, `${CLAUDE_MODELS}`),
  // Claude 5 models think adaptively by default; thinking is billed as output.
  claude(
    ['claude-sonnet-5', 'claude-opus-5'],
    1_000_000,
    128_000,
    'https://platform.claude.com/docs/en/models/sonnet-5/overview',
    {
      reasoning_tokens: THINKING,
    },
  ),
  claude(
    ['claude-sonnet-5-5', 'claude-opus-5-5', 'claude-haiku-5-5'],
    1_000_000,
    128_000,
    'https://platform.claude.com/docs/en/models/sonnet-5-5/overview',
    { reasoning_tokens: THINKING },
  ),

  // Gemini 2.5 models think by default and their thinking counts against maxOutputTokens.
  gemini(
    ['gemini-2.5-pro', 'gemini-2.5-flash', 'gemini-2.5-flash-lite'],
    65_536,
    `${GEMINI_MODELS}/gemini-2.5-flash`,
    {
      reasoning_tokens: THINKING,
    },
  ),
  gemini(['gemini-2.0-flash', 'gemini-2.0-flash-lite'], 8_192, `${GEMINI_MODELS}/gemini-2.0-flash`),

  // moonshot-v1 windows hold input and answer together; the answer may use what the prompt leaves.
  kimi(['moonshot-v1-8k'], 8_192, 8_192, `${KIMI_MODELS}/pricing/chat`),
  kimi(['moonshot-v1-32k'], 32_768, 32_768, `${KIMI_MODELS}/pricing/chat`),
  kimi(['moonshot-v1-128k', 'moonshot-v1-auto'], 131_072, 131_072, `${KIMI_MODELS}/pricing/chat`),
  kimi(['kimi-k2-0711-preview'], 131_072, 32_000, `${KIMI_MODELS}/pricing/chat`),
  kimi(['kimi-k2-0905-preview', 'kimi-k2-turbo-preview'], 262_144, 32_000, `${KIMI_MODELS}/pricing/chat`),
  // Thinking models: sampling parameters are left to the model.
  kimi(
    ['kimi-k2-thinking', 'kimi-k2-thinking-turbo', 'kimi-k2.5', 'kimi-k2.6'],
    262_144,
    32_000,
    `${KIMI_MODELS}/pricing/chat`,
    {
      temperature: 'fixed',
      reasoning_tokens: 8_000,
    },
  ),
];

/**
 * What an unknown model is assumed to accept: a context and an answer every current model of the
 * provider exceeds, so a request never overflows; the result says so and how to set the real figures.
 */
export const UNKNOWN_MODEL_DEFAULTS: Record<
  ProviderName,
  Pick<
    ModelSpec,
    | 'context_window'
    | 'max_output_tokens'
    | 'structured_output'
    | 'schema_dialect'
    | 'temperature'
    | 'max_temperature'
    | 'reasoning_tokens'
  >
> = {
  openai: {
    context_window: 128_000,
    max_output_tokens: 16_384,
    structured_output: 'json_schema',
    schema_dialect: 'openai_strict',
    temperature: 'supported',
    max_temperature: 2,
    reasoning_tokens: 0,
  },
  claude: {
    context_window: 200_000,
    max_output_tokens: 32_000,
    structured_output: 'json_schema',
    schema_dialect: 'anthropic',
    temperature: 'fixed',
    max_temperature: 1,
    reasoning_tokens: THINKING,
  },
  gemini: {
    context_window: 1_048_576,
    max_output_tokens: 8_192,
    structured_output: 'json_schema',
    schema_dialect: 'gemini',
    temperature: 'supported',
    max_temperature: 2,
    reasoning_tokens: 0,
  },
  kimi: {
    context_window: 8_192,
    max_output_tokens: 8_192,
    structured_output: 'json_object',
    schema_dialect: 'prompt',
    temperature: 'supported',
    max_temperature: 1,
    reasoning_tokens: 0,
  },
};

// A dated snapshot ("-2024-08-06", "-20250929"), a numbered revision ("-001") or "-latest".
const SNAPSHOT = /^-(?:\d{4}-?\d{2}-?\d{2}|\d{3,4}|latest|preview|exp)$/;

/** The catalog entry of `model` for `provider`, or undefined when the catalog does not know it. */
export function findModelSpec(provider: ProviderName, model: string): ModelSpec | undefined {
  const id = model.trim().toLowerCase();
  let best: { spec: ModelSpec; length: number } | undefined;
  for (const spec of MODEL_CATALOG) {
    if (spec.provider !== provider) continue;
    for (const known of spec.ids) {
      const hit = id === known || (id.startsWith(known) && SNAPSHOT.test(id.slice(known.length)));
      if (hit && (!best || known.length > best.length)) best = { spec, length: known.length };
    }
  }
  return best?.spec;
}
