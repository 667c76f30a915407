import type { ZodType } from 'zod';

export const PROVIDER_NAMES = ['openai', 'claude', 'gemini', 'kimi'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

/** How a provider is asked for JSON: native json_schema, plain JSON mode, or a forced tool call. */
export type StructuredMode = 'json_schema' | 'json_object' | 'tool';

export interface ProviderConfig {
  /** Absent = the provider is not configured (listed, but never called). */
  apiKey?: string | undefined;
  model: string;
  baseUrl: string;
  /** Caps the answer of every call below the model's own maximum. */
  maxTokens?: number | undefined;
  /** The model's context window in tokens; default: the model catalog's figure. */
  contextWindow?: number | undefined;
  /** Replaces the catalog's structured-output mode (tests, compatible gateways). */
  structuredMode?: StructuredMode | undefined;
}

export interface LlmConfig {
  /** Used when a request names no provider; 'none' = rule-based engine only. */
  defaultProvider: ProviderName | 'none';
  temperature: number;
  /** LLM_MAX_TOKENS: when set, no call asks for a longer answer (larger answers are split). */
  maxTokens?: number | undefined;
  /** LLM_CONTEXT_WINDOW: replaces the catalog's context window (for models it does not know). */
  contextWindow?: number | undefined;
  /** Parallel calls per provider. */
  maxConcurrency: number;
  /** Retries inside the SDK for 408/409/429/5xx and network errors (they honour retry-after). */
  maxRetries: number;
  /** Per HTTP attempt, in milliseconds. */
  timeoutMs: number;
  providers: Partial<Record<ProviderName, ProviderConfig>>;
}

export interface TokenUsage {
  input_tokens: number;
  output_tokens: number;
}

/** One HTTP round trip as the facade asks for it; each provider maps it onto its SDK. */
export interface ProviderRequest {
  model: string;
  system: string;
  prompt: string;
  schemaName: string;
  /** Root is always an object (non-object schemas are wrapped by the facade). */
  jsonSchema: Record<string, unknown>;
  /** True when the schema satisfies the dialect's strict rules (OpenAI strict mode). */
  strict: boolean;
  /** How structured output is asked for (from the model catalog). */
  mode: StructuredMode;
  /** OpenAI: chat completions or the Responses API (models served by Responses only). */
  api: 'chat' | 'responses';
  /** Undefined: the model takes no temperature, none is sent. */
  temperature: number | undefined;
  maxOutputTokens: number;
  signal?: AbortSignal | undefined;
}

export interface ProviderReply {
  /** The JSON text the model produced (a tool call's input is serialised back to text). */
  raw: string;
  model: string;
  usage: TokenUsage;
  /** The answer stopped at maxOutputTokens (finish_reason "length", stop_reason "max_tokens"). */
  truncated: boolean;
}

export interface LlmProvider {
  readonly name: ProviderName;
  complete(request: ProviderRequest): Promise<ProviderReply>;
}

/** The token budget a context builder must stay within, and how tokens are counted. */
export interface ContextBudget {
  tokens: number;
  count: (text: string) => number;
}

/** Builds the labelled context of a call within its budget; `report` says what was left out. */
export type ContextBuilder = (budget: ContextBudget) => { text: string; report?: Record<string, unknown> };

export interface GenerateRequest<T> {
  schema: ZodType<T>;
  /** Names the output in provider requests and in errors: letters, digits, _ and - only. */
  schemaName: string;
  system: string;
  prompt: string;
  /**
   * Material for the model, fenced as data: text (cut to the budget when it does not fit), or a builder
   * that is handed the budget and chooses what to keep.
   */
  additionalContext?: string | ContextBuilder | undefined;
  /**
   * Tokens the answer is expected to take (an upper bound of the requested shape). The output cap follows
   * it; the prompt gets the rest of the context window. Default: a 4,096-token answer.
   */
  expectedOutputTokens?: number | undefined;
  /** What the call is about (a story key), for per-story usage in results and metrics. */
  subject?: string | undefined;
  /** Per-request choice (`llm_provider`); 'none' / 'rules' asks for the rule-based engine; default: config. */
  provider?: string | undefined;
  /** Per-request model (`llm_model`); falls back to the provider's configured model. */
  model?: string | undefined;
  temperature?: number | undefined;
  signal?: AbortSignal | undefined;
  /**
   * The rule-based engine for this schema. Used when no provider is configured or the provider
   * fails after its retries; its output is validated against `schema` too.
   */
  fallback?: ((info: { reason: string }) => T | Promise<T>) | undefined;
}

export interface ContextReport {
  /** Characters of additional context sent / received (received = what the builder produced). */
  used_chars: number;
  original_chars: number;
  /** The facade had to cut the context further to fit (never expected from a builder). */
  truncated: boolean;
  method: 'tokens' | 'chars';
  /** Tokens the context could take. */
  budget_tokens?: number;
  /** What the builder kept and left out. */
  builder?: Record<string, unknown> | undefined;
}

/** How a call was sized against its model (in results, so a cut or a split can be explained). */
export interface CallSizing {
  provider: ProviderName;
  model: string;
  /** 'catalog' | 'family' | 'default' (see ModelProfile). */
  known: string;
  context_window: number;
  max_output_tokens: number;
  expected_output_tokens: number;
  /** max_tokens sent with the first attempt. */
  output_cap: number;
  /** The largest answer one call can hold beside the prompt without context (reasoning excluded). */
  answer_room_tokens: number;
  /** Prompt tokens without the additional context (system, schema, instructions). */
  base_prompt_tokens: number;
  /** What the additional context may take. */
  context_budget_tokens: number;
  temperature: number | null;
  structured_output: StructuredMode;
  schema_dialect: string;
  strict: boolean;
  warnings: string[];
}

export interface LlmSuccess<T> {
  data: T;
  engine: 'llm';
  provider: ProviderName;
  model: string;
  usage: TokenUsage;
  /** Time of the model call(s), repairs included; not the wait for the per-process limiter. */
  duration_ms: number;
  /** 1, or 2 when the first reply had to be repaired. */
  attempts: number;
  context?: ContextReport | undefined;
  sizing?: CallSizing | undefined;
  /** Tokens of the prompt actually sent on the first attempt (counted here, not billed). */
  prompt_tokens?: number | undefined;
}

export interface RulesResult<T> {
  data: T;
  engine: 'rules';
  fallback_reason: string;
  /** The provider that was tried, if any. */
  provider: ProviderName | 'none';
  model: string | null;
  usage: TokenUsage;
  /** Time of the model attempts, if any, and the rule-based engine; not the wait for the limiter. */
  duration_ms: number;
}

export type LlmResult<T> = LlmSuccess<T> | RulesResult<T>;

export type CallOutcome = 'ok' | 'repaired' | 'invalid_output' | 'truncated' | 'error' | 'fallback';

/** Pushed to `onUsage` once per generate() call. */
export interface UsageRecord {
  provider: ProviderName | 'none';
  model: string;
  schema: string;
  engine: 'llm' | 'rules';
  outcome: CallOutcome;
  attempts: number;
  input_tokens: number;
  output_tokens: number;
  /** Time of the model call(s), repairs included; not the wait for the per-process limiter. */
  duration_ms: number;
  /** What the call was about (a story key), when the caller said. */
  subject?: string | undefined;
  /** max_tokens of the first attempt and the answer size it was sized for. */
  output_cap?: number | undefined;
  expected_output_tokens?: number | undefined;
}

export interface ModelInfo {
  provider: ProviderName;
  model: string;
  configured: boolean;
  default: boolean;
  /** The largest answer per call (the model's, or LLM_MAX_TOKENS when lower). */
  max_tokens: number;
  context_window: number;
  structured_output: StructuredMode;
  schema_dialect: string;
  /** 'catalog', 'family' or 'default' (not in the catalog: safe defaults). */
  known: string;
  temperature: number | null;
  warnings: string[];
}

export interface ModelsListing {
  default_provider: ProviderName | 'none';
  /** What answers when nothing is configured or the provider fails. */
  fallback_engine: 'rules';
  providers: ModelInfo[];
}
