import { createHash } from 'node:crypto';
import type { GenerateRequest, Llm, LlmResult, UsageRecord } from '../adapters/llm/index.js';

/** One model answer of a job, keyed by its request, so a later job can be given the same answer. */
export interface LlmExchange {
  key: string;
  result: LlmResult<unknown>;
}

/**
 * How a job talks to the model beyond recording usage: `record` collects every answer (a preview keeps
 * them); `replay` answers a request seen before with the recorded answer instead of asking again, so
 * applying a preview rebuilds exactly what was shown.
 */
export interface LlmTranscript {
  record?: LlmExchange[];
  replay?: readonly LlmExchange[];
}

/** The identity of a request: the same prompts to the same provider and model get the same key. */
export function llmRequestKey(request: GenerateRequest<unknown>): string {
  const { schemaName, system, prompt, additionalContext, provider, model, temperature } = request;
  return createHash('sha256')
    .update(JSON.stringify([schemaName, system, prompt, additionalContext, provider, model, temperature]))
    .digest('hex');
}

/** Wraps the shared LLM facade so that one job's calls are recorded on that job. */
export function jobLlm(
  llm: Llm,
  usage: UsageRecord[],
  transcript: LlmTranscript = {},
): Pick<Llm, 'generate' | 'isConfigured' | 'size'> {
  return {
    isConfigured: (provider) => llm.isConfigured(provider),
    size: (request) => llm.size(request),
    async generate<T>(request: GenerateRequest<T>): Promise<LlmResult<T>> {
      const key = transcript.replay || transcript.record ? llmRequestKey(request) : '';
      const replayed = transcript.replay?.find((x) => x.key === key);
      if (replayed) {
        const data = request.schema.safeParse(replayed.result.data);
        if (data.success) {
          transcript.record?.push(replayed);
          return { ...replayed.result, data: data.data } as LlmResult<T>;
        }
      }
      const result = await llm.generate(request);
      usage.push({
        provider: result.provider,
        model: result.model ?? 'rules',
        schema: request.schemaName,
        engine: result.engine,
        outcome: result.engine === 'rules' ? 'fallback' : result.attempts > 1 ? 'repaired' : 'ok',
        attempts: result.engine === 'llm' ? result.attempts : 0,
        input_tokens: result.usage.input_tokens,
        output_tokens: result.usage.output_tokens,
        duration_ms: result.duration_ms,
        ...(request.subject ? { subject: request.subject } : {}),
        ...(result.engine === 'llm' && result.sizing
          ? {
              output_cap: result.sizing.output_cap,
              expected_output_tokens: result.sizing.expected_output_tokens,
            }
          : {}),
      });
      transcript.record?.push({ key, result: result as LlmResult<unknown> });
      return result;
    },
  };
}

/** Adds the job's LLM usage to an object result, so GET /jobs/{id} shows what the job cost. */
export function withUsage(result: unknown, usage: UsageRecord[]): unknown {
  if (usage.length === 0 || result === null || typeof result !== 'object' || Array.isArray(result))
    return result;
  const totals = usage.reduce(
    (t, u) => ({
      input_tokens: t.input_tokens + u.input_tokens,
      output_tokens: t.output_tokens + u.output_tokens,
    }),
    { input_tokens: 0, output_tokens: 0 },
  );
  // Per story: model calls (each attempt, repairs and split calls included) and tokens.
  const byStory: Record<string, { calls: number; input_tokens: number; output_tokens: number }> = {};
  for (const u of usage) {
    if (!u.subject || u.engine !== 'llm') continue;
    const s = byStory[u.subject] ?? { calls: 0, input_tokens: 0, output_tokens: 0 };
    byStory[u.subject] = s;
    s.calls += u.attempts;
    s.input_tokens += u.input_tokens;
    s.output_tokens += u.output_tokens;
  }
  return {
    ...result,
    llm_usage: {
      calls: usage,
      ...totals,
      ...(Object.keys(byStory).length > 0 ? { by_story: byStory } : {}),
    },
  };
}
