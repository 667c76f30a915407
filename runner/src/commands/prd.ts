import type { Command } from 'commander';
import { CliError, cliAction, readInputFile } from './cli-error.js';

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
    .action(
      cliAction(async (file: string, opts: { json: boolean }) => {
        const { PrdError, formatPrdParseText, parsePrdPage } = await import('@augment/shared');
        const xhtml = readInputFile(file);
        let result: ReturnType<typeof parsePrdPage>;
        try {
          result = parsePrdPage(xhtml);
        } catch (err) {
          if (!(err instanceof PrdError)) throw err;
          throw new CliError(`${file}: ${err.message} [${err.code}]`, { cause: err });
        }
        process.stdout.write(
          opts.json ? `${JSON.stringify(result, null, 2)}\n` : `${formatPrdParseText(result).trimEnd()}\n`,
        );
      }),
    );
}
