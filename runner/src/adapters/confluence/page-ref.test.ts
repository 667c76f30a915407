import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AtlassianError } from '../http/atlassian-error.js';
import { decodeTinyId, encodeTinyId, parsePageRef } from './page-ref.js';

describe('parsePageRef', () => {
  it.each([
    ['123456789', '123456789'],
    ['https://acme.atlassian.net/wiki/spaces/PROJ/pages/123456789/PRD', '123456789'],
    ['https://acme.atlassian.net/wiki/spaces/PROJ/pages/123456789', '123456789'],
    ['https://acme.atlassian.net/wiki/spaces/PROJ/pages/edit-v2/123456789', '123456789'],
    ['https://acme.atlassian.net/wiki/spaces/PROJ/pages/edit-v2/123456789?draftShareId=x', '123456789'],
    ['https://acme.atlassian.net/wiki/pages/viewpage.action?pageId=123456789', '123456789'],
    ['https://acme.atlassian.net/wiki/spaces/PROJ/pages/123456789/PRD#Story-List', '123456789'],
    ['https://wiki.example.com/x/LIQHD', '201819180'],
  ])('finds the page id in %s', (ref, id) => {
    expect(parsePageRef(ref)).toBe(id);
  });

  it.each([
    ['', 'empty'],
    ['abc', 'expected a numeric page id'],
    ['0', 'positive'],
    ['https://acme.atlassian.net/wiki/display/PROJ/Some+Title', 'carry no page id'],
    ['https://acme.atlassian.net/wiki/spaces/PROJ/overview', 'no page id'],
    ['https://acme.atlassian.net/wiki/pages/viewpage.action?pageId=abc', 'not a number'],
  ])('refuses %j with a clear reason', (ref, why) => {
    expect(() => parsePageRef(ref)).toThrow(AtlassianError);
    expect(() => parsePageRef(ref)).toThrow(why);
    try {
      parsePageRef(ref);
    } catch (e) {
      expect((e as AtlassianError).code).toBe('invalid_input');
      expect((e as AtlassianError).status).toBe(400);
    }
  });
});

describe('tiny links', () => {
  it('decode what they encode, for ids of any size', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 2n ** 63n }),
        (id) => decodeTinyId(encodeTinyId(id.toString())) === id.toString(),
      ),
    );
  });

  it('matches the published example', () => {
    expect(encodeTinyId('201819180')).toBe('LIQHD');
  });
});
