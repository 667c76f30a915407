/**
 * Parsers for `git diff -z --name-status` and `git diff -z --numstat`. The `-z` forms keep file names
 * verbatim (no quoting), so names with spaces, quotes or newlines are read exactly.
 */
import type { DiffEntry } from '@augment/shared';

type Status = DiffEntry['status'];
const STATUSES = new Set<Status>(['A', 'M', 'D', 'R', 'C', 'T']);

/** `--name-status -z`: `X\0path\0` or `R100\0old\0new\0`. Unknown statuses (U, X) throw. */
export function parseNameStatusZ(out: string): { status: Status; path: string; old_path?: string }[] {
  const parts = out.split('\0');
  const entries: { status: Status; path: string; old_path?: string }[] = [];
  let i = 0;
  while (i < parts.length) {
    const code = parts[i++];
    if (!code) continue;
    const status = code[0] as Status;
    if (!STATUSES.has(status)) throw new Error(`unexpected git diff status ${JSON.stringify(code)}`);
    if (status === 'R' || status === 'C') {
      const old_path = parts[i++] ?? '';
      const path = parts[i++] ?? '';
      entries.push({ status, path, old_path });
    } else {
      entries.push({ status, path: parts[i++] ?? '' });
    }
  }
  return entries;
}

/**
 * `--numstat -z`: `adds\tdels\tpath\0`, or for renames `adds\tdels\t\0old\0new\0`. Binary files have
 * `-` counts (null here). Keyed by the (new) path.
 */
export function parseNumstatZ(
  out: string,
): Map<string, { additions: number | null; deletions: number | null }> {
  const parts = out.split('\0');
  const stats = new Map<string, { additions: number | null; deletions: number | null }>();
  let i = 0;
  while (i < parts.length) {
    const head = parts[i++];
    if (!head) continue;
    const m = /^(-|\d+)\t(-|\d+)\t(.*)$/s.exec(head);
    if (!m) throw new Error(`unexpected git numstat line ${JSON.stringify(head.slice(0, 100))}`);
    let path = m[3]!;
    if (path === '') {
      i++; // the old path of a rename
      path = parts[i++] ?? '';
    }
    const num = (s: string) => (s === '-' ? null : Number(s));
    stats.set(path, { additions: num(m[1]!), deletions: num(m[2]!) });
  }
  return stats;
}

/** Joins both outputs into diff entries. */
export function combineDiff(nameStatus: string, numstat: string): DiffEntry[] {
  const counts = parseNumstatZ(numstat);
  return parseNameStatusZ(nameStatus).map((e) => {
    const c = counts.get(e.path);
    return { ...e, additions: c ? c.additions : 0, deletions: c ? c.deletions : 0 };
  });
}
