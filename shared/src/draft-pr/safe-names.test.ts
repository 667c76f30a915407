import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BranchName } from './requests.js';
import {
  assertSafeBranchName,
  assertSafeRepoPath,
  branchNameProblem,
  isSafeBranchName,
  isSafeRepoPath,
  MAX_BRANCH_NAME_BYTES,
  sanitizeBranchName,
  UnsafeNameError,
} from './safe-names.js';

describe('assertSafeRepoPath', () => {
  it('accepts ordinary relative paths', () => {
    for (const p of [
      'README.md',
      'src/a/b.ts',
      'docs/changes/proj-1.md',
      '.github/workflows/ci.yml',
      'a-b/c_d.e',
    ]) {
      expect(assertSafeRepoPath(p)).toBe(p);
    }
  });

  it.each([
    ['', 'empty'],
    ['/etc/passwd', 'absolute'],
    ['C:/Windows/x', 'absolute'],
    ['../outside', '..'],
    ['a/../../b', '..'],
    ['a/./b', '.'],
    ['.git/config', '.git'],
    ['sub/.GIT/hooks/pre-commit', '.git'],
    ['.git./config', '.git'],
    ['-rf', 'leading "-"'],
    ['--upload-pack=evil', 'leading "-"'],
    [':(top)x', 'pathspec'],
    ['a\\..\\b', 'backslash'],
    ['a//b', 'empty path segment'],
    ['a/', 'empty path segment'],
    ['a\u0000b', 'control'],
    ['a\nb', 'control'],
  ])('rejects %j (%s)', (p) => {
    expect(() => assertSafeRepoPath(p)).toThrow(UnsafeNameError);
    expect(isSafeRepoPath(p)).toBe(false);
  });

  it('never accepts a path whose normalisation leaves the root or enters .git', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('a', '..', '.', '', '.git', '-x', 'b.txt', '/'), {
          minLength: 1,
          maxLength: 6,
        }),
        (parts) => {
          const p = parts.join('/');
          if (!isSafeRepoPath(p)) return true;
          const stack: string[] = [];
          for (const seg of p.split('/')) {
            if (seg === '..') {
              if (!stack.length) return false;
              stack.pop();
            } else if (seg !== '.' && seg !== '') stack.push(seg);
          }
          return !stack.some((s) => s.toLowerCase() === '.git') && !p.startsWith('-') && !p.startsWith('/');
        },
      ),
    );
  });
});

describe('sanitizeBranchName', () => {
  it('builds augment/<KEY>-<slug> from the story', () => {
    expect(sanitizeBranchName('PROJ-12', 'Add login rate limit!')).toBe(
      'augment/PROJ-12-add-login-rate-limit',
    );
    expect(sanitizeBranchName('PROJ-12', 'Crème brûlée API')).toBe('augment/PROJ-12-creme-brulee-api');
    expect(sanitizeBranchName('PROJ-12', '!!!')).toBe('augment/PROJ-12');
  });

  it('turns hostile input into a harmless name', () => {
    expect(sanitizeBranchName('--upload-pack=/bin/sh', '../../.git/HEAD')).toBe(
      'augment/upload-pack-bin-sh-git-head',
    );
    expect(sanitizeBranchName('', '')).toBe('augment/story');
  });

  it('always returns a safe branch name, whatever the input', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 200 }),
        fc.string({ unit: 'grapheme', maxLength: 300 }),
        (key, title) => {
          const name = sanitizeBranchName(key, title);
          return (
            isSafeBranchName(name) && /^augment\/[A-Za-z0-9][A-Za-z0-9-]*$/.test(name) && name.length <= 100
          );
        },
      ),
    );
  });
});

describe('assertSafeBranchName', () => {
  it('accepts common base branches', () => {
    for (const b of ['main', 'master', 'develop', 'release/1.2', 'feature/ABC-1_x'])
      expect(assertSafeBranchName(b)).toBe(b);
  });

  it.each([
    '-f',
    '--force',
    'a..b',
    'a/.hidden',
    'x.lock',
    'a b',
    'a~1',
    'a^',
    'a:b',
    'refs/heads/',
    'HEAD',
    '@',
    'a@{1}',
  ])('rejects %j', (b) => {
    expect(isSafeBranchName(b)).toBe(false);
  });
});

describe('the branch-name rule (git check-ref-format --branch, within what GitHub and Bitbucket take)', () => {
  it('accepts names in any language, as git, GitHub and Bitbucket do', () => {
    for (const b of [
      'fonctionnalité/été',
      '機能/ログイン',
      'feature/ünïcode-ß',
      'user@feature',
      'a+b',
      'x#1',
    ])
      expect(branchNameProblem(b), b).toBeNull();
  });

  it('counts the length in UTF-8 bytes: refs/heads/<name> stays within 255 bytes', () => {
    expect(MAX_BRANCH_NAME_BYTES).toBe(244);
    expect(isSafeBranchName('a'.repeat(244))).toBe(true);
    expect(branchNameProblem('a'.repeat(245))).toBe('longer than 244 bytes (UTF-8)');
    expect(isSafeBranchName(`feature/${'é'.repeat(118)}`)).toBe(true); // 8 + 236 bytes
    expect(isSafeBranchName(`feature/${'é'.repeat(119)}`)).toBe(false); // 246 bytes, 127 characters
    expect(isSafeBranchName('機'.repeat(82))).toBe(false); // 246 bytes, 82 characters
    expect(isSafeBranchName(`${'a'.repeat(100)}/${'b'.repeat(143)}`)).toBe(true);
  });

  it('refuses what git refuses, and what would not show as written', () => {
    for (const b of [
      'a?b',
      'a*b',
      'a[b',
      'a\\b',
      'a/',
      '/a',
      'a.',
      'a//b',
      'a\u0000b',
      'a\u007fb',
      'a\u0085b',
      'tab\tname',
      'a\u200bb',
      'safe\u202egnp.exe',
      '\ufeffmain',
    ])
      expect(isSafeBranchName(b), JSON.stringify(b)).toBe(false);
  });

  it('is the rule of the draft PR request schema', () => {
    expect(BranchName.safeParse('fonctionnalité/été').success).toBe(true);
    expect(BranchName.safeParse('a'.repeat(245)).success).toBe(false);
    expect(BranchName.safeParse('--force').success).toBe(false);
  });
});
