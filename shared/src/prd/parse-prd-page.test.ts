import { describe, expect, it } from 'vitest';
import { isErrorExpectation, loadCorpus } from './corpus.test-helpers.js';
import { parsePrdPage } from './parse-prd-page.js';
import { PrdError } from './prd-error.js';
import { PrdParseResult } from './prd-schemas.js';

const corpus = loadCorpus();

function page(table: string, heading = '<h2>Story List</h2>'): string {
  return `<h1>PRD</h1>${heading}${table}`;
}

function parseError(xhtml: string): PrdError {
  try {
    parsePrdPage(xhtml);
  } catch (e) {
    if (e instanceof PrdError) return e;
    throw e;
  }
  throw new Error('expected parsePrdPage to throw');
}

describe('parsePrdPage on the fixture corpus', () => {
  it('has at least 12 pages that parse and the bad-input pages', () => {
    expect(corpus.filter((f) => !isErrorExpectation(f.expected)).length).toBeGreaterThanOrEqual(12);
    expect(corpus.map((f) => f.name)).toEqual(
      expect.arrayContaining(['bad-no-story-table', 'bad-no-title-column', 'bad-malformed']),
    );
  });

  for (const fixture of corpus) {
    it(`reads ${fixture.name} as expected`, () => {
      if (isErrorExpectation(fixture.expected)) {
        const err = parseError(fixture.xhtml);
        expect({ code: err.code, message: err.message }).toEqual(fixture.expected.error);
      } else {
        const result = parsePrdPage(fixture.xhtml);
        expect(PrdParseResult.parse(result)).toEqual(result);
        expect(result).toEqual(fixture.expected);
      }
    });
  }
});

describe('finding the story table', () => {
  const table =
    '<table><tbody><tr><th>Title</th><th>Description</th></tr><tr><td>Export CSV</td><td>Download rows</td></tr></tbody></table>';

  it.each([
    'Story Ticket List',
    'Story Tickets',
    'Story List',
    'User Stories',
    '4. Story List',
    '4.2 Story tickets:',
    'Stories',
    'Jira Stories',
    'STORY LIST',
  ])('accepts the heading "%s"', (heading) => {
    expect(parsePrdPage(page(table, `<h3>${heading}</h3>`)).section).toBe(heading);
  });

  it.each(['Success Stories', 'Story mapping workshop', 'Requirements', 'History'])(
    'ignores a table under the unrelated heading "%s"',
    (heading) => {
      expect(parseError(page(table, `<h2>${heading}</h2>`)).code).toBe('no_story_table');
    },
  );

  it('reads a heading that carries an emoji or an anchor macro', () => {
    const emoji = '<h2><ac:emoticon ac:name="clipboard" ac:emoji-fallback="&#128203;" /> Story List</h2>';
    expect(parsePrdPage(page(table, emoji)).section).toBe('\u{1F4CB} Story List');
    const anchor =
      '<h2><ac:structured-macro ac:name="anchor"><ac:parameter ac:name="">stories</ac:parameter></ac:structured-macro>User Stories</h2>';
    expect(parsePrdPage(page(table, anchor)).section).toBe('User Stories');
  });

  it('finds the table inside an expand macro titled as the story section, within a page layout', () => {
    const xhtml =
      '<ac:layout><ac:layout-section ac:type="two_equal"><ac:layout-cell><p>Left</p></ac:layout-cell><ac:layout-cell>' +
      `<ac:structured-macro ac:name="expand"><ac:parameter ac:name="title">Story Tickets</ac:parameter><ac:rich-text-body>${table}</ac:rich-text-body></ac:structured-macro>` +
      '</ac:layout-cell></ac:layout-section></ac:layout>';
    expect(parsePrdPage(xhtml)).toMatchObject({
      section: 'Story Tickets',
      stories: [{ title: 'Export CSV' }],
    });
  });

  it('recognises a heading by its id when the text says something else', () => {
    const result = parsePrdPage(page(table, '<h2 id="Checkout-StoryList">What we build</h2>'));
    expect(result.section).toBe('What we build');
  });

  it('stops looking at the next heading of the same level', () => {
    const xhtml = `<h2>Story List</h2><p>Coming soon</p><h2>Appendix</h2>${table}`;
    expect(parseError(xhtml).code).toBe('no_story_table');
  });

  it('keeps looking through deeper sub-headings of the story section', () => {
    const xhtml = `<h2>Story List</h2><h3>Phase 1</h3>${table}`;
    expect(parsePrdPage(xhtml).stories.map((s) => s.title)).toEqual(['Export CSV']);
  });

  it('skips a table without a title column in favour of the next one in the section', () => {
    const legend = '<table><tr><th>Status</th><th>Meaning</th></tr><tr><td>G</td><td>Go</td></tr></table>';
    expect(parsePrdPage(page(legend + table)).stories).toHaveLength(1);
  });

  it('prefers a table with descriptions or criteria to a title-only table in the same section', () => {
    const metrics = '<table><tr><th>Title</th></tr><tr><td>Weekly active sellers</td></tr></table>';
    expect(parsePrdPage(page(metrics + table)).stories.map((s) => s.title)).toEqual(['Export CSV']);
  });

  it('reads a story heading followed by a count, such as an expand titled "Story tickets (6)"', () => {
    const xhtml = `<ac:structured-macro ac:name="expand"><ac:parameter ac:name="title">Story tickets (6)</ac:parameter><ac:rich-text-body>${table}</ac:rich-text-body></ac:structured-macro>`;
    expect(parsePrdPage(xhtml).stories.map((s) => s.title)).toEqual(['Export CSV']);
  });

  it('ignores tables that come before the story heading', () => {
    const other = '<table><tr><th>Title</th></tr><tr><td>Not a story</td></tr></table>';
    const result = parsePrdPage(`${other}<h2>Story List</h2>${table}`);
    expect(result.stories.map((s) => s.title)).toEqual(['Export CSV']);
  });

  it('does not mistake a table inside a CDATA code block for the story table', () => {
    const code =
      '<ac:structured-macro ac:name="code"><ac:plain-text-body><![CDATA[<table><tr><th>Title</th></tr><tr><td>Fake</td></tr></table>]]></ac:plain-text-body></ac:structured-macro>';
    expect(parseError(page(code)).code).toBe('no_story_table');
  });
});

