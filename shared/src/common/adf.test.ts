import { describe, expect, it } from 'vitest';
import { type AdfDocument, type AdfNode, adfToText, isAdfDocument } from './adf.js';

const t = (text: string, marks?: AdfNode['marks']): AdfNode => ({
  type: 'text',
  text,
  ...(marks ? { marks } : {}),
});
const p = (...content: AdfNode[]): AdfNode => ({ type: 'paragraph', content });
const doc = (...content: AdfNode[]): AdfDocument => ({ type: 'doc', version: 1, content });

describe('adfToText (the one ADF -> text walker)', () => {
  it('joins a run of inline text as written and separates blocks', () => {
    const d = doc(
      { type: 'heading', attrs: { level: 2 }, content: [t('Goal')] },
      p(t('Ship '), t('it', [{ type: 'strong' }]), t(' now')),
      {
        type: 'bulletList',
        content: [
          { type: 'listItem', content: [p(t('one'))] },
          { type: 'listItem', content: [p(t('two'))] },
        ],
      },
    );
    expect(adfToText(d)).toBe('Goal\n\nShip it now\n\none\n\ntwo');
  });

  it('reads hard breaks, mentions, cards and table cells', () => {
    const d = doc(
      p(t('a'), { type: 'hardBreak' }, t('b')),
      p({ type: 'mention', attrs: { id: 'x', text: '@Ann' } }, t(' see '), {
        type: 'inlineCard',
        attrs: { url: 'https://a.example/x' },
      }),
      {
        type: 'table',
        content: [
          {
            type: 'tableRow',
            content: [
              { type: 'tableHeader', content: [p(t('k'))] },
              { type: 'tableCell', content: [p(t('v'))] },
            ],
          },
        ],
      },
    );
    const text = adfToText(d);
    expect(text).toContain('a\nb');
    expect(text).toContain('@Ann see https://a.example/x');
    expect(text).toMatch(/k\s+v/);
  });

  it('answers empty text for nothing, and tells documents from other values', () => {
    expect(adfToText(null)).toBe('');
    expect(adfToText(doc())).toBe('');
    expect(isAdfDocument(doc(p(t('x'))))).toBe(true);
    for (const v of [null, 'text', { type: 'paragraph', content: [] }, { type: 'doc' }])
      expect(isAdfDocument(v)).toBe(false);
  });
});
