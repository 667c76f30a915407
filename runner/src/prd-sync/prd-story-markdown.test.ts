import { type PrdStory, readTicketDescription } from '@augment/shared';
import { describe, expect, it } from 'vitest';
import { markdownToAdf } from '../adapters/jira/adf.js';
import { adfToMarkdown } from '../planning/adf-markdown.js';
import { prdStoryMarkdown } from './prd-story-markdown.js';

const story = (over: Partial<PrdStory>): PrdStory => ({
  title: 'Guest checkout',
  description: 'As a shopper I can pay without an account.',
  acceptance_criteria: { format: 'text', items: [] },
  jira_key: null,
  temp_id: null,
  row_index: 1,
  ...over,
});

describe('prdStoryMarkdown', () => {
  it('writes a Given/When/Then scenario as one criterion with its keywords in bold', () => {
    const md = prdStoryMarkdown(
      story({
        acceptance_criteria: {
          format: 'gwt',
          items: ['Given a cart', 'When the shopper pays', 'Then a receipt is shown'],
          scenarios: [
            { title: null, steps: ['Given a cart', 'When the shopper pays', 'Then a receipt is shown'] },
          ],
        },
      }),
    );
    expect(md).toContain(
      '## Acceptance criteria\n\n- **Given** a cart, **When** the shopper pays, **Then** a receipt is shown',
    );
    expect(readTicketDescription(md).acceptance_criteria).toEqual([
      'Given a cart, When the shopper pays, Then a receipt is shown',
    ]);
  });

  it('names a scenario by its title when a cell holds several', () => {
    const md = prdStoryMarkdown(
      story({
        acceptance_criteria: {
          format: 'gwt',
          items: ['Given a', 'Then b', 'Given c', 'Then d'],
          scenarios: [
            { title: 'Happy path', steps: ['Given a', 'Then b'] },
            { title: null, steps: ['Given c', 'Then d'] },
          ],
        },
      }),
    );
    expect(readTicketDescription(md).acceptance_criteria).toEqual([
      'Happy path: Given a, Then b',
      'Given c, Then d',
    ]);
  });

  it('keeps bullets and lines of text as one criterion each', () => {
    const bullets = prdStoryMarkdown(
      story({
        acceptance_criteria: { format: 'bullets', items: ['Cards are listed', 'A card can be removed'] },
      }),
    );
    expect(bullets).toContain('- Cards are listed\n- A card can be removed');
    const text = prdStoryMarkdown(
      story({ acceptance_criteria: { format: 'text', items: ['Sent within a minute.'] } }),
    );
    expect(readTicketDescription(text).acceptance_criteria).toEqual(['Sent within a minute.']);
  });

  it('leaves the criteria section out when the row has none, and falls back to the title', () => {
    const md = prdStoryMarkdown(story({ description: '  ' }));
    expect(md).toBe('Guest checkout\n');
  });

  it('writes the description as text: markdown characters in a cell stay characters', () => {
    const md = prdStoryMarkdown(story({ description: '# of seats * price, given 2 < 3' }));
    expect(readTicketDescription(adfToMarkdown(markdownToAdf(md))).description).toBe(
      '\\# of seats \\* price, given 2 \\< 3',
    );
    expect(markdownToAdf(md).content[0]).toEqual({
      type: 'paragraph',
      content: expect.arrayContaining([{ type: 'text', text: '#' }]),
    });
  });

  it('links back to the PRD page in a footer note that reads back as a footer, not as a criterion', () => {
    const md = prdStoryMarkdown(
      story({ acceptance_criteria: { format: 'bullets', items: ['One', 'Two'] } }),
      { pageTitle: 'Checkout [v2] PRD', pageUrl: 'https://acme.atlassian.net/wiki/spaces/S/pages/1' },
    );
    const adf = markdownToAdf(md);
    expect(adf.content.map((n) => n.type)).toEqual(['paragraph', 'heading', 'bulletList', 'panel']);
    const back = readTicketDescription(adfToMarkdown(adf));
    expect(back).toMatchObject({
      description: 'As a shopper I can pay without an account.',
      acceptance_criteria: ['One', 'Two'],
      footer: ['Synced from the PRD [Checkout v2 PRD](https://acme.atlassian.net/wiki/spaces/S/pages/1).'],
    });
  });
});