describe('reading columns and rows', () => {
  it.each([
    ['Summary', 'Details', 'AC', 'Jira Key'],
    ['NAME', 'description', 'Acceptance criteria', 'Ticket'],
    ['Story', 'Desc', 'ACs', 'JIRA'],
  ])('matches the header variants %s / %s / %s / %s', (title, desc, ac, ticket) => {
    const xhtml = page(
      `<table><tr><th>${title}</th><th>${desc}</th><th>${ac}</th><th>${ticket}</th></tr>` +
        '<tr><td>Login</td><td>Sign in</td><td>- works</td><td>AB-1</td></tr></table>',
    );
    const result = parsePrdPage(xhtml);
    expect(result.columns).toEqual({
      title,
      description: desc,
      acceptance_criteria: ac,
      jira_ticket: ticket,
    });
    expect(result.stories[0]).toMatchObject({ title: 'Login', description: 'Sign in', jira_key: 'AB-1' });
  });

  it('takes columns in any order and ignores unknown ones', () => {
    const xhtml = page(
      '<table><tr><th>Priority</th><th>JIRA Ticket</th><th>Title</th></tr><tr><td>P1</td><td /><td>Login</td></tr></table>',
    );
    expect(parsePrdPage(xhtml).stories[0]).toMatchObject({
      title: 'Login',
      description: 'Login',
      jira_key: null,
    });
  });

  it('reads a header row of bold cells without thead', () => {
    const xhtml = page(
      '<table><tbody><tr><td><strong>Title</strong></td><td><p><b>Description</b></p></td></tr><tr><td>A</td><td>B</td></tr></tbody></table>',
    );
    expect(parsePrdPage(xhtml).stories).toEqual([
      expect.objectContaining({ title: 'A', description: 'B', row_index: 1 }),
    ]);
  });

  it('decodes named and numeric entities and no-break spaces', () => {
    const xhtml = page(
      '<table><tr><th>Title</th><th>Description</th></tr><tr><td>Q&amp;A&nbsp;&nbsp;page</td><td>It&#8217;s &#x2014; &lt;b&gt; &amp;nbsp;</td></tr></table>',
    );
    expect(parsePrdPage(xhtml).stories[0]).toMatchObject({
      title: 'Q&A page',
      description: 'It\u2019s \u2014 <b> &nbsp;',
    });
  });

  it('skips empty rows and template placeholders but keeps a row that only has a description', () => {
    const xhtml = page(
      '<table><tr><th>Title</th><th>Description</th></tr>' +
        '<tr><td><p /></td><td>&nbsp;</td></tr>' +
        '<tr><td><ac:placeholder>Title</ac:placeholder></td><td /></tr>' +
        '<tr><td /><td>Orphan description</td></tr></table>',
    );
    const result = parsePrdPage(xhtml);
    expect(result.skipped_rows).toEqual([
      { row_index: 1, reason: 'empty' },
      { row_index: 2, reason: 'empty' },
    ]);
    expect(result.stories).toEqual([
      expect.objectContaining({ title: '', description: 'Orphan description', row_index: 3 }),
    ]);
  });

  it('reads a Jira key from a macro, a browse link or plain text, and a placeholder marker', () => {
    const cells = [
      '<ac:structured-macro ac:name="jira"><ac:parameter ac:name="key">MAC-1</ac:parameter></ac:structured-macro>',
      '<a href="https://x.atlassian.net/browse/LNK-22">see ticket</a>',
      'TXT-333',
      '[TEMP-0f8fad5b-d9cb-469f-a165-70867728950e](placeholder)',
      'TEMP-12345678-1234-4234-8234-123456789abc',
      'n/a',
    ];
    const rows = cells.map((c, i) => `<tr><td>Story ${i}</td><td>${c}</td></tr>`).join('');
    const stories = parsePrdPage(page(`<table><tr><th>Title</th><th>Jira</th></tr>${rows}</table>`)).stories;
    expect(stories.map((s) => [s.jira_key, s.temp_id])).toEqual([
      ['MAC-1', null],
      ['LNK-22', null],
      ['TXT-333', null],
      [null, '0f8fad5b-d9cb-469f-a165-70867728950e'],
      [null, '12345678-1234-4234-8234-123456789abc'],
      [null, null],
    ]);
  });

  it('renders description lists and line breaks as markdown-like lines', () => {
    const xhtml = page(
      '<table><tr><th>Title</th><th>Description</th></tr><tr><td>T</td><td><p>Intro<br/>second line</p>' +
        '<ol><li>first<ul><li>nested</li></ul></li><li>second</li></ol></td></tr></table>',
    );
    expect(parsePrdPage(xhtml).stories[0]?.description).toBe(
      'Intro\nsecond line\n1. first\n  - nested\n1. second',
    );
  });
});

