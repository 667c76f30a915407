import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';

/**
 * `augment prd parse FILE [--json]`: what the PRD parser finds in a page saved in Confluence storage
 * format (the story table's section, and for each story its title, description, acceptance criteria,
 * linked ticket and dry-run marker). Offline: it reads the file and nothing else.
 */
export function registerPrdCommands(program: Command) {
  const prd = program.command('prd').description('PRD pages (Confluence storage format), offline');
  prd
    .command('parse')
    .description('parse the story table of a PRD page saved as storage-format XHTML')
    .argument('<file>', 'page body in Confluence storage format (XHTML)')
    .option('--json', 'print the parse result as JSON (snake_case)', false)
    .action(async (file: string, opts: { json: boolean }) => {
      const { PrdError, formatPrdParseText, parsePrdPage } = await import('@augment/shared');
      let xhtml: string;
      try {
        xhtml = await readFile(file, 'utf8');
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code;
        process.stderr.write(`augment prd parse: cannot read ${file}: ${why ?? String(err)}\n`);
        process.exitCode = 1;
        return;
      }
      try {
        const result = parsePrdPage(xhtml);
        process.stdout.write(
          opts.json ? `${JSON.stringify(result, null, 2)}\n` : `${formatPrdParseText(result).trimEnd()}\n`,
        );
      } catch (err) {
        if (!(err instanceof PrdError)) throw err;
        process.stderr.write(`augment prd parse: ${file}: ${err.message} [${err.code}]\n`);
        process.exitCode = 1;
      }
    });
}
