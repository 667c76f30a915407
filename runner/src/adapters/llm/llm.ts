import pLimit, { type LimitFunction } from 'p-limit';
import type { ZodType } from 'zod';
import { z } from 'zod';
import { scrubSecrets } from '../../logger.js';
import { renderPrompt } from '../../prompts/render-prompt.js';
import { createClaudeProvider } from './claude-provider.js';
import {
  defaultStructuredMode,
  llmSecrets,
  parseModelName,
  parseProviderName,
  resolveLimits,
  tokenMargin,
} from './config.js';
import { fitAdditionalContext } from './context-budget.js';
import { LlmError, LlmOutputError, LlmProviderError } from './errors.js';
import { parseJsonReply, type StructuredSchema, toStructuredSchema } from './json-schema.js';
import { LlmMetrics } from './metrics.js';
import { createOpenAiCompatibleProvider } from './openai-compatible-provider.js';
import { classifySdkError, type SdkLogTarget } from './sdk-errors.js';
import { type CountTokens, tokenCounter } from './tokens.js';
import {
  type CallOutcome,
  type ContextReport,
  type GenerateRequest,
  type LlmConfig,
  type LlmProvider,
  type LlmResult,
  type LlmSuccess,
  type ModelsListing,
  PROVIDER_NAMES,
  type ProviderName,
  type ProviderReply,
  type RulesResult,
  type TokenUsage,
  type UsageRecord,
} from './types.js';

export interface LlmDeps {
  log: SdkLogTarget;
  /** Called once per generate() with provider, model, tokens and duration (e.g. to attach to a job). */
  onUsage?: ((record: UsageRecord) => void) | undefined;
  /** Shared counters for /metrics; one is created when absent. */
  metrics?: LlmMetrics | undefined;
  /** Replaces SDK-backed providers by name (tests, benchmarks). */
  providers?: Partial<Record<ProviderName, LlmProvider>> | undefined;
  /** Replaces the gpt-tokenizer counter (tests). */
  countTokens?: CountTokens | undefined;
}

export interface Llm {
  generate<T>(request: GenerateRequest<T>): Promise<LlmResult<T>>;
  /** What GET /models shows: providers, default models, whether each is configured. Never keys. */
  listModels(): ModelsListing;
  /** True when `provider` (or the default provider) has an API key. */
  isConfigured(provider?: string): boolean;
  readonly metrics: LlmMetrics;
}

const SCHEMA_NAME = /^[A-Za-z0-9_-]{1,64}$/;
/** Chat framing tokens (roles, separators) the prompt budget does not see. */
const FRAMING_TOKENS = 16;
/** Below this the answer could not hold any useful JSON. */
const MIN_OUTPUT_TOKENS = 64;
const MAX_REPAIR_ECHO_CHARS = 4_000;
const MAX_ISSUE_CHARS = 1_000;

