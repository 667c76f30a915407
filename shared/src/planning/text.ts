/**
 * Small text helpers shared by the planning rules: tokenising, light stemming, word forms.
 * Deliberately dictionary-free so that the engine works on any project's vocabulary.
 */

export const STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'a an the and or but if then else when while of to in on at by for with without from into onto over under ' +
    'as is are was were be been being am do does did done has have had having can could should would will shall ' +
    'may might must not no nor so such than that this these those there here it its they them their theirs we ' +
    'us our ours you your yours he him his she her hers i me my mine who whom whose which what where why how ' +
    'all any each every some many much more most few other another same own only just also very too again ' +
    'able about above after before below between both during through until up down out off via per once ' +
    'want wants need needs like get gets got let lets make makes etc e g ie eg'
  ).split(' '),
);

const WORD_RE = /[a-z0-9]+/g;

/** Lower-case alphanumeric words, in order. */
export function words(text: string): string[] {
  return text.toLowerCase().match(WORD_RE) ?? [];
}

const stemCache = new Map<string, string>();

/**
 * A light suffix stripper: enough to make "invoices", "invoice" and "invoiced" meet, without the
 * over-reach of a full Porter stemmer on product nouns.
 */
export function stem(word: string): string {
  const cached = stemCache.get(word);
  if (cached !== undefined) return cached;
  let w = word;
  if (w.length > 4) {
    if (w.endsWith('ies')) w = `${w.slice(0, -3)}y`;
    else if (w.endsWith('ing') && w.length > 5) w = w.slice(0, -3);
    else if (w.endsWith('ed') && w.length > 4) w = w.slice(0, -2);
    else if (w.endsWith('es') && !w.endsWith('ses')) w = w.slice(0, -2);
    else if (w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us') && !w.endsWith('is'))
      w = w.slice(0, -1);
  } else if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us')) {
    w = w.slice(0, -1);
  }
  if (w.length > 3 && w.endsWith('e')) w = w.slice(0, -1);
  if (stemCache.size < 50_000) stemCache.set(word, w);
  return w;
}

/** Stemmed words without stop words: the units compared by similarity and coverage checks. */
export function contentTokens(text: string): string[] {
  const out: string[] = [];
  for (const w of words(text)) {
    if (w.length < 2 || STOP_WORDS.has(w)) continue;
    out.push(stem(w));
  }
  return out;
}

/** Share of `needle`'s tokens found in `hay` (0 when needle is empty). */
export function containment(needle: readonly string[], hay: ReadonlySet<string>): number {
  if (needle.length === 0) return 0;
  const uniq = new Set(needle);
  let hit = 0;
  for (const t of uniq) if (hay.has(t)) hit++;
  return hit / uniq.size;
}

export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let inter = 0;
  const [small, big] = a.size <= b.size ? [a, b] : [b, a];
  for (const t of small) if (big.has(t)) inter++;
  return inter / (a.size + b.size - inter);
}

const IRREGULAR_PLURALS: Record<string, string> = {
  people: 'person',
  children: 'child',
  men: 'man',
  women: 'woman',
  data: 'data',
  criteria: 'criterion',
  analyses: 'analysis',
  statuses: 'status',
  addresses: 'address',
  indices: 'index',
};

/** Singular form of an English noun (regular rules plus the irregulars common in tickets). */
export function singularize(word: string): string {
  const w = word.toLowerCase();
  const irregular = IRREGULAR_PLURALS[w];
  if (irregular) return irregular;
  if (w.length <= 3) return w;
  if (w.endsWith('ies')) return `${w.slice(0, -3)}y`;
  if (/(ss|x|ch|sh|zz)es$/.test(w)) return w.slice(0, -2);
  if (w.endsWith('ss') || w.endsWith('us') || w.endsWith('is')) return w;
  if (w.endsWith('s')) return w.slice(0, -1);
  return w;
}

export function pluralize(word: string): string {
  const w = lowerKeepAcronyms(word);
  if (w === 'person') return 'people';
  if (w === 'data' || w === 'information' || w === 'analytics' || w === 'feedback') return w;
  if (/[^aeiou]y$/.test(w)) return `${w.slice(0, -1)}ies`;
  if (/(s|x|ch|sh|z)$/.test(w)) return `${w}es`;
  return `${w}s`;
}

export function capitalize(text: string): string {
  return text.length === 0 ? text : text[0]!.toUpperCase() + text.slice(1);
}

export function lowerFirst(text: string): string {
  if (text.length === 0) return text;
  // Keep acronyms ("API", "PDF") as they are.
  if (text.length > 1 && text[1] === text[1]!.toUpperCase() && /[A-Z]/.test(text[1]!)) return text;
  return text[0]!.toLowerCase() + text.slice(1);
}

/** Lower case, except acronyms: "IT admin" stays "IT admin", "Store Manager" becomes "store manager". */
export function lowerKeepAcronyms(text: string): string {
  return text
    .split(/(\s+)/)
    .map((w) => (/^[A-Z]{2,}$/.test(w) ? w : w.toLowerCase()))
    .join('');
}

/** Cut at a word boundary and mark the cut. */
export function truncate(text: string, max: number): string {
  const t = text.replace(/\s+/g, ' ').trim();
  if (t.length <= max) return t;
  const cut = t.slice(0, max - 1);
  const at = cut.lastIndexOf(' ');
  return `${(at > max * 0.6 ? cut.slice(0, at) : cut).replace(/[\s,;:.-]+$/, '')}…`;
}

/** "a, b and c" */
export function joinList(items: readonly string[], conjunction = 'and'): string {
  if (items.length === 0) return '';
  if (items.length === 1) return items[0]!;
  return `${items.slice(0, -1).join(', ')} ${conjunction} ${items[items.length - 1]}`;
}

export function kebab(text: string): string {
  return words(text).join('-');
}

export function uniq<T>(items: Iterable<T>): T[] {
  return [...new Set(items)];
}

/** Sentence-ish pieces of free text, trimmed, without list markers. */
export function splitSentences(text: string): string[] {
  return text
    .split(/\n+|(?<=[.!?])\s+(?=[A-Z])/)
    .map((s) => stripListMarker(s).trim())
    .filter((s) => s.length > 0);
}

export function stripListMarker(line: string): string {
  return line.replace(/^\s*(?:[-*•+]|\d+[.)]|[a-z][.)]|\[[ xX]\])\s+/, '');
}

/** Round to the nearest half day, at least half a day (estimates are never shown finer than that). */
export function roundHalfDay(days: number): number {
  return Math.max(0.5, Math.round(days * 2) / 2);
}

/** "a invoice" -> "an invoice" in generated text ("a user", "a unit price" stay). */
export function fixArticles(text: string): string {
  return text.replace(/\b([Aa]) ([aeiouAEIOU][\w-]*)/g, (m, a: string, word: string) =>
    /^(?:u[sn]i|use|usu|uti|eu|one|once|ur)/i.test(word) ? m : `${a}n ${word}`,
  );
}
