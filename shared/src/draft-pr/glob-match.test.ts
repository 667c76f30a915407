import { describe, expect, it } from 'vitest';
import { matchAnyGlob, matchGlob } from './glob-match.js';

describe('matchGlob', () => {
  it.each([
    ['docs/**', 'docs/a.md', true],
    ['docs/**', 'docs/a/b/c.md', true],
    ['docs/**', 'docsx/a.md', false],
    ['docs/**', 'src/docs/a.md', false],
    ['docs/', 'docs/a/b.md', true],
    ['src/*.ts', 'src/a.ts', true],
    ['src/*.ts', 'src/a/b.ts', false],
    ['src/**/*.ts', 'src/a.ts', true],
    ['src/**/*.ts', 'src/a/b/c.ts', true],
    ['**/*.pem', 'keys/x.pem', true],
    ['**/*.pem', 'x.pem', true],
    ['*.pem', 'deep/down/x.pem', true],
    ['/*.pem', 'deep/x.pem', false],
    ['/*.pem', 'x.pem', true],
    ['secrets/*', 'secrets/.env', true],
    ['file?.txt', 'file1.txt', true],
    ['file?.txt', 'file10.txt', false],
    ['file?.txt', 'file/.txt', false],
    ['*.{js,ts}', 'a/b.ts', true],
    ['*.{js,ts}', 'a/b.md', false],
    ['[ab].md', 'a.md', true],
    ['[!ab].md', 'a.md', false],
    ['[!ab].md', 'c.md', true],
    ['a.b', 'axb', false],
    ['billing/**', 'billing/invoice.ts', true],
    ['(x)+', '(x)+', true],
  ])('%s against %s -> %s', (glob, path, expected) => {
    expect(matchGlob(path, glob)).toBe(expected);
  });

  // gitignore semantics: a pattern that names a directory covers everything below it. The hand-written
  // matcher let these through, so a `deny_paths` entry could be bypassed.
  it.each([
    ['db/migrations', 'db/migrations/001.sql', true],
    ['db/migrations', 'db/migrations/2024/002.sql', true],
    ['db/migrations', 'db/migrations-old/001.sql', false],
    ['infra/*', 'infra/a/b.tf', true],
    ['infra/*', 'infra/main.tf', true],
    ['infra/*', 'infrastructure/a.tf', false],
    ['secrets', 'config/secrets/prod.env', true],
    ['/db', 'db/schema.sql', true],
    ['/db', 'src/db/schema.sql', false],
    ['auth/**', 'auth/a/b/c.ts', true],
    ['#notes.md', '#notes.md', true],
    ['!important.txt', '!important.txt', true],
  ])('%s covers %s -> %s', (glob, path, expected) => {
    expect(matchGlob(path, glob)).toBe(expected);
  });

  it('reads paths as repository-relative', () => {
    expect(matchGlob('./docs/a.md', 'docs/**')).toBe(true);
    expect(matchGlob('/docs/a.md', 'docs/**')).toBe(true);
    expect(matchGlob('', 'docs/**')).toBe(false);
  });

  it('matches any of several patterns', () => {
    expect(matchAnyGlob('scripts/x.sh', ['docs/**', 'scripts/**'])).toBe(true);
    expect(matchAnyGlob('src/x.sh', ['docs/**', 'scripts/**'])).toBe(false);
  });
});
