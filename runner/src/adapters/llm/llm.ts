import pLimit, { type LimitFunction } from 'p-limit';
import type { ZodType } from 'zod';
import { z } from 'zod';
import { redactedCause } from '../../errors.js';
import { scrubSecrets } from '../../logger.js';
import { renderPrompt } from '../../prompts/render-prompt.js';
import { createClaudeProvider } from './claude-provider.js';
import {
  llmSecrets,
  type ModelProfile,
  parseModelName,
  parseProviderName,
  resolveModel,
  tokenMargin,
} from './config.js';
import {
  ANSWER_HEADROOM,
  DEFAULT_EXPECTED_OUTPUT_TOKENS,
  FRAMING_TOKENS,
  fitAdditionalContext,
  outputCapFor,
  promptBudget,
  safetyMargin,
} from './context-budget.js';
import { LlmError, LlmOutputError, LlmProviderError } from './errors.js';
import { parseJsonReply, type StructuredSchema, toStructuredSchema } from './json-schema.js';
import { LlmMetrics } from './metrics.js';
import type { SchemaDialect } from './model-catalog.js';
import { createOpenAiCompatibleProvider } from './openai-compatible-provider.js';
import { classifySdkError, type SdkLogTarget } from './sdk-errors.js';
import { type CountTokens, tokenCounter } from './tokens.js';
import {
  type CallOutcome,
  type CallSizing,
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
  /**
   * How `request` would be sized against its model, without calling it: what the answer may take, what
   * the context may take. Null when the rule-based engine would answer. Planners use it to decide,
   * before any call, whether one answer fits or the work must be split.
   */
  size<T>(request: GenerateRequest<T>): CallSizing | null;
  /** What GET /models shows: providers, default models, whether each is configured. Never keys. */
  listModels(): ModelsListing;
  /** True when `provider` (or the default provider) has an API key. */
  isConfigured(provider?: string): boolean;
  readonly metrics: LlmMetrics;
}

const SCHEMA_NAME = /^[A-Za-z0-9_-]{1,64}$/;
/** Below this the answer could not hold any useful JSON. */
const MIN_OUTPUT_TOKENS = 64;
const MAX_REPAIR_ECHO_CHARS = 4_000;
const MAX_ISSUE_CHARS = 1_000;

interface Route {
  name: ProviderName;
  model: string;
  profile: ModelProfile;
  provider: LlmProvider;
  schema: StructuredSchema;
  /** The system prompt as sent. */
  system: string;
  /** What the prompt budget counts besides the user prompt: the system prompt and a schema sent beside it. */
  budgetSystem: string;
  count: CountTokens;
  temperature: number | undefined;
  expected: number;
  /** max_tokens of a first attempt. */
  cap: number;
  baseTokens: number;
  contextBudget: number;
}

type Routing = { rules: string } | { route: Route };

