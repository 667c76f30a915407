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
  /** Overrides the provider default of the budget formula (LLM_MAX_TOKENS). */
  maxTokens?: number | undefined;
  /** The model's context window in tokens; defaults by provider and model name. */
  contextWindow?: number | undefined;
  structuredMode?: StructuredMode | undefined;
}

export interface LlmConfig {
  /** Used when a request names no provider; 'none' = rule-based engine only. */
  defaultProvider: ProviderName | 'none';
  temperature: number;
  /** LLM_MAX_TOKENS: when set, replaces every provider default. */
  maxTokens?: number | undefined;
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
  /** True when the schema satisfies OpenAI's strict subset. */
  strict: boolean;
  temperature: number;
  maxOutputTokens: number;
  signal?: AbortSignal | undefined;
}

export interface ProviderReply {
  /** The JSON text the model produced (a tool call's input is serialised back to text). */
  raw: string;
  model: string;
  usage: TokenUsage;
}

export interface LlmProvider {
  readonly name: ProviderName;
  readonly structuredMode: StructuredMode;
  complete(request: ProviderRequest): Promise<ProviderReply>;
}

export interface GenerateRequest<T> {
  schema: ZodType<T>;
  /** Names the output in provider requests and in errors: letters, digits, _ and - only. */
  schemaName: string;
  system: string;
  prompt: string;
  /** Free text from the user; cut to the context budget and fenced as data. */
  additionalContext?: string | undefined;
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
  /** Characters of additional context sent / received. */
  used_chars: number;
  original_chars: number;
  truncated: boolean;
  method: 'tokens' | 'chars';
}

export interface LlmSuccess<T> {
  data: T;
  engine: 'llm';
  provider: ProviderName;
  model: string;
  usage: TokenUsage;
  duration_ms: number;
  /** 1, or 2 when the first reply had to be repaired. */
  attempts: number;
  context?: ContextReport | undefined;
}

export interface RulesResult<T> {
  data: T;
  engine: 'rules';
  fallback_reason: string;
  /** The provider that was tried, if any. */
  provider: ProviderName | 'none';
  model: string | null;
  usage: TokenUsage;
  duration_ms: number;
}

export type LlmResult<T> = LlmSuccess<T> | RulesResult<T>;

export type CallOutcome = 'ok' | 'repaired' | 'invalid_output' | 'error' | 'fallback';

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
  duration_ms: number;
}

export interface ModelInfo {
  provider: ProviderName;
  model: string;
  configured: boolean;
  default: boolean;
  max_tokens: number;
  context_window: number;
  structured_output: StructuredMode;
}

export interface ModelsListing {
  default_provider: ProviderName | 'none';
  /** What answers when nothing is configured or the provider fails. */
  fallback_engine: 'rules';
  providers: ModelInfo[];
}
