import { describe, expect, it } from 'vitest';
import { LlmMetrics } from './metrics.js';

const record = {
  provider: 'openai' as const,
  model: 'gpt-5-mini',
  schema: 'story',
  engine: 'llm' as const,
  outcome: 'ok' as const,
  attempts: 1,
  input_tokens: 10,
  output_tokens: 4,
  duration_ms: 1_500,
};

describe('LlmMetrics', () => {
  it('sums calls, tokens and seconds per label set', () => {
    const m = new LlmMetrics();
    m.record(record);
    m.record({ ...record, duration_ms: 500 });
    const text = m.renderPrometheus();
    expect(text).toContain('augment_llm_calls_total{provider="openai",model="gpt-5-mini",outcome="ok"} 2');
    expect(text).toContain(
      'augment_llm_tokens_total{provider="openai",model="gpt-5-mini",direction="output"} 8',
    );
    expect(text).toContain('augment_llm_duration_seconds_sum{provider="openai",model="gpt-5-mini"} 2');
    expect(text).toContain('augment_llm_duration_seconds_count{provider="openai",model="gpt-5-mini"} 2');
  });

  it('counts stories planned by a model with their calls and tokens, so per-story figures are totals over plans', () => {
    const m = new LlmMetrics();
    const story = {
      kind: 'tasks' as const,
      provider: 'openai',
      model: 'gpt-4o',
      input_tokens: 900,
      output_tokens: 300,
    };
    m.recordStory({ ...story, calls: 1 });
    m.recordStory({ ...story, calls: 3 });
    const text = m.renderPrometheus();
    const labels = 'provider="openai",model="gpt-4o",kind="tasks"';
    expect(text).toContain(`augment_llm_story_plans_total{${labels}} 2`);
    expect(text).toContain(`augment_llm_story_calls_total{${labels}} 4`);
    expect(text).toContain(`augment_llm_story_tokens_total{${labels},direction="input"} 1800`);
  });

  it('escapes quotes and backslashes in label values', () => {
    const m = new LlmMetrics();
    m.record({ ...record, model: 'we"ird\\model' });
    expect(m.renderPrometheus()).toContain('model="we\\"ird\\\\model"');
  });

  it('renders only the type headers before any call', () => {
    expect(new LlmMetrics().renderPrometheus()).not.toMatch(/^augment_/m);
  });
});