/** The LLM facade: provider choice, model catalog, budgets, structured output with one repair, rules fallback. */
export function createLlm(config: LlmConfig, deps: LlmDeps): Llm {
  const secrets = llmSecrets(config);
  const metrics = deps.metrics ?? new LlmMetrics();
  const providers = new Map<ProviderName, LlmProvider>();
  const limiters = new Map<ProviderName, LimitFunction>();
  const schemas = new WeakMap<ZodType, Map<string, StructuredSchema>>();
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
    provider =
      name === 'claude' ? createClaudeProvider(options) : createOpenAiCompatibleProvider(name, options);
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

  function structured(schema: ZodType, dialect: SchemaDialect): StructuredSchema {
    let byDialect = schemas.get(schema);
    if (!byDialect) {
      byDialect = new Map();
      schemas.set(schema, byDialect);
    }
    let s = byDialect.get(dialect);
    if (!s) {
      s = toStructuredSchema(schema, dialect);
      byDialect.set(dialect, s);
    }
    return s;
  }

  /** `queuedMs`: how long the call waited for the provider's limiter (logged, not part of the duration). */
  function report(record: UsageRecord, queuedMs = 0): void {
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
        subject: record.subject,
        engine: record.engine,
        outcome: record.outcome,
        attempts: record.attempts,
        input_tokens: record.input_tokens,
        output_tokens: record.output_tokens,
        output_cap: record.output_cap,
        duration_ms: record.duration_ms,
        queued_ms: queuedMs,
      },
      'llm call',
    );
  }

  /** Which provider and model answer `request`, or why the rules do; 400s for bad choices. */
  function routeOf<T>(request: GenerateRequest<T>): Routing {
    if (!SCHEMA_NAME.test(request.schemaName)) {
      throw new Error(`schemaName "${request.schemaName}" must match ${SCHEMA_NAME}`);
    }
    let name: ProviderName;
    const requested = request.provider?.trim().toLowerCase();
    if (requested === 'none' || requested === 'rules')
      return { rules: 'the rule-based engine was requested' };
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
      return { rules: 'no LLM provider is configured' };
    } else if (!configured(config.defaultProvider)) {
      return { rules: `the default LLM provider "${config.defaultProvider}" has no API key` };
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
    const profile = resolveModel(config, name, model);
    const provider = providerFor(name);
    const schema = structured(request.schema, profile.schema_dialect);
    const count = deps.countTokens ?? tokenCounter(tokenMargin(name));
    let system = `${request.system}\n\n${renderPrompt('structured-output', { schema_name: request.schemaName })}`;
    const schemaText = JSON.stringify(schema.jsonSchema);
    if (profile.structured_output === 'json_object') {
      system += `\n\n${renderPrompt('structured-output-schema', { json_schema: schemaText })}`;
    }
    // A schema sent beside the prompt (response_format, output_config, a tool) is billed as input too.
    const budgetSystem = profile.structured_output === 'json_object' ? system : `${system}\n${schemaText}`;
    const wanted = request.temperature ?? config.temperature;
    const temperature =
      profile.temperature === 'fixed' ? undefined : Math.min(Math.max(0, wanted), profile.max_temperature);
    const expected = Math.max(
      MIN_OUTPUT_TOKENS,
      Math.ceil(request.expectedOutputTokens ?? DEFAULT_EXPECTED_OUTPUT_TOKENS),
    );
    const cap = outputCapFor(profile, expected);
    const baseTokens =
      safeCount(count, budgetSystem) +
      safeCount(count, composePrompt(request.prompt, '', undefined)) +
      FRAMING_TOKENS;
    const contextBudget = Math.max(
      0,
      promptBudget(profile.context_window, cap) - baseTokens - safeCount(count, contextWrapper()),
    );
    return {
      route: {
        name,
        model,
        profile,
        provider,
        schema,
        system,
        budgetSystem,
        count,
        temperature,
        expected,
        cap,
        baseTokens,
        contextBudget,
      },
    };
  }

  function sizingOf(r: Route): CallSizing {
    const room =
      Math.min(
        r.profile.max_output_tokens,
        r.profile.context_window - safetyMargin(r.profile.context_window) - r.baseTokens,
      ) - r.profile.reasoning_tokens;
    return {
      provider: r.name,
      model: r.model,
      known: r.profile.known,
      context_window: r.profile.context_window,
      max_output_tokens: r.profile.max_output_tokens,
      expected_output_tokens: r.expected,
      output_cap: r.cap,
      // Headroom is a comfort, not a need: an answer fits when the cap can hold it.
      answer_room_tokens: Math.max(0, Math.floor(room / ANSWER_HEADROOM)),
      base_prompt_tokens: r.baseTokens,
      context_budget_tokens: r.contextBudget,
      temperature: r.temperature ?? null,
      structured_output: r.profile.structured_output,
      schema_dialect: r.profile.schema_dialect,
      strict: r.schema.strict,
      warnings: [...r.profile.warnings],
    };
  }

  async function useRules<T>(
    request: GenerateRequest<T>,
    reason: string,
    started: number,
    tried: { provider: ProviderName | 'none'; model: string | null; usage: TokenUsage; attempts: number },
    queuedMs = 0,
  ): Promise<RulesResult<T>> {
    if (!request.fallback) {
      throw new LlmError(
        503,
        'llm_unavailable',
        `No LLM answer for "${request.schemaName}" (${reason}) and no rule-based engine for it`,
      );
    }
    const data = request.schema.parse(await request.fallback({ reason }));
    const duration_ms = Date.now() - started - queuedMs;
    report(
      {
        provider: tried.provider,
        model: tried.model ?? 'rules',
        schema: request.schemaName,
        engine: 'rules',
        outcome: 'fallback',
        attempts: tried.attempts,
        ...tried.usage,
        duration_ms,
        subject: request.subject,
      },
      queuedMs,
    );
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
    const none = {
      provider: 'none' as const,
      model: null,
      usage: { input_tokens: 0, output_tokens: 0 },
      attempts: 0,
    };
    const routing = routeOf(request);
    if ('rules' in routing) return useRules(request, routing.rules, started, none);
    const r = routing.route;
    const { name, model, profile, count } = r;
    const sizing = sizingOf(r);
    const window = profile.context_window;
    const margin = safetyMargin(window);

    let contextText = '';
    let builderReport: Record<string, unknown> | undefined;
    const source = request.additionalContext;
    if (typeof source === 'function') {
      const built = source({ tokens: r.contextBudget, count: (t) => safeCount(count, t) });
      contextText = built.text;
      builderReport = built.report;
    } else if (source) {
      contextText = source;
    }

    const usage: TokenUsage = { input_tokens: 0, output_tokens: 0 };
    let attempts = 0;
    // Time spent waiting for the per-process limiter (LLM_MAX_CONCURRENCY): not part of duration_ms,
    // which measures the model call(s).
    let queuedMs = 0;
    let contextReport: ContextReport | undefined;
    let firstPromptTokens = 0;

    const call = async (
      repair: string | undefined,
      cap: number,
    ): Promise<{ reply: ProviderReply; maxOutputTokens: number; promptTokens: number }> => {
      const compose = (base: string, context: string) => composePrompt(base, context, repair);
      const fit = fitAdditionalContext({
        system: r.budgetSystem,
        basePrompt: request.prompt,
        additionalContext: contextText,
        limitTokens: window - margin - cap - FRAMING_TOKENS,
        countTokens: count,
        compose,
      });
      if (contextText && !contextReport) {
        contextReport = {
          used_chars: fit.context.length,
          original_chars: contextText.length,
          truncated: fit.truncated,
          method: fit.method,
          budget_tokens: r.contextBudget,
          ...(builderReport ? { builder: builderReport } : {}),
        };
      }
      const prompt = compose(request.prompt, fit.context);
      const promptTokens = safeCount(count, r.budgetSystem) + safeCount(count, prompt) + FRAMING_TOKENS;
      const maxOutputTokens = Math.min(cap, window - margin - promptTokens);
      const floor = request.expectedOutputTokens ? Math.min(r.expected, cap) : MIN_OUTPUT_TOKENS;
      if (maxOutputTokens < floor) {
        throw new LlmError(
          422,
          'llm_prompt_too_large',
          `The prompt for "${request.schemaName}" (~${promptTokens} tokens) leaves no room for an answer of ~${r.expected} tokens in the ${window}-token context of ${model}`,
        );
      }
      attempts += 1;
      const queuedAt = Date.now();
      const reply = await limiterFor(name)(() => {
        queuedMs += Date.now() - queuedAt;
        request.signal?.throwIfAborted();
        return r.provider.complete({
          model,
          system: r.system,
          prompt,
          schemaName: request.schemaName,
          jsonSchema: r.schema.jsonSchema,
          strict: r.schema.strict,
          mode: profile.structured_output,
          api: profile.api,
          temperature: r.temperature,
          maxOutputTokens,
          signal: request.signal,
        });
      });
      usage.input_tokens += reply.usage.input_tokens;
      usage.output_tokens += reply.usage.output_tokens;
      return { reply, maxOutputTokens, promptTokens };
    };

    const finish = (outcome: CallOutcome, replyModel: string) => {
      const duration_ms = Date.now() - started - queuedMs;
      report(
        {
          provider: name,
          model: replyModel,
          schema: request.schemaName,
          engine: 'llm',
          outcome,
          attempts,
          ...usage,
          duration_ms,
          subject: request.subject,
          output_cap: sizing.output_cap,
          expected_output_tokens: r.expected,
        },
        queuedMs,
      );
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
      sizing,
      prompt_tokens: firstPromptTokens,
      ...(contextReport ? { context: contextReport } : {}),
    });

    try {
      const first = await call(undefined, r.cap);
      firstPromptTokens = first.promptTokens;
      const v1 = validate(request.schema, first.reply.raw, r.schema.wrapped);
      if (v1.ok) return success(v1.data, finish('ok', model));
      let second: Awaited<ReturnType<typeof call>>;
      if (first.reply.truncated) {
        // Asking again under the same cap would be cut again: retry once with all the room the model
        // has, or stop here rather than make a call that cannot succeed.
        const room = Math.min(profile.max_output_tokens, window - margin - first.promptTokens);
        if (room <= first.maxOutputTokens) {
          finish('truncated', model);
          throw new LlmOutputError(
            request.schemaName,
            name,
            model,
            `the answer was cut at its ${first.maxOutputTokens}-token cap and the model allows no larger one`,
          );
        }
        second = await call(undefined, room);
      } else {
        const repair = renderPrompt('repair', {
          error: v1.error,
          previous_reply: first.reply.raw.slice(0, MAX_REPAIR_ECHO_CHARS),
          schema_name: request.schemaName,
        });
        second = await call(repair, r.cap);
      }
      const v2 = validate(request.schema, second.reply.raw, r.schema.wrapped);
      if (v2.ok) return success(v2.data, finish('repaired', model));
      finish(second.reply.truncated ? 'truncated' : 'invalid_output', model);
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
        return useRules(request, reason, started, { provider: name, model, usage, attempts }, queuedMs);
      finish('error', model);
      if (err instanceof LlmError) throw err;
      throw new LlmProviderError(
        name,
        c.status,
        `LLM call for "${request.schemaName}" failed: ${reason}`,
        redactedCause(err, scrub),
      );
    }
  }

  function size<T>(request: GenerateRequest<T>): CallSizing | null {
    const routing = routeOf(request);
    return 'rules' in routing ? null : sizingOf(routing.route);
  }

  function listModels(): ModelsListing {
    return {
      default_provider: config.defaultProvider,
      fallback_engine: 'rules',
      providers: PROVIDER_NAMES.map((name) => {
        const p = config.providers[name];
        const model = p?.model ?? '';
        const profile = resolveModel(config, name, model);
        return {
          provider: name,
          model,
          configured: configured(name),
          default: config.defaultProvider === name,
          max_tokens: profile.max_output_tokens,
          context_window: profile.context_window,
          structured_output: profile.structured_output,
          schema_dialect: profile.schema_dialect,
          known: profile.known,
          temperature:
            profile.temperature === 'fixed' ? null : Math.min(config.temperature, profile.max_temperature),
          warnings: profile.warnings,
        };
      }),
    };
  }

  return {
    generate,
    size,
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

/** The fence the additional context travels in (its tags count against the budget). */
function contextWrapper(): string {
  return renderPrompt('additional-context', { additional_context: '' });
}

/** The user prompt: instructions, then the fenced context, then a repair request when there is one. */
function composePrompt(base: string, context: string, repair: string | undefined): string {
  return [
    base,
    context ? renderPrompt('additional-context', { additional_context: context }) : '',
    repair ?? '',
  ]
    .filter(Boolean)
    .join('\n\n');
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
