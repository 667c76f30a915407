import { describe, expect, it } from 'vitest';
import { adfToText, extractUrl, linkParagraph, markdownToAdf } from './adf.js';
import { idempotencyLabel, jqlString } from './idempotency.js';

describe('ADF helpers', () => {
  it('turns markdown into an ADF document with real structure', () => {
    const doc = markdownToAdf('## Goal\n\nShip **it**\n\n- one\n- two');
    expect(doc.type).toBe('doc');
    expect(doc.content.map((n) => n.type)).toEqual(['heading', 'paragraph', 'bulletList']);
    expect(adfToText(doc)).toContain('Ship it');
  });

  it('gives an empty paragraph for empty markdown', () => {
    expect(markdownToAdf('').content).toEqual([{ type: 'paragraph', content: [] }]);
  });

  it('finds a URL in plain strings, links, smart links and bare-URL text', () => {
    expect(extractUrl(' https://a.example/x ')).toBe('https://a.example/x');
    expect(extractUrl(linkParagraph('https://b.example/y'))).toBe('https://b.example/y');
    expect(
      extractUrl({
        type: 'doc',
        version: 1,
        content: [
          { type: 'paragraph', content: [{ type: 'inlineCard', attrs: { url: 'https://c.example' } }] },
        ],
      }),
    ).toBe('https://c.example');
    expect(extractUrl(markdownToAdf('https://d.example/z'))).toBe('https://d.example/z');
    expect(extractUrl(markdownToAdf('no link here'))).toBeNull();
    expect(extractUrl(null)).toBeNull();
  });
});

describe('idempotency markers', () => {
  it('are stable, distinct per key, and valid Jira labels', () => {
    const a = idempotencyLabel('job-1:story:guest checkout');
    expect(a).toBe(idempotencyLabel('job-1:story:guest checkout'));
    expect(a).not.toBe(idempotencyLabel('job-1:story:saved cards'));
    expect(a).toMatch(/^augment-idem-[0-9a-f]{20}$/);
    expect(() => idempotencyLabel('  ')).toThrow();
  });

  it('quote JQL values safely', () => {
    expect(jqlString('a"b\\c')).toBe('"a\\"b\\\\c"');
  });
});
