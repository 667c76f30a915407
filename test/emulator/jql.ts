/**
 * A JQL subset: clauses `field op value` joined by AND / OR / NOT and parentheses, then ORDER BY.
 * Operators: = != > >= < <= ~ !~ in, not in, is, is not (EMPTY / NULL). Functions: openSprints(),
 * closedSprints(), futureSprints(), currentUser(). Errors use Jira's wording where it matters.
 */

export class JqlError extends Error {}

type Tok =
  | { t: 'str'; v: string } // quoted
  | { t: 'word'; v: string } // bare word or number
  | { t: 'op'; v: string }
  | { t: 'lp' }
  | { t: 'rp' }
  | { t: 'comma' };

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] ?? '';
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(') {
      out.push({ t: 'lp' });
      i++;
    } else if (c === ')') {
      out.push({ t: 'rp' });
      i++;
    } else if (c === ',') {
      out.push({ t: 'comma' });
      i++;
    } else if (c === '"' || c === "'") {
      let v = '';
      i++;
      while (i < src.length && src[i] !== c) {
        if (src[i] === '\\' && i + 1 < src.length) i++;
        v += src[i];
        i++;
      }
      if (i >= src.length)
        throw new JqlError(`Error in the JQL Query: The quoted string '${v}' has not been completed.`);
      i++;
      out.push({ t: 'str', v });
    } else if (/[=!<>~]/.test(c)) {
      const two = src.slice(i, i + 2);
      if (['!=', '>=', '<=', '!~'].includes(two)) {
        out.push({ t: 'op', v: two });
        i += 2;
      } else if (['=', '>', '<', '~'].includes(c)) {
        out.push({ t: 'op', v: c });
        i++;
      } else {
        throw new JqlError(`Error in the JQL Query: The character '${c}' is a reserved JQL character.`);
      }
    } else {
      const m = /^[^\s()",=!<>~']+/.exec(src.slice(i));
      if (!m) throw new JqlError(`Error in the JQL Query: unexpected character '${c}'.`);
      // cf[10050] and issue.property[x].y are one word
      out.push({ t: 'word', v: m[0] });
      i += m[0].length;
    }
  }
  return out;
}

export type JqlValue = { kind: 'literal'; value: string } | { kind: 'empty' } | { kind: 'fn'; name: string };

export type JqlNode =
  | { type: 'and' | 'or'; left: JqlNode; right: JqlNode }
  | { type: 'not'; inner: JqlNode }
  | { type: 'clause'; field: string; op: string; values: JqlValue[] };

export interface JqlQuery {
  where: JqlNode | null;
  orderBy: { field: string; desc: boolean }[];
}

export function parseJql(src: string): JqlQuery {
  const toks = tokenize(src);
  let p = 0;
  const peek = () => toks[p];
  const isWord = (w: string, t = peek()) => t?.t === 'word' && t.v.toLowerCase() === w;
  const fail = (what: string): never => {
    const t = peek();
    const at = t ? ('v' in t ? t.v : t.t) : 'the end of the query';
    throw new JqlError(`Error in the JQL Query: Expecting ${what} but got '${at}'.`);
  };

  const value = (): JqlValue => {
    const t = peek();
    if (!t || (t.t !== 'str' && t.t !== 'word')) return fail('a value');
    p++;
    if (t.t === 'word' && ['empty', 'null'].includes(t.v.toLowerCase())) return { kind: 'empty' };
    if (t.t === 'word' && peek()?.t === 'lp') {
      p++;
      if (peek()?.t !== 'rp') fail("')'");
      p++;
      return { kind: 'fn', name: t.v.toLowerCase() };
    }
    return { kind: 'literal', value: t.v };
  };

  const clause = (): JqlNode => {
    const f = peek();
    if (!f || (f.t !== 'word' && f.t !== 'str')) return fail('a field name');
    p++;
    const field = f.v;
    let op: string;
    const t = peek();
    if (t?.t === 'op') {
      op = t.v;
      p++;
    } else if (isWord('in')) {
      op = 'in';
      p++;
    } else if (isWord('not') && isWord('in', toks[p + 1])) {
      op = 'not in';
      p += 2;
    } else if (isWord('is')) {
      p++;
      if (isWord('not')) {
        p++;
        op = 'is not';
      } else op = 'is';
    } else return fail(`an operator after '${field}'`);

    if (op === 'in' || op === 'not in') {
      if (peek()?.t !== 'lp') fail("'('");
      p++;
      const values: JqlValue[] = [value()];
      while (peek()?.t === 'comma') {
        p++;
        values.push(value());
      }
      if (peek()?.t !== 'rp') fail("')'");
      p++;
      return { type: 'clause', field, op, values };
    }
    return { type: 'clause', field, op, values: [value()] };
  };

  const primary = (): JqlNode => {
    if (isWord('not')) {
      p++;
      return { type: 'not', inner: primary() };
    }
    if (peek()?.t === 'lp') {
      p++;
      const inner = or();
      if (peek()?.t !== 'rp') fail("')'");
      p++;
      return inner;
    }
    return clause();
  };
  const and = (): JqlNode => {
    let left = primary();
    while (isWord('and')) {
      p++;
      left = { type: 'and', left, right: primary() };
    }
    return left;
  };
  const or = (): JqlNode => {
    let left = and();
    while (isWord('or')) {
      p++;
      left = { type: 'or', left, right: and() };
    }
    return left;
  };

  let where: JqlNode | null = null;
  if (p < toks.length && !(isWord('order') && isWord('by', toks[p + 1]))) where = or();
  const orderBy: { field: string; desc: boolean }[] = [];
  if (isWord('order') && isWord('by', toks[p + 1])) {
    p += 2;
    do {
      if (peek()?.t === 'comma') p++;
      const f = peek();
      if (!f || (f.t !== 'word' && f.t !== 'str')) fail('a field to order by');
      p++;
      let desc = false;
      if (isWord('asc')) p++;
      else if (isWord('desc')) {
        desc = true;
        p++;
      }
      orderBy.push({ field: (f as { v: string }).v, desc });
    } while (peek()?.t === 'comma');
  }
  if (p < toks.length) fail("'AND', 'OR' or 'ORDER BY'");
  return { where, orderBy };
}

