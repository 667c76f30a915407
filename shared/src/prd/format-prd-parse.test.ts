import { describe, expect, it } from 'vitest';
import { formatPrdParseText } from './format-prd-parse.js';
import { parsePrdPage } from './parse-prd-page.js';

const xhtml =
  '<h2>4. Story List</h2><table><tr><th>Title</th><th>Description</th><th>AC</th><th>Jira</th></tr>' +
  '<tr><td>Login</td><td>Users sign in with e-mail and a password that is at least twelve characters long</td><td>Given: a user When: they sign in Then: they land on the dashboard</td><td>AB-1</td></tr>' +
  '<tr><td>Logout</td><td /><td>- session ends<br/>- cookie cleared</td><td>[TEMP-0f8fad5b-d9cb-469f-a165-70867728950e](placeholder)</td></tr>' +
  '<tr><td /><td /><td /><td /></tr></table>';

describe('formatPrdParseText', () => {
  it('prints the section, the columns, a row per story and each story criteria', () => {
    expect(formatPrdParseText(parsePrdPage(xhtml))).toBe(
      [
        'Section: 4. Story List',
        'Columns: title="Title", description="Description", criteria="AC", ticket="Jira"',
        '2 stories, 1 row(s) skipped',
        '',
        'Row  Title   Ticket         Criteria     Description',
        '---  ------  -------------  -----------  --------------------------------------------------',
        '1    Login   AB-1           gwt (3)      Users sign in with e-mail and a password that is \u2026',
        '2    Logout  TEMP-0f8fad5b  bullets (2)',
        '',
        'Row 1 - Login [gwt]',
        '    Given a user',
        '    When they sign in',
        '    Then they land on the dashboard',
        '',
        'Row 2 - Logout [bullets]',
        '  - session ends',
        '  - cookie cleared',
        '',
        'Skipped rows: 3 (empty)',
        '',
      ].join('\n'),
    );
  });

  it('says so when the table has no stories', () => {
    const empty = parsePrdPage('<h2>Story List</h2><table><tr><th>Title</th></tr></table>');
    expect(formatPrdParseText(empty)).toBe(
      'Section: Story List\nColumns: title="Title", description=(none), criteria=(none), ticket=(none)\n0 stories\n',
    );
  });
});
