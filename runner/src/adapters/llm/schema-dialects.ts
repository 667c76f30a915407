/**
 * The JSON Schema subset each structured-output mode accepts, as data, and the conversion of a schema
 * into it. A keyword a dialect does not accept is taken out of the schema and said in the field's
 * description instead ("At most 255 characters."), so the model still reads the limit and zod still
 * enforces it on the answer. `checkDialect` is the independent check the provider tests run.
 */
import type { SchemaDialect } from './model-catalog.js';

type Json = Record<string, unknown>;
type NodeType = 'string' | 'number' | 'integer' | 'array' | 'object' | 'boolean' | 'null';

export interface DialectRules {
  /** Keywords accepted on any node. */
  common: readonly string[];
  /** Keywords accepted on a node of that type. */
  byType: Readonly<Record<NodeType, readonly string[]>>;
  /** String formats the mode knows (others are described instead). */
  formats: readonly string[];
  /** Every property must be listed in `required` (optional fields are nullable instead). */
  allRequired: boolean;
  /** Every object must say `additionalProperties: false`. */
  closedObjects: boolean;
  /** Values minItems may take (Anthropic: 0 or 1 only); undefined = any. */
  minItemsValues?: readonly number[];
  /** The root must be an object (not anyOf). */
  objectRoot: boolean;
  /** Every node must say what it is (type, enum, const, anyOf or $ref): no "any value" nodes. */
  typedNodes: boolean;
  maxDepth?: number;
  maxProperties?: number;
  maxEnumValues?: number;
  /** Anthropic: optional properties and union-typed properties per request. */
  maxOptional?: number;
  maxUnions?: number;
  source: string;
}

const STRUCTURE = ['type', 'description', 'enum', 'anyOf', '$ref', '$defs'];

export const DIALECTS: Readonly<Record<SchemaDialect, DialectRules>> = {
  // https://platform.openai.com/docs/guides/structured-outputs#supported-schemas
  openai_strict: {
    common: [...STRUCTURE, 'const'],
    byType: {
      string: ['pattern', 'format'],
      number: ['multipleOf', 'maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum'],
      integer: ['multipleOf', 'maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum'],
      array: ['items', 'minItems', 'maxItems'],
      object: ['properties', 'required', 'additionalProperties'],
      boolean: [],
      null: [],
    },
    formats: ['date-time', 'time', 'date', 'duration', 'email', 'hostname', 'ipv4', 'ipv6', 'uuid'],
    allRequired: true,
    closedObjects: true,
    objectRoot: true,
    typedNodes: true,
    maxDepth: 10,
    maxProperties: 5000,
    maxEnumValues: 1000,
    source: 'https://platform.openai.com/docs/guides/structured-outputs#supported-schemas',
  },
  // https://platform.claude.com/docs/en/build-with-claude/structured-outputs#json-schema-limitations
  anthropic: {
    common: [...STRUCTURE, 'const', 'allOf'],
    byType: {
      string: ['format'],
      number: [],
      integer: [],
      array: ['items', 'minItems'],
      object: ['properties', 'required', 'additionalProperties'],
      boolean: [],
      null: [],
    },
    formats: ['date-time', 'time', 'date', 'duration', 'email', 'hostname', 'uri', 'ipv4', 'ipv6', 'uuid'],
    allRequired: false,
    closedObjects: true,
    minItemsValues: [0, 1],
    objectRoot: true,
    typedNodes: true,
    maxOptional: 24,
    maxUnions: 16,
    source:
      'https://platform.claude.com/docs/en/build-with-claude/structured-outputs#json-schema-limitations',
  },
  // https://ai.google.dev/gemini-api/docs/structured-output#json-schema (through the OpenAI-compatible
  // endpoint). Unsupported keywords are ignored rather than refused, so a limit left in the schema would
  // silently not apply: it goes to the description like everywhere else.
  gemini: {
    common: [...STRUCTURE, 'title', 'nullable'],
    byType: {
      string: ['format'],
      number: ['minimum', 'maximum'],
      integer: ['minimum', 'maximum'],
      array: ['items', 'minItems', 'maxItems'],
      object: ['properties', 'required', 'propertyOrdering'],
      boolean: [],
      null: [],
    },
    formats: ['date-time', 'date', 'time'],
    allRequired: false,
    closedObjects: false,
    objectRoot: true,
    typedNodes: true,
    source: 'https://ai.google.dev/gemini-api/docs/structured-output#json-schema',
  },
  // JSON mode: the schema travels as text in the prompt, so any keyword may stay.
  prompt: {
    common: [...STRUCTURE, 'const', 'allOf', 'oneOf', 'title', 'default'],
    byType: {
      string: ['pattern', 'format', 'minLength', 'maxLength'],
      number: ['multipleOf', 'maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum'],
      integer: ['multipleOf', 'maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum'],
      array: ['items', 'minItems', 'maxItems', 'uniqueItems'],
      object: ['properties', 'required', 'additionalProperties'],
      boolean: [],
      null: [],
    },
    formats: [],
    allRequired: false,
    closedObjects: false,
    objectRoot: true,
    typedNodes: false,
    source: 'JSON mode: the schema is part of the prompt',
  },
};