describe('bad input', () => {
  it('explains that a page without a story heading has no story table', () => {
    const err = parseError('<h1>PRD</h1><p>Nothing here</p>');
    expect(err.code).toBe('no_story_table');
    expect(err.message).toMatch(/no story table found under a 'Story List' heading/i);
  });

  it('names the headers it found when the story table has no title column', () => {
    const err = parseError(
      page('<table><tr><th>Owner</th><th>Estimate</th></tr><tr><td>a</td><td>3</td></tr></table>'),
    );
    expect(err.code).toBe('no_title_column');
    expect(err.message).toContain('"Owner", "Estimate"');
    expect(err.details).toEqual({ section: 'Story List', headers: ['Owner', 'Estimate'] });
  });

  it('reads what it can from malformed markup instead of failing', () => {
    const xhtml = page(
      '<table><tr><th>Title</th><th>Description</th></tr><tr><td><p>R&D survey</td><td>unclosed <b>bold</td></tr></div></table>',
    );
    expect(parsePrdPage(xhtml).stories).toEqual([
      expect.objectContaining({ title: 'R&D survey', description: 'unclosed bold' }),
    ]);
  });

  it('treats empty input and plain text as a page without a story table', () => {
    expect(parseError('').code).toBe('no_story_table');
    expect(parseError('Story List\nTitle | Description').code).toBe('no_story_table');
  });
});
