import type { UsageRecord } from './types.js';

type Labels = Record<string, string>;

/** One story's planning by a model: every call it took (splits and repairs included) and their tokens. */
export interface StoryUsage {
  /** 'tasks': a story's tasks (with their tests); 'tests': a story's test cases alone. */
  kind: 'tasks' | 'tests';
  provider: string;
  model: string;
  /** HTTP calls to the model for the story. */
  calls: number;
  input_tokens: number;
  output_tokens: number;
}

/** Counters for /metrics, kept in memory per process (Prometheus text exposition format). */
export class LlmMetrics {
  private readonly calls = new Map<string, number>();
  private readonly tokens = new Map<string, number>();
  private readonly durationSum = new Map<string, number>();
  private readonly durationCount = new Map<string, number>();
  private readonly stories = new Map<string, number>();
  private readonly storyCalls = new Map<string, number>();
  private readonly storyTokens = new Map<string, number>();

  record(usage: UsageRecord): void {
    const { provider, model } = usage;
    bump(this.calls, { provider, model, outcome: usage.outcome }, 1);
    if (usage.input_tokens) bump(this.tokens, { provider, model, direction: 'input' }, usage.input_tokens);
    if (usage.output_tokens) bump(this.tokens, { provider, model, direction: 'output' }, usage.output_tokens);
    bump(this.durationSum, { provider, model }, usage.duration_ms / 1000);
    bump(this.durationCount, { provider, model }, 1);
  }

  /** A story planned by a model: calls and tokens per story are these totals over the story count. */
  recordStory(usage: StoryUsage): void {
    const { provider, model, kind } = usage;
    bump(this.stories, { provider, model, kind }, 1);
    bump(this.storyCalls, { provider, model, kind }, usage.calls);
    bump(this.storyTokens, { provider, model, kind, direction: 'input' }, usage.input_tokens);
    bump(this.storyTokens, { provider, model, kind, direction: 'output' }, usage.output_tokens);
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
      ...family(
        'augment_llm_story_plans_total',
        'counter',
        'Stories planned by a model: kind "tasks" (tasks with their tests) or "tests" (test cases alone).',
        this.stories,
      ),
      ...family(
        'augment_llm_story_calls_total',
        'counter',
        'Model calls made for stories; divided by augment_llm_story_plans_total: calls per story.',
        this.storyCalls,
      ),
      ...family(
        'augment_llm_story_tokens_total',
        'counter',
        'Tokens of the model calls made for stories, by direction; per story over augment_llm_story_plans_total.',
        this.storyTokens,
      ),
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