// JavaScript's safe-integer bounds that zod writes for .int(): no limit a reader needs to see.
const SAFE = Number.MAX_SAFE_INTEGER;

/** How a removed limit reads in a description. */
const LIMIT_TEXT: Record<string, (v: unknown) => string | null> = {
  minLength: (v) => (v === 1 ? 'Not empty.' : `At least ${v} characters.`),
  maxLength: (v) => `At most ${v} characters.`,
  pattern: (v) => `Matches the pattern ${v}.`,
  format: (v) => `Format: ${v}.`,
  minimum: (v) => (v === -SAFE ? null : `At least ${v}.`),
  maximum: (v) => (v === SAFE ? null : `At most ${v}.`),
  exclusiveMinimum: (v) => `Greater than ${v}.`,
  exclusiveMaximum: (v) => `Less than ${v}.`,
  multipleOf: (v) => `A multiple of ${v}.`,
  minItems: (v) => (v === 0 ? null : `At least ${v} items.`),
  maxItems: (v) => `At most ${v} items.`,
  uniqueItems: (v) => (v ? 'No duplicates.' : null),
  const: (v) => `Always ${JSON.stringify(v)}.`,
  default: () => null,
  title: () => null,
  $schema: () => null,
};

const CHILD_MAPS = ['properties', '$defs', 'definitions'];
const CHILD_NODES = ['items', 'additionalProperties', 'not'];
const CHILD_LISTS = ['anyOf', 'oneOf', 'allOf', 'prefixItems'];

function typesOf(node: Json): NodeType[] {
  const t = node.type;
  if (typeof t === 'string') return [t as NodeType];
  if (Array.isArray(t)) return t.filter((x): x is NodeType => typeof x === 'string') as NodeType[];
  if (node.properties) return ['object'];
  if (node.items) return ['array'];
  return [];
}

function allowedKeys(node: Json, rules: DialectRules): Set<string> {
  const keys = new Set(rules.common);
  for (const t of typesOf(node)) for (const k of rules.byType[t] ?? []) keys.add(k);
  return keys;
}

/**
 * The schema in `dialect`: unsupported keywords moved into descriptions, objects closed where the dialect
 * wants it. `strict` is false when the schema cannot meet the dialect's strict rules (optional fields
 * under OpenAI's all-required rule); such a schema is sent non-strict and zod still checks the answer.
 */
export function toDialect(schema: Json, dialect: SchemaDialect): { schema: Json; strict: boolean } {
  const rules = DIALECTS[dialect];
  let strict = true;
  const visit = (input: unknown): unknown => {
    if (Array.isArray(input)) return input.map(visit);
    if (!input || typeof input !== 'object') return input;
    const node = { ...(input as Json) };
    const allowed = allowedKeys(node, rules);
    const notes: string[] = [];
    for (const key of Object.keys(node)) {
      if (
        key === 'description' ||
        CHILD_MAPS.includes(key) ||
        CHILD_NODES.includes(key) ||
        CHILD_LISTS.includes(key)
      )
        continue;
      const value = node[key];
      let keep = allowed.has(key);
      if (keep && key === 'format' && rules.formats.length > 0 && !rules.formats.includes(String(value)))
        keep = false;
      if (keep && key === 'minItems' && rules.minItemsValues && !rules.minItemsValues.includes(Number(value)))
        keep = false;
      if (keep) continue;
      if (key === 'minItems' && rules.minItemsValues?.includes(1) && Number(value) > 1) {
        // "At least one" is still enforced by the mode; the rest is said.
        node.minItems = 1;
        notes.push(LIMIT_TEXT.minItems!(value)!);
        continue;
      }
      if (key === 'const' && allowed.has('enum')) node.enum = [value];
      else {
        const text = LIMIT_TEXT[key]?.(value);
        if (text) notes.push(text);
      }
      delete node[key];
    }
    for (const key of CHILD_MAPS) {
      const children = node[key];
      if (children && typeof children === 'object' && !Array.isArray(children)) {
        node[key] = Object.fromEntries(Object.entries(children as Json).map(([k, v]) => [k, visit(v)]));
      }
    }
    for (const key of CHILD_NODES)
      if (node[key] && typeof node[key] === 'object') node[key] = visit(node[key]);
    for (const key of CHILD_LISTS)
      if (Array.isArray(node[key])) node[key] = (node[key] as unknown[]).map(visit);
    if (typesOf(node).includes('object') && node.properties) {
      if (rules.closedObjects) node.additionalProperties = false;
      else delete node.additionalProperties;
      const required = new Set((node.required as string[] | undefined) ?? []);
      if (rules.allRequired && !Object.keys(node.properties as Json).every((p) => required.has(p)))
        strict = false;
    } else if (typesOf(node).includes('object') && rules.closedObjects) {
      // An open map (z.record): no strict dialect can describe it.
      strict = false;
    }
    if (notes.length > 0) {
      const before =
        typeof node.description === 'string' && node.description.trim() ? `${node.description.trim()} ` : '';
      node.description = `${before}${notes.join(' ')}`;
    }
    return node;
  };
  const out = visit(schema) as Json;
  if (checkDialect(out, dialect).length > 0) strict = false;
  return { schema: out, strict };
}

