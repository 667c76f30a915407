import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { toStructuredSchema } from './json-schema.js';
import { checkDialect, toDialect } from './schema-dialects.js';

const Task = z.object({
  summary: z.string().min(1).max(255).describe('One imperative line.'),
  estimate_days: z.number().positive().max(100),
  steps: z.array(z.string().min(1)).min(2).max(6),
  criterion: z.string().max(4000).nullable(),
});

describe('schema dialects', () => {
  it("moves limits OpenAI's strict mode refuses (string lengths) into the description", () => {
    const s = toStructuredSchema(Task, 'openai_strict');
    const summary = (s.jsonSchema.properties as Record<string, Record<string, unknown>>).summary!;
    expect(summary.minLength).toBeUndefined();
    expect(summary.maxLength).toBeUndefined();
    expect(summary.description).toBe('One imperative line. Not empty. At most 255 characters.');
    expect(s.strict).toBe(true);
    expect(checkDialect(s.jsonSchema, 'openai_strict')).toEqual([]);
    // Limits strict mode accepts stay where they are.
    expect((s.jsonSchema.properties as Record<string, Record<string, unknown>>).steps).toMatchObject({
      minItems: 2,
      maxItems: 6,
    });
  });

  it('keeps only minItems 0 or 1 and no numeric limits for Claude', () => {
    const s = toStructuredSchema(Task, 'anthropic');
    const props = s.jsonSchema.properties as Record<string, Record<string, unknown>>;
    expect(props.steps).toMatchObject({ minItems: 1 });
    expect(props.steps!.maxItems).toBeUndefined();
    expect(props.steps!.description).toBe('At least 2 items. At most 6 items.');
    expect(props.estimate_days!.description).toBe('Greater than 0. At most 100.');
    expect(checkDialect(s.jsonSchema, 'anthropic')).toEqual([]);
  });

  it('drops additionalProperties and string limits for Gemini, keeping array and number bounds', () => {
    const s = toStructuredSchema(Task, 'gemini');
    expect(s.jsonSchema.additionalProperties).toBeUndefined();
    const props = s.jsonSchema.properties as Record<string, Record<string, unknown>>;
    expect(props.estimate_days).toMatchObject({ maximum: 100 });
    expect(props.summary!.maxLength).toBeUndefined();
    expect(checkDialect(s.jsonSchema, 'gemini')).toEqual([]);
  });

  it('reports what a schema breaks in a dialect', () => {
    const raw = { type: 'object', properties: { a: { type: 'string', maxLength: 3 } }, required: [] };
    expect(checkDialect(raw, 'openai_strict')).toEqual(
      expect.arrayContaining([
        '$.a: keyword "maxLength" is not accepted',
        '$: optional properties a',
        '$: object without additionalProperties: false',
      ]),
    );
    expect(toDialect(raw, 'openai_strict').strict).toBe(false);
  });
});
