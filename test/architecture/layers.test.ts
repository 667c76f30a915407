/**
 * Imports run downward: the HTTP layer (runner/src/api/) sits on top, so nothing but the API itself and the
 * server wiring may import it; a job, a store or an adapter that needs an error type takes it from
 * runner/src/errors.ts. Checked on the source with the TypeScript compiler's own import scanner (static,
 * dynamic and type-only imports and re-exports).
 */
import { join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { relativeImports as importsFrom, sourceFiles } from './source-imports.js';

const ROOT = resolve(import.meta.dirname, '../..');
const RUNNER_SRC = join(ROOT, 'runner/src');
const relativeImports = (file: string, text?: string) => importsFrom(file, ROOT, text);

const rel = (file: string) => relative(ROOT, file).split(sep).join('/');
const API = 'runner/src/api/';
/** Where the API may be imported from: itself and the process wiring that starts it. */
const MAY_IMPORT_API = (file: string) => file.startsWith(API) || file === 'runner/src/server.ts';

describe('layers', () => {
  it('finds imports the way the checks below rely on', () => {
    const file = join(RUNNER_SRC, 'jobs/example.ts');
    const text = [
      "import { a } from '../api/app.js';",
      "import type { B } from '../api/routes/b.js';",
      "export { c } from '../api/c.js';",
      "const d = await import('../api/d.js');",
      "import { e } from 'zod';",
    ].join('\n');
    expect(relativeImports(file, text)).toEqual([
      'runner/src/api/app.ts',
      'runner/src/api/routes/b.ts',
      'runner/src/api/c.ts',
      'runner/src/api/d.ts',
    ]);
  });

  it('nothing outside runner/src/api/ and the server wiring imports the HTTP layer', () => {
    const offenders = sourceFiles(RUNNER_SRC)
      .map((file) => ({ file: rel(file), imports: relativeImports(file) }))
      .filter(({ file }) => !MAY_IMPORT_API(file))
      .flatMap(({ file, imports }) => imports.filter((i) => i.startsWith(API)).map((i) => `${file} -> ${i}`));
    expect(offenders).toEqual([]);
  });
});
