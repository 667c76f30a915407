// Test-only helpers: read the PRD fixture corpus from test/fixtures/prd (production code never touches fs).
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const FIXTURE_DIR = fileURLToPath(new URL('../../../test/fixtures/prd/', import.meta.url));

export interface Fixture {
  name: string;
  xhtml: string;
  expected: unknown;
}

export function loadCorpus(): Fixture[] {
  return readdirSync(FIXTURE_DIR)
    .filter((f) => f.endsWith('.xhtml'))
    .sort()
    .map((f) => ({
      name: f.replace(/\.xhtml$/, ''),
      xhtml: readFileSync(FIXTURE_DIR + f, 'utf8'),
      expected: JSON.parse(readFileSync(FIXTURE_DIR + f.replace(/\.xhtml$/, '.expected.json'), 'utf8')),
    }));
}

export function isErrorExpectation(
  expected: unknown,
): expected is { error: { code: string; message: string } } {
  return typeof expected === 'object' && expected !== null && 'error' in expected;
}
