import type { Llm, UsageRecord } from '../adapters/llm/index.js';

/** Wraps the shared LLM facade so that one job's calls are recorded on that job. */
export function jobLlm(llm: Llm, usage: UsageRecord[]): Pick<Llm, 'generate' | 'isConfigured' | 'size'> {
  return {
    isConfigured: (provider) => llm.isConfigured(provider),
    size: (request) => llm.size(request),
    async generate(request) {
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
