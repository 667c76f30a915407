/**
 * A scripted stand-in model for the four providers, on one local server, answering in each provider's
 * wire format through the real SDKs' endpoints:
 *
 * | provider | path                                          | wire                                  |
 * |----------|-----------------------------------------------|---------------------------------------|
 * | openai   | /openai/v1/chat/completions, /openai/v1/responses | OpenAI chat completions / Responses |
 * | claude   | /anthropic/v1/messages                        | Anthropic Messages                    |
 * | gemini   | /gemini/v1beta/openai/chat/completions        | Gemini's OpenAI-compatible endpoint   |
 * | kimi     | /kimi/v1/chat/completions                     | Moonshot's OpenAI-compatible endpoint |
 *
 * Every call is recorded in a normalised form (system, user prompt, schema, cap, tokens) so tests can
 * assert what each call carries. Like the real services, the stand-in refuses a request that would not
 * fit the model (prompt + max tokens over the context window, max tokens over the model's maximum), a
 * schema outside the provider's structured-output subset, or a parameter the model does not take; and
 * it cuts an answer longer than the request's cap (finish_reason "length"). Its rules are written here,
 * from the vendors' documentation, independently of the runner's own (schema-dialects.ts).
 */
import { countTokens, decode, encode } from 'gpt-tokenizer';
import { messages } from './anthropic-stub.js';
import { chatCompletions, responses } from './openai-stub.js';
import { type RecordedRequest, type RouteHandler, type StubReply, startStubServer } from './stub-server.js';

export type StandInProvider = 'openai' | 'claude' | 'gemini' | 'kimi';
export type Wire = 'openai-chat' | 'openai-responses' | 'anthropic' | 'gemini' | 'kimi';

export interface ModelLimits {
  context_window: number;
  max_output_tokens: number;
  /** The model refuses a temperature (reasoning models). */
  no_temperature?: boolean;
  /** The model refuses a forced tool call (Claude Sonnet 5.5). */
  no_forced_tool?: boolean;
}

/** A call as the stand-in read it. */
export interface StandInCall {
  wire: Wire;
  provider: StandInProvider;
  model: string;
  /** From the schema name the runner states in its system prompt. */
  schemaName: string | undefined;
  system: string;
  user: string;
  /** The JSON schema sent beside the prompt (absent in JSON mode). */
  schema: Record<string, unknown> | undefined;
  strict: boolean | undefined;
  mode: 'json_schema' | 'json_object' | 'tool' | 'output_config';
  maxOutputTokens: number;
  temperature: number | undefined;
  /** o200k tokens of everything the model reads (system, prompt, schema). */
  promptTokens: number;
  /** What the stand-in answered: the answer's tokens and whether it was cut at the cap. */
  answerTokens: number;
  truncated: boolean;
  /** Why the stand-in refused the call, like the real API would (HTTP 400). */
  refused?: string;
  request: RecordedRequest;
}

export type StandInScript = (call: StandInCall) => { json: unknown } | StubReply;

export interface ModelStandIn {
  url: string;
  /** Base URLs for the runner's provider settings. */
  baseUrls: Record<StandInProvider, string>;
  calls: StandInCall[];
  /** Replaces the answers. */
  script(fn: StandInScript): void;
  reset(): void;
  close(): Promise<void>;
}

/** Documented limits of the models the tests use (the stand-in's own table). */
export const STAND_IN_MODELS: Record<string, ModelLimits> = {
  'gpt-4o': { context_window: 128_000, max_output_tokens: 16_384 },
  'gpt-4o-mini': { context_window: 128_000, max_output_tokens: 16_384 },
  'gpt-4.1': { context_window: 1_047_576, max_output_tokens: 32_768 },
  'gpt-5-mini': { context_window: 400_000, max_output_tokens: 128_000, no_temperature: true },
  'o3-pro': { context_window: 200_000, max_output_tokens: 100_000, no_temperature: true },
  'gpt-3.5-turbo': { context_window: 16_385, max_output_tokens: 4_096 },
  'claude-sonnet-4-6': { context_window: 1_000_000, max_output_tokens: 128_000 },
  'claude-sonnet-5-5': { context_window: 1_000_000, max_output_tokens: 128_000, no_forced_tool: true },
  'claude-opus-4-1': { context_window: 200_000, max_output_tokens: 32_000 },
  'gemini-2.5-flash': { context_window: 1_048_576, max_output_tokens: 65_536 },
  'gemini-2.0-flash': { context_window: 1_048_576, max_output_tokens: 8_192 },
  'moonshot-v1-8k': { context_window: 8_192, max_output_tokens: 8_192 },
  'moonshot-v1-128k': { context_window: 131_072, max_output_tokens: 131_072 },
};

// --- structured-output subsets, as each vendor documents them ---------------------------------------

