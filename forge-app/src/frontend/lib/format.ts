/** Reading runner results whose exact shape may vary by route and version. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The first array found under one of `keys`, looking one level into `result`/`data` wrappers too. */
export function pickArray(value: unknown, keys: readonly string[]): Record<string, unknown>[] | undefined {
  if (!isRecord(value)) return undefined;
  for (const key of keys) {
    const v = value[key];
    if (Array.isArray(v)) return v.map((x) => (isRecord(x) ? x : { value: x }));
  }
  for (const wrapper of ['result', 'data']) {
    if (isRecord(value[wrapper])) return pickArray(value[wrapper], keys);
  }
  return undefined;
}

export function pick(value: unknown, keys: readonly string[]): unknown {
  if (!isRecord(value)) return undefined;
  for (const key of keys) if (value[key] !== undefined && value[key] !== null) return value[key];
  for (const wrapper of ['result', 'data']) {
    if (isRecord(value[wrapper])) return pick(value[wrapper], keys);
  }
  return undefined;
}

export function text(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return v.map(text).filter(Boolean).join(', ');
  if (isRecord(v)) {
    const named = pick(v, ['key', 'summary', 'title', 'name', 'message', 'description']);
    return named === undefined ? JSON.stringify(v) : text(named);
  }
  return String(v);
}

export function firstText(row: Record<string, unknown>, keys: readonly string[]): string {
  for (const key of keys) {
    const t = text(row[key]);
    if (t !== '') return t;
  }
  return '';
}

/** A readable sentence for a job's `error` field, whatever its shape. */
export function errorText(v: unknown): string {
  if (typeof v === 'string' && v.trim()) return v;
  if (isRecord(v)) {
    const message = v.message ?? v.error ?? v.reason;
    if (typeof message === 'string' && message.trim()) return message;
    if (isRecord(message)) return errorText(message);
  }
  return 'The job failed without saying why; see the runner logs.';
}

export function shortHash(hash: string): string {
  return hash.length > 12 ? `${hash.slice(0, 12)}…` : hash;
}

export function json(v: unknown, max = 6000): string {
  const s = JSON.stringify(v, null, 2) ?? String(v);
  return s.length > max ? `${s.slice(0, max)}\n… (${s.length - max} more characters)` : s;
}