/** Why `schema` is outside `dialect` (empty when it is inside). Independent of toDialect's walk. */
export function checkDialect(schema: Json, dialect: SchemaDialect): string[] {
  const rules = DIALECTS[dialect];
  const problems: string[] = [];
  let properties = 0;
  let optional = 0;
  let unions = 0;
  if (rules.objectRoot && (schema.type !== 'object' || 'anyOf' in schema))
    problems.push('the root is not a plain object');
  const walk = (node: unknown, path: string, depth: number) => {
    if (!node || typeof node !== 'object' || Array.isArray(node)) return;
    const n = node as Json;
    if (rules.maxDepth && depth > rules.maxDepth)
      problems.push(`${path}: nested deeper than ${rules.maxDepth}`);
    const allowed = allowedKeys(n, rules);
    if (rules.typedNodes && !['type', 'enum', 'const', 'anyOf', 'allOf', '$ref'].some((k) => k in n))
      problems.push(`${path}: a node without a type`);
    for (const [key, value] of Object.entries(n)) {
      if (CHILD_MAPS.includes(key) || CHILD_NODES.includes(key) || CHILD_LISTS.includes(key)) {
        if (!allowed.has(key) && key !== 'items' && key !== 'properties')
          problems.push(`${path}: keyword "${key}" is not accepted`);
        continue;
      }
      if (!allowed.has(key)) problems.push(`${path}: keyword "${key}" is not accepted`);
      if (key === 'format' && rules.formats.length > 0 && !rules.formats.includes(String(value)))
        problems.push(`${path}: format "${String(value)}" is not accepted`);
      if (key === 'minItems' && rules.minItemsValues && !rules.minItemsValues.includes(Number(value)))
        problems.push(`${path}: minItems ${String(value)} is not accepted`);
      if (key === 'enum' && rules.maxEnumValues && Array.isArray(value) && value.length > rules.maxEnumValues)
        problems.push(`${path}: more than ${rules.maxEnumValues} enum values`);
    }
    if ('anyOf' in n) unions += 1;
    if (n.properties && typeof n.properties === 'object') {
      const names = Object.keys(n.properties as Json);
      properties += names.length;
      const required = new Set((n.required as string[] | undefined) ?? []);
      const missing = names.filter((p) => !required.has(p));
      optional += missing.length;
      if (rules.allRequired && missing.length > 0)
        problems.push(`${path}: optional properties ${missing.join(', ')}`);
      if (rules.closedObjects && n.additionalProperties !== false)
        problems.push(`${path}: object without additionalProperties: false`);
      for (const [k, v] of Object.entries(n.properties as Json)) walk(v, `${path}.${k}`, depth + 1);
    }
    for (const key of ['$defs', 'definitions']) {
      const defs = n[key];
      if (defs && typeof defs === 'object')
        for (const [k, v] of Object.entries(defs as Json)) walk(v, `${path}.${key}.${k}`, depth);
    }
    if (n.items) walk(n.items, `${path}[]`, depth + 1);
    for (const key of CHILD_LISTS) {
      const list = n[key];
      if (Array.isArray(list)) for (const [i, v] of list.entries()) walk(v, `${path}.${key}[${i}]`, depth);
    }
  };
  walk(schema, '$', 1);
  if (rules.maxProperties && properties > rules.maxProperties)
    problems.push(`more than ${rules.maxProperties} properties in all`);
  if (rules.maxOptional !== undefined && optional > rules.maxOptional)
    problems.push(`more than ${rules.maxOptional} optional properties`);
  if (rules.maxUnions !== undefined && unions > rules.maxUnions)
    problems.push(`more than ${rules.maxUnions} union-typed properties`);
  return problems;
}
