import { type ZodType, z } from 'zod';
import type { SchemaDialect } from './model-catalog.js';
import { toDialect } from './schema-dialects.js';

export interface StructuredSchema {
  /** JSON Schema with an object root, in the dialect of the provider's structured-output mode. */
  jsonSchema: Record<string, unknown>;
  /** The root had to be wrapped as `{ result: ... }`; unwrap replies before validating. */
  wrapped: boolean;
  /** The schema meets the dialect's strict rules (OpenAI: every property required, objects closed). */
  strict: boolean;
}

type Json = Record<string, unknown>;

/**
 * Converts a zod schema into the JSON Schema sent to a provider, in that provider's dialect (field
 * descriptions kept, unsupported limits moved into descriptions). Built with `z.toJSONSchema` rather
 * than openai's `zodResponseFormat`, which rejects `.optional()` fields; schemas outside the strict
 * subset are sent non-strict and still validated by zod on receipt.
 */
export function toStructuredSchema(
  schema: ZodType,
  dialect: SchemaDialect = 'openai_strict',
): StructuredSchema {
  // 'input': the model produces what the schema parses, so defaults make a field optional.
  const raw = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Json;
  delete raw.$schema;
  const wrapped = raw.type !== 'object';
  const root: Json = wrapped
    ? { type: 'object', properties: { result: raw }, required: ['result'], additionalProperties: false }
    : raw;
  const { schema: jsonSchema, strict } = toDialect(root, dialect);
  return { jsonSchema, wrapped, strict };
}

/** Parses a model reply into a value: plain JSON, JSON inside a markdown fence, or the outermost {...}. */
export function parseJsonReply(raw: string): { ok: true; value: unknown } | { ok: false; error: string } {
  const text = raw.trim();
  const candidates = [text];
  const fence = /```(?:json)?\s*([\s\S]*?)```/i.exec(text);
  if (fence?.[1]) candidates.push(fence[1].trim());
  const first = text.indexOf('{');
  const last = text.lastIndexOf('}');
  if (first >= 0 && last > first) candidates.push(text.slice(first, last + 1));
  for (const c of candidates) {
    try {
      return { ok: true, value: JSON.parse(c) };
    } catch {
      // try the next shape
    }
  }
  return { ok: false, error: text ? 'the reply is not valid JSON' : 'the reply was empty' };
}
