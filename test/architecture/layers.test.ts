/**
 * Imports run downward: the HTTP layer (runner/src/api/) sits on top, so nothing but the API itself and the
 * server wiring may import it; a job, a store or an adapter that needs an error type takes it from
 * runner/src/errors.ts. Checked on the source with the TypeScript compiler's own import scanner (static,
 * dynamic and type-only imports and re-exports).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const RUNNER_SRC = join(ROOT, 'runner/src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sourceFiles(path);
    return /\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Repository-relative paths of the files a source file imports by a relative path (`.js` read as `.ts`). */
function relativeImports(file: string, text = readFileSync(file, 'utf8')): string[] {
  const info = ts.preProcessFile(text, true, true);
  return info.importedFiles
    .map((f) => f.fileName)
    .filter((spec) => spec.startsWith('.'))
    .map((spec) =>
      relative(ROOT, resolve(dirname(file), spec.replace(/\.js$/, '.ts')))
        .split(sep)
        .join('/'),
    );
}

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
