import { describe, expect, it } from 'vitest';
import { matchExistingStories } from './match-existing-stories.js';

const existing = [
  {
    key: 'DEMO-2',
    title: 'Guest checkout',
    description: 'As a shopper I can pay without creating an account.',
  },
  {
    key: 'DEMO-3',
    title: 'Saved cards',
    description: 'As a returning shopper I can pay with a card saved on a previous order.',
  },
  { key: 'DEMO-7', title: 'Export invoices as CSV', description: '' },
];

describe('matchExistingStories', () => {
  it('matches a PRD row by the issue its ticket column links, whatever its title', () => {
    const [m] = matchExistingStories([{ key: 'DEMO-3', title: 'Card wallet' }], existing);
    expect(m).toEqual({ existing: 1, reason: 'row_link' });
  });

  it('matches the same title whatever its case and punctuation', () => {
    const [m] = matchExistingStories([{ title: 'guest  checkout!' }], existing);
    expect(m).toEqual({ existing: 0, reason: 'same_title' });
  });

  it('matches a title that differs only in word forms and small words (Jaccard 1 >= 0.8)', () => {
    const [m] = matchExistingStories([{ title: 'Export an invoice as a CSV' }], existing);
    expect(m).toEqual({ existing: 2, reason: 'similar_title' });
  });

  it('does not match a title that adds a word of its own (Jaccard 0.67 < 0.8): it is other work', () => {
    expect(matchExistingStories([{ title: 'Saved card list' }], existing)).toEqual([null]);
    expect(matchExistingStories([{ title: 'Saved cards v2' }], existing)).toEqual([null]);
  });

  it('matches a renamed story by its description when one title word is shared', () => {
    const [m] = matchExistingStories(
      [{ title: 'Pay as a guest', description: 'As a shopper I can pay without creating an account.' }],
      existing,
    );
    expect(m).toEqual({ existing: 0, reason: 'similar_description' });
  });

  it('matches a renamed story whose description has grown technical notes since', () => {
    const [m] = matchExistingStories(
      [
        {
          title: 'Pay as a guest',
          description:
            'As a shopper I can pay without creating an account.\n\nTechnical notes (RFC):\n- frontend: guest flow, card picker',
        },
      ],
      existing,
    );
    expect(m).toEqual({ existing: 0, reason: 'similar_description' });
  });

  it('does not match two different stories that share a few words of their descriptions', () => {
    const out = matchExistingStories(
      [
        {
          title: 'Guest order tracking',
          description: 'As a shopper I can track an order without an account.',
        },
      ],
      existing,
    );
    expect(out).toEqual([null]);
  });

  it('does not match on description alone when the titles share no word (two stories of one persona)', () => {
    const out = matchExistingStories(
      [
        {
          title: 'Order history',
          description: 'As a returning shopper I can see a card saved on a previous order.',
        },
      ],
      existing,
    );
    expect(out).toEqual([null]);
  });

  it('gives each existing story to one candidate only, the strongest match first', () => {
    const out = matchExistingStories(
      [{ title: 'Saved card' }, { key: 'DEMO-3', title: 'Card vault' }, { title: 'Saved cards' }],
      existing,
    );
    expect(out).toEqual([null, { existing: 1, reason: 'row_link' }, null]);
  });
});
