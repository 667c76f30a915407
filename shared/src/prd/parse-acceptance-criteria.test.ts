import { describe, expect, it } from 'vitest';
import { parseAcceptanceCriteria } from './parse-acceptance-criteria.js';

describe('parseAcceptanceCriteria', () => {
  it('splits inline Given/When/Then with colons into clauses', () => {
    expect(
      parseAcceptanceCriteria('Given: the user is logged in When: they click submit Then: the form is sent'),
    ).toEqual({
      format: 'gwt',
      items: ['Given the user is logged in', 'When they click submit', 'Then the form is sent'],
      scenarios: [
        {
          title: null,
          steps: ['Given the user is logged in', 'When they click submit', 'Then the form is sent'],
        },
      ],
    });
  });

  it('keeps And and But clauses', () => {
    expect(
      parseAcceptanceCriteria(
        'Given: a cart And: a coupon When: paying Then: a discount applies But: no free shipping',
      ).items,
    ).toEqual([
      'Given a cart',
      'And a coupon',
      'When paying',
      'Then a discount applies',
      'But no free shipping',
    ]);
  });

  it('splits inline clauses without colons only at capitalised keywords', () => {
    expect(
      parseAcceptanceCriteria('Given the owner and the admin When they save Then both are notified').items,
    ).toEqual(['Given the owner and the admin', 'When they save', 'Then both are notified']);
  });

  it('reads one clause per <br/> line or paragraph, with any keyword case', () => {
    const fromBr = parseAcceptanceCriteria(
      '<p>given a user<br/>WHEN they log in<br />then: they see the dashboard</p>',
    );
    const fromP = parseAcceptanceCriteria(
      '<p>Given a user</p><p>When they log in</p><p>Then they see the dashboard</p>',
    );
    const expected = ['Given a user', 'When they log in', 'Then they see the dashboard'];
    expect(fromBr.items).toEqual(expected);
    expect(fromP.items).toEqual(expected);
  });

  it('reads plain text lines split on newlines', () => {
    expect(
      parseAcceptanceCriteria('Given a user\nWhen they log in\nThen they see the dashboard').format,
    ).toBe('gwt');
  });

  it('groups several scenarios, by "Scenario" lines or by a Given after a Then', () => {
    const titled = parseAcceptanceCriteria(
      '<p>Scenario: happy path</p><p>Given a</p><p>Then b</p><p>Scenario: sad path</p><p>Given c</p><p>Then d</p>',
    );
    expect(titled.scenarios).toEqual([
      { title: 'Scenario: happy path', steps: ['Given a', 'Then b'] },
      { title: 'Scenario: sad path', steps: ['Given c', 'Then d'] },
    ]);
    const untitled = parseAcceptanceCriteria('Given a\nWhen b\nThen c\nGiven d\nWhen e\nThen f');
    expect(untitled.scenarios?.map((s) => s.steps)).toEqual([
      ['Given a', 'When b', 'Then c'],
      ['Given d', 'When e', 'Then f'],
    ]);
    expect(untitled.items).toHaveLength(6);
  });

  it('uses an untagged line between scenarios as the next scenario title', () => {
    const ac = parseAcceptanceCriteria('Given a\nThen b\nExpired link\nGiven c\nThen d');
    expect(ac.scenarios).toEqual([
      { title: null, steps: ['Given a', 'Then b'] },
      { title: 'Expired link', steps: ['Given c', 'Then d'] },
    ]);
  });

  it('joins a wrapped continuation line to the clause before it', () => {
    expect(
      parseAcceptanceCriteria('Given a user\nWhen they pay\nThen a receipt is sent\nto their e-mail').items,
    ).toEqual(['Given a user', 'When they pay', 'Then a receipt is sent to their e-mail']);
  });

  it('reads Given/When/Then written as list items as gwt, not bullets', () => {
    expect(parseAcceptanceCriteria('<ul><li>Given a</li><li>When b</li><li>Then c</li></ul>').format).toBe(
      'gwt',
    );
    expect(parseAcceptanceCriteria('- Given a\n- When b\n- Then c').items).toEqual([
      'Given a',
      'When b',
      'Then c',
    ]);
  });

  it('does not treat prose that merely contains "when" and "then" as gwt', () => {
    const ac = parseAcceptanceCriteria('When the invoice is paid, then the order ships the same day.');
    expect(ac).toEqual({
      format: 'text',
      items: ['When the invoice is paid, then the order ships the same day.'],
    });
  });

  it('reads ul and ol lists, nested items included, as bullets', () => {
    expect(
      parseAcceptanceCriteria(
        '<ul><li><p>One</p><ul><li>One.a</li></ul></li><li>Two</li></ul><ol><li>Three</li></ol>',
      ),
    ).toEqual({ format: 'bullets', items: ['One', 'One.a', 'Two', 'Three'] });
  });

  it('reads "- ", "* ", "• " and numbered lines as bullets', () => {
    expect(parseAcceptanceCriteria('- a\n- b')).toEqual({ format: 'bullets', items: ['a', 'b'] });
    expect(parseAcceptanceCriteria('* a<br/>* b')).toEqual({ format: 'bullets', items: ['a', 'b'] });
    expect(parseAcceptanceCriteria('\u2022 a\n\u2022 b')).toEqual({ format: 'bullets', items: ['a', 'b'] });
    expect(parseAcceptanceCriteria('1. a\n2) b\n10. c')).toEqual({
      format: 'bullets',
      items: ['a', 'b', 'c'],
    });
  });

  it('keeps an introductory line among the bullet items', () => {
    expect(parseAcceptanceCriteria('<p>The export:</p><ul><li>is CSV</li><li>has headers</li></ul>')).toEqual(
      {
        format: 'bullets',
        items: ['The export:', 'is CSV', 'has headers'],
      },
    );
  });

  it('reads Confluence task lists as bullets', () => {
    const tasks =
      '<ac:task-list><ac:task><ac:task-id>1</ac:task-id><ac:task-status>incomplete</ac:task-status><ac:task-body>Valid .ics</ac:task-body></ac:task>' +
      '<ac:task><ac:task-id>2</ac:task-id><ac:task-status>complete</ac:task-status><ac:task-body>Keeps rules</ac:task-body></ac:task></ac:task-list>';
    expect(parseAcceptanceCriteria(tasks)).toEqual({
      format: 'bullets',
      items: ['Valid .ics', 'Keeps rules'],
    });
  });

  it('reads anything else as text, one item per line, without splitting sentences', () => {
    expect(parseAcceptanceCriteria('The form validates input. Errors are shown inline.')).toEqual({
      format: 'text',
      items: ['The form validates input. Errors are shown inline.'],
    });
    expect(parseAcceptanceCriteria('<p>First rule</p><p>Second rule</p>').items).toEqual([
      'First rule',
      'Second rule',
    ]);
  });

  it('does not take a hyphenated word or a decimal for a bullet', () => {
    expect(parseAcceptanceCriteria('-5% fee applies\n2.5 seconds max').format).toBe('text');
  });

  it('decodes entities and ignores template placeholders', () => {
    expect(parseAcceptanceCriteria('Totals &amp; taxes&nbsp;shown')).toEqual({
      format: 'text',
      items: ['Totals & taxes shown'],
    });
    expect(parseAcceptanceCriteria('<p><ac:placeholder>Type criteria here</ac:placeholder></p>')).toEqual({
      format: 'text',
      items: [],
    });
  });

  it('returns no items for an empty cell', () => {
    expect(parseAcceptanceCriteria('')).toEqual({ format: 'text', items: [] });
    expect(parseAcceptanceCriteria('<p />')).toEqual({ format: 'text', items: [] });
  });
});
