import type { PrdStory } from '@augment/shared';
import { describe, expect, it } from 'vitest';
import { markdownToAdf } from '../adapters/jira/adf.js';
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
  it('lists Given/When/Then clauses with the keyword in bold', () => {
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
    expect(md).toContain('## Acceptance Criteria');
    expect(md).toContain('- **Given** a cart\n- **When** the shopper pays\n- **Then** a receipt is shown');
  });

  it('names each scenario when a cell holds several', () => {
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
    expect(md).toContain('**Happy path**\n\n- **Given** a\n- **Then** b');
    expect(md).toContain('**Scenario 2**\n\n- **Given** c\n- **Then** d');
  });

  it('keeps bullets as a list and plain text as paragraphs', () => {
    const bullets = prdStoryMarkdown(
      story({
        acceptance_criteria: { format: 'bullets', items: ['Cards are listed', 'A card can be removed'] },
      }),
    );
    expect(bullets).toContain('- Cards are listed\n- A card can be removed');
    const text = prdStoryMarkdown(
      story({ acceptance_criteria: { format: 'text', items: ['Sent within a minute.'] } }),
    );
    expect(text).toContain('## Acceptance Criteria\n\nSent within a minute.');
  });

  it('leaves the criteria section out when the row has none, and falls back to the title', () => {
    const md = prdStoryMarkdown(story({ description: '  ' }));
    expect(md).toBe('Guest checkout\n');
  });

  it('links back to the PRD page and converts to an ADF document with a bullet list', () => {
    const md = prdStoryMarkdown(
      story({ acceptance_criteria: { format: 'bullets', items: ['One', 'Two'] } }),
      { pageTitle: 'Checkout [v2] PRD', pageUrl: 'https://acme.atlassian.net/wiki/spaces/S/pages/1' },
    );
    expect(md).toContain('[Checkout v2 PRD](https://acme.atlassian.net/wiki/spaces/S/pages/1)');
    const adf = markdownToAdf(md);
    expect(adf.content.map((n) => n.type)).toEqual(['paragraph', 'heading', 'bulletList', 'paragraph']);
  });
});
