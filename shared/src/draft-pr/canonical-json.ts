/**
 * Canonical JSON: object keys sorted by UTF-16 code unit order, no whitespace, `undefined` properties
 * dropped. Two structurally equal values always give the same text, which is what the plan hash needs.
 */

/**
 * Serialises a JSON-compatible value canonically (sorted keys, no whitespace).
 * Throws a TypeError on values JSON cannot represent faithfully (non-finite numbers, bigint, functions,
 * symbols, `undefined` at the top level or inside arrays), so a hash never silently covers a lossy form.
 */
export function canonicalJson(value: unknown): string {
  return write(value, '$');
}

function write(value: unknown, at: string): string {
  if (value === null) return 'null';
  if (typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return write((value as { toJSON(): unknown }).toJSON(), at);
  }
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: non-finite number at ${at}`);
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) {
        return `[${value.map((v, i) => write(v, `${at}[${i}]`)).join(',')}]`;
      }
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj)
        .filter((k) => obj[k] !== undefined)
        .sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${write(obj[k], `${at}.${k}`)}`).join(',')}}`;
    }
    default:
      throw new TypeError(`canonicalJson: unsupported ${typeof value} at ${at}`);
  }
}
