import type { UsageRecord } from './types.js';

type Labels = Record<string, string>;

/** Counters for /metrics, kept in memory per process (Prometheus text exposition format). */
export class LlmMetrics {
  private readonly calls = new Map<string, number>();
  private readonly tokens = new Map<string, number>();
  private readonly durationSum = new Map<string, number>();
  private readonly durationCount = new Map<string, number>();

  record(usage: UsageRecord): void {
    const { provider, model } = usage;
    bump(this.calls, { provider, model, outcome: usage.outcome }, 1);
    if (usage.input_tokens) bump(this.tokens, { provider, model, direction: 'input' }, usage.input_tokens);
    if (usage.output_tokens) bump(this.tokens, { provider, model, direction: 'output' }, usage.output_tokens);
    bump(this.durationSum, { provider, model }, usage.duration_ms / 1000);
    bump(this.durationCount, { provider, model }, 1);
  }

  renderPrometheus(): string {
    return [
      ...family(
        'augment_llm_calls_total',
        'counter',
        'LLM generate calls by provider, model and outcome.',
        this.calls,
      ),
      ...family(
        'augment_llm_tokens_total',
        'counter',
        'LLM tokens by provider, model and direction.',
        this.tokens,
      ),
      '# HELP augment_llm_duration_seconds Wall time of LLM generate calls.',
      '# TYPE augment_llm_duration_seconds summary',
      ...samples('augment_llm_duration_seconds_sum', this.durationSum),
      ...samples('augment_llm_duration_seconds_count', this.durationCount),
      '',
    ].join('\n');
  }
}

function bump(map: Map<string, number>, labels: Labels, by: number): void {
  const key = Object.entries(labels)
    .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
    .join(',');
  map.set(key, (map.get(key) ?? 0) + by);
}

function family(name: string, type: string, help: string, map: Map<string, number>): string[] {
  return [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...samples(name, map)];
}

function samples(name: string, map: Map<string, number>): string[] {
  return [...map.entries()].map(([labels, value]) => `${name}{${labels}} ${value}`);
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