/** Keywords OpenAI strict mode refuses (https://platform.openai.com/docs/guides/structured-outputs). */
const OPENAI_STRICT_REFUSES = [
  'minLength',
  'maxLength',
  'patternProperties',
  'unevaluatedProperties',
  'propertyNames',
  'minProperties',
  'maxProperties',
  'uniqueItems',
  'contains',
  'minContains',
  'maxContains',
  'allOf',
  'oneOf',
  'not',
  'if',
  'then',
  'else',
  'default',
];
/** Keywords Claude's JSON outputs refuse (numeric and string constraints, array bounds beyond minItems 0/1). */
const ANTHROPIC_REFUSES = [
  'minLength',
  'maxLength',
  'pattern',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'maxItems',
  'uniqueItems',
];
/** Keywords Gemini's structured output ignores (not refused: the limit silently does not apply). */
const GEMINI_IGNORES = [
  'minLength',
  'maxLength',
  'pattern',
  'additionalProperties',
  'exclusiveMinimum',
  'multipleOf',
];

type Json = Record<string, unknown>;

function walk(node: unknown, visit: (n: Json, path: string) => void, path = '$'): void {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const [i, n] of node.entries()) walk(n, visit, `${path}[${i}]`);
    return;
  }
  const n = node as Json;
  visit(n, path);
  for (const [k, v] of Object.entries(n)) {
    if (k === 'properties' && v && typeof v === 'object') {
      for (const [p, child] of Object.entries(v as Json)) walk(child, visit, `${path}.${p}`);
    } else if (['items', 'anyOf', 'allOf', 'oneOf', '$defs', 'additionalProperties'].includes(k)) {
      walk(v, visit, `${path}.${k}`);
    }
  }
}

/** Why strict mode would refuse the schema (first reason), or undefined. */
function openaiStrictProblem(schema: Json): string | undefined {
  let problem: string | undefined;
  walk(schema, (n, path) => {
    if (problem) return;
    const bad = OPENAI_STRICT_REFUSES.find((k) => k in n);
    if (bad) problem = `Invalid schema: ${path} uses "${bad}", which is not permitted in strict mode`;
    else if (n.properties) {
      const required = new Set((n.required as string[]) ?? []);
      const missing = Object.keys(n.properties as Json).find((p) => !required.has(p));
      if (missing) problem = `Invalid schema: ${path} property "${missing}" must be required in strict mode`;
      else if (n.additionalProperties !== false)
        problem = `Invalid schema: ${path} must set additionalProperties to false`;
    }
  });
  return problem;
}

function anthropicProblem(schema: Json): string | undefined {
  let problem: string | undefined;
  walk(schema, (n, path) => {
    if (problem) return;
    const bad = ANTHROPIC_REFUSES.find((k) => k in n);
    if (bad) problem = `output_config.format.schema: ${path} uses unsupported "${bad}"`;
    else if (typeof n.minItems === 'number' && n.minItems > 1)
      problem = `output_config.format.schema: ${path} minItems must be 0 or 1`;
    else if (n.properties && n.additionalProperties !== false)
      problem = `output_config.format.schema: ${path} objects must set additionalProperties to false`;
  });
  return problem;
}

function geminiIgnored(schema: Json): string[] {
  const out = new Set<string>();
  walk(schema, (n) => {
    for (const k of GEMINI_IGNORES) if (k in n) out.add(k);
  });
  return [...out];
}

// --- reading each wire --------------------------------------------------------------------------------

const text = (v: unknown): string =>
  typeof v === 'string'
    ? v
    : Array.isArray(v)
      ? v.map((p) => (typeof p === 'string' ? p : ((p as { text?: string }).text ?? ''))).join('')
      : '';

function readCall(
  wire: Wire,
  provider: StandInProvider,
  r: RecordedRequest,
): Omit<StandInCall, 'answerTokens' | 'truncated'> {
  const b = r.body ?? {};
  let system = '';
  let user = '';
  let schema: Json | undefined;
  let strict: boolean | undefined;
  let mode: StandInCall['mode'] = 'json_object';
  let maxOutputTokens = 0;
  if (wire === 'anthropic') {
    system = text(b.system);
    user = (b.messages ?? []).map((m: { content: unknown }) => text(m.content)).join('\n');
    maxOutputTokens = b.max_tokens;
    if (b.output_config?.format) {
      mode = 'output_config';
      schema = b.output_config.format.schema;
    } else if (b.tools?.length) {
      mode = 'tool';
      schema = b.tools[0].input_schema;
    }
  } else if (wire === 'openai-responses') {
    system = text(b.instructions);
    user = text(b.input);
    maxOutputTokens = b.max_output_tokens;
    const f = b.text?.format;
    if (f?.type === 'json_schema') {
      mode = 'json_schema';
      schema = f.schema;
      strict = f.strict;
    }
  } else {
    const msgs = (b.messages ?? []) as { role: string; content: unknown }[];
    system = msgs
      .filter((m) => m.role === 'system')
      .map((m) => text(m.content))
      .join('\n');
    user = msgs
      .filter((m) => m.role === 'user')
      .map((m) => text(m.content))
      .join('\n');
    maxOutputTokens = b.max_completion_tokens ?? b.max_tokens;
    const f = b.response_format;
    if (f?.type === 'json_schema') {
      mode = 'json_schema';
      schema = f.json_schema?.schema;
      strict = f.json_schema?.strict;
    }
  }
  const schemaName = /output schema "([^"]+)"/.exec(system)?.[1];
  const promptTokens =
    countTokens(system) + countTokens(user) + (schema ? countTokens(JSON.stringify(schema)) : 0);
  return {
    wire,
    provider,
    model: String(b.model ?? ''),
    schemaName,
    system,
    user,
    schema,
    strict,
    mode,
    maxOutputTokens: Number(maxOutputTokens ?? 0),
    temperature: typeof b.temperature === 'number' ? b.temperature : undefined,
    promptTokens,
    request: r,
  };
}

