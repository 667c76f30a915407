import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseJsonReply, toStructuredSchema } from './json-schema.js';

describe('toStructuredSchema', () => {
  it('marks a fully required schema strict and closes its objects', () => {
    const s = toStructuredSchema(z.object({ a: z.string(), b: z.array(z.object({ c: z.number() })) }));
    expect(s.strict).toBe(true);
    expect(s.wrapped).toBe(false);
    expect(s.jsonSchema.additionalProperties).toBe(false);
    expect(s.jsonSchema.$schema).toBeUndefined();
  });

  it('sends schemas with optional or defaulted fields non-strict', () => {
    expect(toStructuredSchema(z.object({ a: z.string().optional() })).strict).toBe(false);
    expect(toStructuredSchema(z.object({ a: z.string().default('x') })).strict).toBe(false);
    expect(toStructuredSchema(z.object({ a: z.record(z.string(), z.number()) })).strict).toBe(false);
  });

  it('wraps a non-object root as { result }', () => {
    const s = toStructuredSchema(z.array(z.string()));
    expect(s.wrapped).toBe(true);
    expect(s.jsonSchema).toMatchObject({ type: 'object', required: ['result'] });
  });
});

describe('parseJsonReply', () => {
  it('reads plain JSON, fenced JSON and JSON surrounded by prose', () => {
    expect(parseJsonReply('{"a":1}')).toEqual({ ok: true, value: { a: 1 } });
    expect(parseJsonReply('```json\n{"a":2}\n```')).toEqual({ ok: true, value: { a: 2 } });
    expect(parseJsonReply('Here you go: {"a":3} hope it helps')).toEqual({ ok: true, value: { a: 3 } });
  });

  it('reports invalid and empty replies', () => {
    expect(parseJsonReply('{a: 1')).toMatchObject({
      ok: false,
      error: expect.stringContaining('not valid JSON'),
    });
    expect(parseJsonReply('  ')).toMatchObject({ ok: false, error: expect.stringContaining('empty') });
  });
});
