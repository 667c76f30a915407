import { describe, expect, it } from 'vitest';
import { combineDiff, parseNameStatusZ, parseNumstatZ } from './parse-diff.js';

describe('git -z diff parsers', () => {
  it('reads statuses, renames and odd file names verbatim', () => {
    const out = 'M\0src/a.ts\0R087\0old name.md\0new\nname.md\0A\0"quoted".txt\0D\0gone\0';
    expect(parseNameStatusZ(out)).toEqual([
      { status: 'M', path: 'src/a.ts' },
      { status: 'R', path: 'new\nname.md', old_path: 'old name.md' },
      { status: 'A', path: '"quoted".txt' },
      { status: 'D', path: 'gone' },
    ]);
  });

  it('reads numstat counts, with null for binary files and renames keyed by the new path', () => {
    const stats = parseNumstatZ('3\t1\tsrc/a.ts\0-\t-\timg.png\0' + '0\t0\t\0old name.md\0new\nname.md\0');
    expect(Object.fromEntries(stats)).toEqual({
      'src/a.ts': { additions: 3, deletions: 1 },
      'img.png': { additions: null, deletions: null },
      'new\nname.md': { additions: 0, deletions: 0 },
    });
  });

  it('combines both outputs and keeps binary counts unknown', () => {
    expect(combineDiff('A\0img.png\0M\0a\0', '-\t-\timg.png\0' + '2\t2\ta\0')).toEqual([
      { status: 'A', path: 'img.png', additions: null, deletions: null },
      { status: 'M', path: 'a', additions: 2, deletions: 2 },
    ]);
  });

  it('refuses statuses it does not understand (unmerged, unknown)', () => {
    expect(() => parseNameStatusZ('U\0a\0')).toThrow('unexpected git diff status');
  });
});
