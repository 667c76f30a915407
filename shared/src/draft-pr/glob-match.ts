/**
 * A small path glob matcher for policy rules (allow/deny/protected paths).
 * Syntax: `**` any number of path segments, `*` any characters within a segment, `?` one character
 * within a segment, `[abc]`/`[!abc]` character classes, `{a,b}` alternatives (not nested).
 * Like .gitignore: a pattern without `/` matches the file name at any depth (`*.pem`), a leading `/`
 * anchors at the repository root, a trailing `/` matches everything below that directory.
 * Dot files are matched by `*` (a policy that denies `secrets/*` must catch `secrets/.env`).
 */

const cache = new Map<string, RegExp>();

function escapeChar(ch: string): string {
  return /[.+^$(){}|\\[\]*?]/.test(ch) ? `\\${ch}` : ch;
}

function translate(body: string): string {
  let out = '';
  let i = 0;
  while (i < body.length) {
    const ch = body[i]!;
    if (ch === '*') {
      if (body[i + 1] === '*') {
        const atStart = i === 0 || body[i - 1] === '/';
        const after = body[i + 2];
        if (atStart && after === '/') {
          out += '(?:.*/)?';
          i += 3;
          continue;
        }
        if (atStart && after === undefined) {
          out += '.*';
          i += 2;
          continue;
        }
        // `a**b` is not a directory wildcard; treat it as a single-segment star.
        out += '[^/]*';
        i += 2;
        continue;
      }
      out += '[^/]*';
      i += 1;
      continue;
    }
    if (ch === '?') {
      out += '[^/]';
      i += 1;
      continue;
    }
    if (ch === '[') {
      const close = body.indexOf(']', i + 2);
      if (close > i) {
        let cls = body.slice(i + 1, close);
        const negate = cls.startsWith('!') || cls.startsWith('^');
        if (negate) cls = cls.slice(1);
        const inner = cls.replace(/[\\\]^]/g, (c) => `\\${c}`);
        out += negate ? `[^/${inner}]` : `[${inner}]`;
        i = close + 1;
        continue;
      }
      out += '\\[';
      i += 1;
      continue;
    }
    if (ch === '{') {
      const close = body.indexOf('}', i + 1);
      if (close > i) {
        const alts = body.slice(i + 1, close).split(',');
        out += `(?:${alts.map(translate).join('|')})`;
        i = close + 1;
        continue;
      }
    }
    out += escapeChar(ch);
    i += 1;
  }
  return out;
}

/** Compiles a glob to an anchored RegExp over repository-relative paths (cached). */
export function globToRegExp(pattern: string): RegExp {
  const hit = cache.get(pattern);
  if (hit) return hit;
  let body = pattern.trim();
  let anchored = false;
  if (body.startsWith('/')) {
    anchored = true;
    body = body.replace(/^\/+/, '');
  }
  if (body.endsWith('/')) body = `${body}**`;
  const anyDepth = !anchored && !body.includes('/');
  const source = anyDepth ? `^(?:.*/)?${translate(body)}$` : `^${translate(body)}$`;
  const re = new RegExp(source);
  if (cache.size > 1000) cache.clear();
  cache.set(pattern, re);
  return re;
}

/** True when the repository-relative `path` matches the glob `pattern`. */
export function matchGlob(path: string, pattern: string): boolean {
  return globToRegExp(pattern).test(path);
}

/** True when `path` matches at least one of `patterns`. */
export function matchAnyGlob(path: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => matchGlob(path, p));
}