/** The LLM facade: provider choice, context budget, structured output with one repair, rules fallback. */
export function createLlm(config: LlmConfig, deps: LlmDeps): Llm {
  const secrets = llmSecrets(config);
  const metrics = deps.metrics ?? new LlmMetrics();
  const providers = new Map<ProviderName, LlmProvider>();
  const limiters = new Map<ProviderName, LimitFunction>();
  const schemas = new WeakMap<ZodType, StructuredSchema>();
  const scrub = (text: string) => scrubSecrets(text, secrets);

  const configured = (name: ProviderName) =>
    Boolean(deps.providers?.[name] ?? config.providers[name]?.apiKey);

  function providerFor(name: ProviderName): LlmProvider {
    let provider = providers.get(name) ?? deps.providers?.[name];
    if (provider) return provider;
    const p = config.providers[name];
    if (!p?.apiKey) throw new Error(`provider ${name} has no API key`);
    const options = {
      apiKey: p.apiKey,
      baseUrl: p.baseUrl,
      maxRetries: config.maxRetries,
      timeoutMs: config.timeoutMs,
      log: deps.log,
      secrets,
    };
    const mode = p.structuredMode ?? defaultStructuredMode(name);
    provider =
      name === 'claude'
        ? createClaudeProvider(options)
        : createOpenAiCompatibleProvider(
            name,
            mode === 'json_object' ? 'json_object' : 'json_schema',
            options,
          );
    providers.set(name, provider);
    return provider;
  }

  function limiterFor(name: ProviderName): LimitFunction {
    let limit = limiters.get(name);
    if (!limit) {
      limit = pLimit(config.maxConcurrency);
      limiters.set(name, limit);
    }
    return limit;
  }

  function structured(schema: ZodType): StructuredSchema {
    let s = schemas.get(schema);
    if (!s) {
      s = toStructuredSchema(schema);
      schemas.set(schema, s);
    }
    return s;
  }

  function report(record: UsageRecord): void {
    metrics.record(record);
    try {
      deps.onUsage?.(record);
    } catch (err) {
      deps.log.warn({ err: scrub(String(err)) }, 'llm onUsage callback failed');
    }
    deps.log.info(
      {
        component: 'llm',
        provider: record.provider,
        model: record.model,
        schema: record.schema,
        engine: record.engine,
        outcome: record.outcome,
        attempts: record.attempts,
        input_tokens: record.input_tokens,
        output_tokens: record.output_tokens,
        duration_ms: record.duration_ms,
      },
      'llm call',
    );
  }

  async function useRules<T>(
    request: GenerateRequest<T>,
    reason: string,
    started: number,
    tried: { provider: ProviderName | 'none'; model: string | null; usage: TokenUsage; attempts: number },
  ): Promise<RulesResult<T>> {
    if (!request.fallback) {
      throw new LlmError(
        503,
        'llm_unavailable',
        `No LLM answer for "${request.schemaName}" (${reason}) and no rule-based engine for it`,
      );
    }
    const data = request.schema.parse(await request.fallback({ reason }));
    const duration_ms = Date.now() - started;
    report({
      provider: tried.provider,
      model: tried.model ?? 'rules',
      schema: request.schemaName,
      engine: 'rules',
      outcome: 'fallback',
      attempts: tried.attempts,
      ...tried.usage,
      duration_ms,
    });
    return {
      data,
      engine: 'rules',
      fallback_reason: reason,
      provider: tried.provider,
      model: tried.model,
      usage: tried.usage,
      duration_ms,
    };
  }

  async function generate<T>(request: GenerateRequest<T>): Promise<LlmResult<T>> {
    const started = Date.now();
    if (!SCHEMA_NAME.test(request.schemaName)) {
      throw new Error(`schemaName "${request.schemaName}" must match ${SCHEMA_NAME}`);
    }
    const none = {
      provider: 'none' as const,
      model: null,
      usage: { input_tokens: 0, output_tokens: 0 },
      attempts: 0,
    };

    let name: ProviderName;
    const requested = request.provider?.trim().toLowerCase();
    if (requested === 'none' || requested === 'rules') {
      return useRules(request, 'the rule-based engine was requested', started, none);
    }
    if (request.provider?.trim()) {
      name = parseProviderName(request.provider);
      if (!configured(name)) {
        throw new LlmError(
          400,
          'llm_provider_not_configured',
          `llm_provider "${name}" is not configured on this runner (no API key)`,
          'llm_provider',
        );
      }
    } else if (config.defaultProvider === 'none') {
      return useRules(request, 'no LLM provider is configured', started, none);
    } else if (!configured(config.defaultProvider)) {
      return useRules(
        request,
        `the default LLM provider "${config.defaultProvider}" has no API key`,
        started,
        none,
      );
    } else {
      name = config.defaultProvider;
    }
    const model = request.model?.trim() ? parseModelName(request.model) : config.providers[name]?.model;
    if (!model) {
      throw new LlmError(
        400,
        'llm_model_missing',
        `No model is configured for "${name}"; pass llm_model`,
        'llm_model',
      );
    }

    const provider = providerFor(name);
    const schema = structured(request.schema);
    const limits = resolveLimits(config, name, model);
    const count = deps.countTokens ?? tokenCounter(tokenMargin(name));
    const temperature = request.temperature ?? config.temperature;

    let system = `${request.system}\n\n${renderPrompt('structured-output', { schema_name: request.schemaName })}`;
    const schemaText = JSON.stringify(schema.jsonSchema);
    if (provider.structuredMode === 'json_object') {
      system += `\n\n${renderPrompt('structured-output-schema', { json_schema: schemaText })}`;
    }
    // A schema sent beside the prompt (response_format, tool) is billed as input too.
    const budgetSystem = provider.structuredMode === 'json_object' ? system : `${system}\n${schemaText}`;

    const usage: TokenUsage = { input_tokens: 0, output_tokens: 0 };
    let attempts = 0;
    let contextReport: ContextReport | undefined;

    const call = async (repair: string | undefined): Promise<ProviderReply> => {
      const compose = (base: string, context: string) =>
        [
          base,
          context ? renderPrompt('additional-context', { additional_context: context }) : '',
          repair ?? '',
        ]
          .filter(Boolean)
          .join('\n\n');
      const fit = fitAdditionalContext({
        system: budgetSystem,
        basePrompt: request.prompt,
        additionalContext: request.additionalContext,
        maxTokens: limits.maxTokens,
        countTokens: count,
        compose,
      });
      if (request.additionalContext) {
        contextReport = {
          used_chars: fit.context.length,
          original_chars: request.additionalContext.length,
          truncated: fit.truncated,
          method: fit.method,
        };
      }
      const prompt = compose(request.prompt, fit.context);
      const promptTokens = safeCount(count, budgetSystem) + safeCount(count, prompt) + FRAMING_TOKENS;
      const maxOutputTokens = Math.min(limits.maxTokens, limits.contextWindow - promptTokens);
      if (maxOutputTokens < MIN_OUTPUT_TOKENS) {
        throw new LlmError(
          422,
          'llm_prompt_too_large',
          `The prompt for "${request.schemaName}" (~${promptTokens} tokens) leaves no room for an answer in the ${limits.contextWindow}-token context of ${model}`,
        );
      }
      attempts += 1;
      const reply = await limiterFor(name)(() => {
        request.signal?.throwIfAborted();
        return provider.complete({
          model,
          system,
          prompt,
          schemaName: request.schemaName,
          jsonSchema: schema.jsonSchema,
          strict: schema.strict,
          temperature,
          maxOutputTokens,
          signal: request.signal,
        });
      });
      usage.input_tokens += reply.usage.input_tokens;
      usage.output_tokens += reply.usage.output_tokens;
      return reply;
    };

    const finish = (outcome: CallOutcome, replyModel: string) => {
      const duration_ms = Date.now() - started;
      report({
        provider: name,
        model: replyModel,
        schema: request.schemaName,
        engine: 'llm',
        outcome,
        attempts,
        ...usage,
        duration_ms,
      });
      return duration_ms;
    };

    const success = (data: T, duration_ms: number): LlmSuccess<T> => ({
      data,
      engine: 'llm',
      provider: name,
      model,
      usage: { ...usage },
      duration_ms,
      attempts,
      ...(contextReport ? { context: contextReport } : {}),
    });

    try {
      const first = await call(undefined);
      const v1 = validate(request.schema, first.raw, schema.wrapped);
      if (v1.ok) {
        const duration_ms = finish('ok', model);
        return success(v1.data, duration_ms);
      }
      const repair = renderPrompt('repair', {
        error: v1.error,
        previous_reply: first.raw.slice(0, MAX_REPAIR_ECHO_CHARS),
        schema_name: request.schemaName,
      });
      const second = await call(repair);
      const v2 = validate(request.schema, second.raw, schema.wrapped);
      if (v2.ok) {
        const duration_ms = finish('repaired', model);
        return success(v2.data, duration_ms);
      }
      finish('invalid_output', model);
      throw new LlmOutputError(request.schemaName, name, model, scrub(v2.error).slice(0, MAX_ISSUE_CHARS));
    } catch (err) {
      if (err instanceof LlmOutputError) throw err;
      if (err instanceof LlmError && err.code !== 'llm_prompt_too_large') throw err;
      const c =
        err instanceof LlmError
          ? { kind: 'other' as const, status: undefined, message: err.message }
          : classifySdkError(err, secrets, request.signal);
      if (c.kind === 'aborted') throw err;
      const what = c.status !== undefined ? `HTTP ${c.status}` : c.kind;
      const reason = `${name} (${model}) failed: ${what}: ${c.message}`;
      deps.log.warn({ component: 'llm', provider: name, model, schema: request.schemaName }, scrub(reason));
      if (request.fallback)
        return useRules(request, reason, started, { provider: name, model, usage, attempts });
      finish('error', model);
      if (err instanceof LlmError) throw err;
      throw new LlmProviderError(name, c.status, `LLM call for "${request.schemaName}" failed: ${reason}`);
    }
  }

  function listModels(): ModelsListing {
    return {
      default_provider: config.defaultProvider,
      fallback_engine: 'rules',
      providers: PROVIDER_NAMES.map((name) => {
        const p = config.providers[name];
        const model = p?.model ?? '';
        const limits = resolveLimits(config, name, model);
        return {
          provider: name,
          model,
          configured: configured(name),
          default: config.defaultProvider === name,
          max_tokens: limits.maxTokens,
          context_window: limits.contextWindow,
          structured_output: p?.structuredMode ?? defaultStructuredMode(name),
        };
      }),
    };
  }

  return {
    generate,
    listModels,
    metrics,
    isConfigured(provider?: string) {
      const p = provider?.trim().toLowerCase();
      if (p === 'none' || p === 'rules') return false;
      if (p) return configured(parseProviderName(p));
      return config.defaultProvider !== 'none' && configured(config.defaultProvider);
    },
  };
}

function safeCount(count: CountTokens, text: string): number {
  try {
    return count(text);
  } catch {
    // Same fallback as the budget: about 3.5 characters per token, rounded toward safety.
    return Math.ceil(text.length / 3);
  }
}

function validate<T>(
  schema: ZodType<T>,
  raw: string,
  wrapped: boolean,
): { ok: true; data: T } | { ok: false; error: string } {
  const parsed = parseJsonReply(raw);
  if (!parsed.ok) return parsed;
  let value = parsed.value;
  if (wrapped && value && typeof value === 'object' && 'result' in value)
    value = (value as { result: unknown }).result;
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, data: result.data };
  return { ok: false, error: `it does not match the schema: ${z.prettifyError(result.error)}` };
}