/** How the evaluator reads an issue: values of a field (lower-cased strings or numbers), or an error. */
export interface JqlBinding<I> {
  /** Values of `field` for `issue`; throws JqlError for an unknown field. */
  values(issue: I, field: string): (string | number)[];
  /** Values a function stands for (sprint ids for openSprints(), account id for currentUser()). */
  fn(name: string, field: string): (string | number)[];
  /** Checks a literal against a field (e.g. a project or issue key that must exist). */
  checkLiteral(field: string, value: string): void;
  /** Whether `field` is matched by text search (~). */
  textValues(issue: I, field: string): string;
}

function norm(v: string | number): string | number {
  return typeof v === 'number' ? v : v.toLowerCase();
}

export function evaluateJql<I>(node: JqlNode | null, issue: I, b: JqlBinding<I>): boolean {
  if (node === null) return true;
  if (node.type === 'not') return !evaluateJql(node.inner, issue, b);
  if (node.type !== 'clause') {
    const left = evaluateJql(node.left, issue, b);
    return node.type === 'and'
      ? left && evaluateJql(node.right, issue, b)
      : left || evaluateJql(node.right, issue, b);
  }

  const { field, op, values } = node;
  if (op === '~' || op === '!~') {
    const v = values[0];
    if (v?.kind !== 'literal') throw new JqlError(`Error in the JQL Query: '~' needs a text value.`);
    const hay = b.textValues(issue, field).toLowerCase();
    const words = v.value.toLowerCase().replace(/[*?]/g, '').split(/\s+/).filter(Boolean);
    const hit = words.every((w) => hay.includes(w));
    return op === '~' ? hit : !hit;
  }
  const have = b.values(issue, field).map(norm);
  if (op === 'is' || op === 'is not') {
    if (values[0]?.kind !== 'empty') throw new JqlError(`Error in the JQL Query: 'is' needs EMPTY or NULL.`);
    return op === 'is' ? have.length === 0 : have.length > 0;
  }
  const wanted: (string | number)[] = [];
  let wantsEmpty = false;
  for (const v of values) {
    if (v.kind === 'empty') wantsEmpty = true;
    else if (v.kind === 'fn') wanted.push(...b.fn(v.name, field).map(norm));
    else {
      b.checkLiteral(field, v.value);
      wanted.push(norm(v.value));
    }
  }
  const eq = (a: string | number, w: string | number) => String(a) === String(w);
  switch (op) {
    case '=':
    case 'in':
      return (wantsEmpty && have.length === 0) || have.some((h) => wanted.some((w) => eq(h, w)));
    case '!=':
    case 'not in':
      return (
        !(wantsEmpty && have.length === 0) &&
        have.length > 0 &&
        !have.some((h) => wanted.some((w) => eq(h, w)))
      );
    default: {
      const w = Number(wanted[0]);
      return have.some((h) => {
        const n = Number(h);
        if (Number.isNaN(n) || Number.isNaN(w)) return false;
        return op === '>' ? n > w : op === '>=' ? n >= w : op === '<' ? n < w : n <= w;
      });
    }
  }
}
