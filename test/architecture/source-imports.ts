/** How the architecture tests read the source: its files, and the files each one imports by a relative path. */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

/** Every TypeScript source file under a folder (no declaration files, no node_modules). */
export function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sourceFiles(path);
    return /\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

/**
 * The files a source file imports by a relative path (`.js` read as `.ts`), as paths relative to `base`,
 * read with the TypeScript compiler's own scanner: static, dynamic and type-only imports and re-exports.
 */
export function relativeImports(file: string, base: string, text = readFileSync(file, 'utf8')): string[] {
  return ts
    .preProcessFile(text, true, true)
    .importedFiles.map((f) => f.fileName)
    .filter((spec) => spec.startsWith('.'))
    .map((spec) =>
      relative(base, resolve(dirname(file), spec.replace(/\.js$/, '.ts')))
        .split(sep)
        .join('/'),
    );
}