/** Why the real service would refuse the call, or undefined. */
function refusal(call: Omit<StandInCall, 'answerTokens' | 'truncated'>): string | undefined {
  const limits = STAND_IN_MODELS[call.model];
  if (!limits) return `The model "${call.model}" does not exist`;
  if (!call.maxOutputTokens || call.maxOutputTokens > limits.max_output_tokens)
    return `max_tokens: ${call.maxOutputTokens} > ${limits.max_output_tokens}, the maximum allowed for ${call.model}`;
  if (call.promptTokens + call.maxOutputTokens > limits.context_window)
    return `This model's maximum context length is ${limits.context_window} tokens; you requested ${call.promptTokens + call.maxOutputTokens} (${call.promptTokens} in the messages, ${call.maxOutputTokens} in the completion)`;
  if (call.temperature !== undefined && limits.no_temperature)
    return `Unsupported value: 'temperature' does not support ${call.temperature} with this model`;
  if (call.provider === 'kimi' && call.temperature !== undefined && call.temperature > 1)
    return 'temperature must be within [0, 1]';
  if (call.provider === 'kimi' && call.mode !== 'json_object')
    return 'response_format: only json_object is supported';
  if (call.mode === 'tool' && limits.no_forced_tool) return 'Forced tool use is not supported by this model';
  if (call.provider === 'openai' && call.schema && call.strict) return openaiStrictProblem(call.schema);
  if (call.provider === 'claude' && call.mode === 'output_config' && call.schema)
    return anthropicProblem(call.schema);
  return undefined;
}

/** The answer cut at `cap` tokens, like a model that ran out of room. */
function cut(answer: string, cap: number): string {
  return decode(encode(answer).slice(0, cap));
}

export async function startModelStandIn(script: StandInScript): Promise<ModelStandIn> {
  const calls: StandInCall[] = [];
  let current = script;
  const pending = new WeakMap<RecordedRequest, StandInCall>();

  const route = (wire: Wire, provider: StandInProvider, handler: RouteHandler): RouteHandler => {
    return (request, res, next) => {
      const base = readCall(wire, provider, request);
      const refused = refusal(base);
      const call: StandInCall = {
        ...base,
        answerTokens: 0,
        truncated: false,
        ...(refused ? { refused } : {}),
      };
      calls.push(call);
      pending.set(request, call);
      return handler(request, res, next);
    };
  };

  const server = await startStubServer(
    (method, path) => {
      if (method !== 'POST') return undefined;
      if (path === '/openai/v1/chat/completions') return route('openai-chat', 'openai', chatCompletions);
      if (path === '/openai/v1/responses') return route('openai-responses', 'openai', responses);
      if (path === '/anthropic/v1/messages') return route('anthropic', 'claude', messages);
      if (path === '/gemini/v1beta/openai/chat/completions')
        return route('gemini', 'gemini', chatCompletions);
      if (path === '/kimi/v1/chat/completions') return route('kimi', 'kimi', chatCompletions);
      return undefined;
    },
    (request): StubReply => {
      const call = pending.get(request)!;
      if (call.refused) {
        return {
          status: 400,
          body:
            call.wire === 'anthropic'
              ? { type: 'error', error: { type: 'invalid_request_error', message: call.refused } }
              : { error: { message: call.refused, type: 'invalid_request_error', param: null, code: null } },
        };
      }
      const reply = current(call);
      if (!('json' in reply)) return reply;
      const answer = JSON.stringify(reply.json);
      const tokens = countTokens(answer);
      call.answerTokens = tokens;
      const usage = {
        input_tokens: call.promptTokens,
        output_tokens: Math.min(tokens, call.maxOutputTokens),
      };
      if (tokens <= call.maxOutputTokens) return { json: reply.json, usage };
      call.truncated = true;
      return { text: cut(answer, call.maxOutputTokens), usage, finish: 'length' };
    },
  );

  return {
    url: server.url,
    baseUrls: {
      openai: `${server.url}/openai/v1`,
      claude: `${server.url}/anthropic`,
      gemini: `${server.url}/gemini/v1beta/openai/`,
      kimi: `${server.url}/kimi/v1`,
    },
    calls,
    script: (fn) => {
      current = fn;
    },
    reset: () => {
      calls.length = 0;
      current = script;
    },
    close: () => server.close(),
  };
}

/** Gemini's ignored keywords for a call (they are not refused, so tests ask). */
export function ignoredByGemini(call: StandInCall): string[] {
  return call.schema ? geminiIgnored(call.schema) : [];
}
