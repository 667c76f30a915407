import { type ZodType, z } from 'zod';

export interface StructuredSchema {
  /** JSON Schema with an object root, as providers require. */
  jsonSchema: Record<string, unknown>;
  /** The root had to be wrapped as `{ result: ... }`; unwrap replies before validating. */
  wrapped: boolean;
  /** Every object lists all its properties as required and forbids others (OpenAI's strict subset). */
  strict: boolean;
}

type Json = Record<string, unknown>;

/**
 * Converts a zod schema into the JSON Schema sent to providers. Built with `z.toJSONSchema` rather
 * than openai's `zodResponseFormat`, which rejects `.optional()` fields; schemas outside the strict
 * subset are sent non-strict and still validated by zod on receipt.
 */
export function toStructuredSchema(schema: ZodType): StructuredSchema {
  // 'input': the model produces what the schema parses, so defaults make a field optional.
  const raw = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Json;
  delete raw.$schema;
  const wrapped = raw.type !== 'object';
  const jsonSchema: Json = wrapped
    ? { type: 'object', properties: { result: raw }, required: ['result'], additionalProperties: false }
    : raw;
  const strict = closeObjects(jsonSchema);
  return { jsonSchema, wrapped, strict };
}

const TYPED = ['type', 'anyOf', 'oneOf', 'allOf', 'enum', 'const', '$ref'];

/**
 * Closes plain objects (zod strips unknown keys anyway, so telling the model "no other keys" loses
 * nothing) and reports whether the result fits OpenAI's strict subset: every property required,
 * no open objects, no untyped nodes.
 */
function closeObjects(node: unknown): boolean {
  if (Array.isArray(node)) return node.map(closeObjects).every(Boolean);
  if (!node || typeof node !== 'object') return true;
  const n = node as Json;
  let strict = true;
  if (n.properties && typeof n.properties === 'object') {
    if (n.additionalProperties === undefined) n.additionalProperties = false;
    const required = new Set((n.required as string[] | undefined) ?? []);
    if (n.additionalProperties !== false) strict = false;
    if (!Object.keys(n.properties).every((p) => required.has(p))) strict = false;
  } else if (n.type === 'object') {
    strict = false;
  }
  for (const key of ['properties', '$defs', 'definitions']) {
    const children = n[key];
    if (children && typeof children === 'object') {
      for (const child of Object.values(children)) {
        if (!isTyped(child)) strict = false;
        if (!closeObjects(child)) strict = false;
      }
    }
  }
  for (const key of ['items', 'anyOf', 'oneOf', 'allOf', 'prefixItems', 'additionalProperties']) {
    const child = n[key];
    if (child && typeof child === 'object' && !closeObjects(child)) strict = false;
    if (key === 'items' && child && typeof child === 'object' && !Array.isArray(child) && !isTyped(child)) {
      strict = false;
    }
  }
  return strict;
}

function isTyped(node: unknown): boolean {
  return !!node && typeof node === 'object' && TYPED.some((k) => k in (node as Json));
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
