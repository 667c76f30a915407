import { describe, expect, it } from 'vitest';
import { htmlToPlanText, looksLikeHtml } from './html-to-text.js';

describe('htmlToPlanText (Confluence storage -> planning text, XML mode)', () => {
  it("keeps a code macro's CDATA as written, HTML-looking content included", () => {
    const code = [
      '<!DOCTYPE html>',
      '<head><title>Login</title><style>.c5{font-weight:700}</style></head>',
      '<p class="c5">Sign in<br><input name="user"></p>',
      'if (a < b && b > c) return;',
    ].join(' ');
    const storage =
      '<h2>Implementation notes</h2><p>The page template:</p>' +
      '<ac:structured-macro ac:name="code" ac:schema-version="1"><ac:parameter ac:name="language">html</ac:parameter>' +
      `<ac:plain-text-body><![CDATA[${code}]]></ac:plain-text-body></ac:structured-macro><p>Ship it.</p>`;
    expect(looksLikeHtml(storage)).toBe(true);
    const text = htmlToPlanText(storage);
    expect(text).toContain(code);
    expect(text).toContain('## Implementation notes');
    expect(text).toContain('Ship it.');
    expect(text).not.toContain('language');
  });

  it('still reads HTML pages: void elements, a head and class-bold paragraphs outside code', () => {
    const html =
      '<!DOCTYPE html><html><head><title>PRD</title><style>.c5{font-weight:700}</style></head><body>' +
      '<p class="c5">Stories</p><p>First line<br>second line</p><hr><p>End</p></body></html>';
    const text = htmlToPlanText(html);
    expect(text).not.toContain('PRD');
    expect(text).toContain('**Stories**');
    expect(text.split('\n')).toEqual(expect.arrayContaining(['First line', 'second line']));
    expect(text).toContain('End');
  });
});
