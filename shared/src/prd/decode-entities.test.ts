import { describe, expect, it } from 'vitest';
import { decodeEntities, escapeXml } from './decode-entities.js';

describe('decodeEntities', () => {
  it('decodes named, decimal and hexadecimal entities', () => {
    expect(decodeEntities('a &amp; b&nbsp;c &#8217; &#x1F680; &eacute;&mdash;&hellip;')).toBe(
      'a & b\u00a0c \u2019 \u{1F680} \u00e9\u2014\u2026',
    );
  });

  it('decodes once, so an escaped entity stays literal', () => {
    expect(decodeEntities('&amp;nbsp; &amp;amp;')).toBe('&nbsp; &amp;');
  });

  it('keeps bare ampersands, unknown names, prototype names and invalid code points as written', () => {
    expect(decodeEntities('R&D &foo; &constructor; &#0; &#xD800; &#99999999;')).toBe(
      'R&D &foo; &constructor; &#0; &#xD800; &#99999999;',
    );
  });

  it('escapes text so that decoding gives it back', () => {
    const text = '<a href="x">Q&A</a>';
    expect(escapeXml(text)).toBe('&lt;a href=&quot;x&quot;&gt;Q&amp;A&lt;/a&gt;');
    expect(decodeEntities(escapeXml(text))).toBe(text);
  });
});
