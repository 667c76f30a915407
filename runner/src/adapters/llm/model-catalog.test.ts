import { describe, expect, it } from 'vitest';
import { findModelSpec, MODEL_CATALOG } from './model-catalog.js';

describe('model catalog', () => {
  it('knows the documented limits of the default and common models', () => {
    expect(findModelSpec('openai', 'gpt-4o')).toMatchObject({
      context_window: 128_000,
      max_output_tokens: 16_384,
    });
    expect(findModelSpec('openai', 'gpt-4.1')).toMatchObject({
      context_window: 1_047_576,
      max_output_tokens: 32_768,
    });
    expect(findModelSpec('openai', 'gpt-5-mini')).toMatchObject({
      context_window: 400_000,
      temperature: 'fixed',
    });
    expect(findModelSpec('claude', 'claude-sonnet-4-6')).toMatchObject({ context_window: 1_000_000 });
    expect(findModelSpec('claude', 'claude-haiku-4-5')).toMatchObject({
      context_window: 200_000,
      max_output_tokens: 64_000,
    });
    expect(findModelSpec('gemini', 'gemini-2.5-flash')).toMatchObject({
      context_window: 1_048_576,
      max_output_tokens: 65_536,
    });
    expect(findModelSpec('kimi', 'moonshot-v1-8k')).toMatchObject({
      context_window: 8_192,
      structured_output: 'json_object',
    });
  });

  it('matches dated snapshots of a model but never a longer model name', () => {
    expect(findModelSpec('openai', 'gpt-4o-2024-08-06')?.ids).toContain('gpt-4o');
    expect(findModelSpec('openai', 'gpt-4o-mini')?.ids).toEqual(['gpt-4o-mini']);
    expect(findModelSpec('claude', 'claude-sonnet-4-5-20250929')?.ids).toContain('claude-sonnet-4-5');
    expect(findModelSpec('openai', 'gpt-4o-audio-preview-extra')).toBeUndefined();
    expect(findModelSpec('openai', 'claude-sonnet-4-6')).toBeUndefined();
  });

  it('asks Claude 4.5 and later for JSON outputs and only older models for a forced tool', () => {
    expect(findModelSpec('claude', 'claude-sonnet-5-5')?.structured_output).toBe('json_schema');
    expect(findModelSpec('claude', 'claude-opus-4-1')?.structured_output).toBe('tool');
  });

  it('gives every entry consistent figures and a source', () => {
    for (const spec of MODEL_CATALOG) {
      expect(spec.max_output_tokens, spec.ids[0]).toBeLessThanOrEqual(spec.context_window);
      expect(spec.reasoning_tokens, spec.ids[0]).toBeLessThan(spec.max_output_tokens);
      expect(spec.source, spec.ids[0]).toMatch(/^https:\/\//);
    }
    const ids = MODEL_CATALOG.flatMap((s) => s.ids.map((id) => `${s.provider}:${id}`));
    expect(new Set(ids).size).toBe(ids.length);
  });
});
