/**
 * Path rules of the Draft PR policy (allow/deny/protected paths), with .gitignore semantics through the
 * `ignore` package (the matcher of eslint and many others), so a rule means what it means in a
 * .gitignore: a pattern without `/` matches at any depth (`*.pem`, `secrets`), a leading `/` anchors at the
 * repository root, a trailing `/` matches directories only, `*` and `?` stay within a path segment, `**`
 * crosses segments, `[abc]`/`[!abc]` are character classes, and a pattern that matches a directory covers
 * everything below it (`db/migrations` covers `db/migrations/001.sql`, `infra/*` covers `infra/a/b.tf`).
 * Dot files are matched like any other (`secrets/*` catches `secrets/.env`). Matching is case-sensitive,
 * like git's paths.
 *
 * Each rule is one pattern, not a line of a .gitignore file: a leading `#` or `!` is literal (not a comment,
 * not a negation), and `{a,b}` alternatives are expanded, as the policy syntax has always allowed.
 */
import ignore, { type Ignore } from 'ignore';

const cache = new Map<string, Ignore>();
const MAX_ALTERNATIVES = 64;

/** `{a,b}` alternatives expanded (several groups multiply; at most MAX_ALTERNATIVES patterns). */
function expandBraces(pattern: string): string[] {
  let out = [pattern];
  for (;;) {
    const next: string[] = [];
    let expanded = false;
    for (const p of out) {
      const m = /\{([^{}]*)\}/.exec(p);
      if (!m) {
        next.push(p);
        continue;
      }
      expanded = true;
      for (const alt of m[1]!.split(','))
        next.push(p.slice(0, m.index) + alt + p.slice(m.index + m[0].length));
    }
    if (!expanded || next.length > MAX_ALTERNATIVES) return out;
    out = next;
  }
}

/** A one-pattern matcher (cached): `#` and `!` at the start are literal characters here. */
function matcherOf(pattern: string): Ignore {
  const hit = cache.get(pattern);
  if (hit) return hit;
  const rules = expandBraces(pattern.trim()).map((p) => (/^[#!]/.test(p) ? `\\${p}` : p));
  const matcher = ignore({ ignorecase: false }).add(rules);
  if (cache.size > 1000) cache.clear();
  cache.set(pattern, matcher);
  return matcher;
}

/** A repository-relative path as `ignore` expects it (no leading `./` or `/`), or null for none. */
function repoRelative(path: string): string | null {
  const p = path.replace(/^(?:\.\/|\/)+/, '');
  return p === '' || p === '.' || p.startsWith('../') || p === '..' ? null : p;
}

/** True when the repository-relative `path` is covered by the pattern. */
export function matchGlob(path: string, pattern: string): boolean {
  const p = repoRelative(path);
  return p !== null && matcherOf(pattern).ignores(p);
}

/** True when `path` is covered by at least one of `patterns`. */
export function matchAnyGlob(path: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => matchGlob(path, p));
}
