import { describe, expect, it } from 'vitest';
import { markdownToAdf } from '../adapters/jira/adf.js';
import type { JiraIssue } from '../adapters/jira/jira-types.js';
import { jiraStoryNotifier, splitAcceptanceCriteria, storyFromIssue } from './jira-story.js';

const issue = (markdown: string, text = markdown): JiraIssue =>
  ({
    key: 'SHOP-1',
    summary: ' Export invoices as CSV ',
    description: markdownToAdf(markdown),
    descriptionText: text,
  }) as JiraIssue;

describe('storyFromIssue', () => {
  it('takes the items under an "Acceptance criteria" heading as criteria and the rest as description', () => {
    const story = storyFromIssue(
      issue(
        'Finance needs invoices in a spreadsheet.\n\n## Acceptance criteria\n\n- A CSV file is downloaded\n- Amounts use two decimals\n\n## Notes\n\nKeep it small.',
      ),
      'https://jira.example/',
    );
    expect(story).toEqual({
      key: 'SHOP-1',
      summary: 'Export invoices as CSV',
      description: 'Finance needs invoices in a spreadsheet.\nNotes\nKeep it small.',
      acceptance_criteria: ['A CSV file is downloaded', 'Amounts use two decimals'],
      url: 'https://jira.example/browse/SHOP-1',
    });
  });

  it('reads a plain "Acceptance criteria:" line and keeps a Given/When/Then scenario as one criterion', () => {
    const text =
      'Export the list.\nAcceptance criteria:\nGiven invoices exist\nWhen I export them\nThen a CSV file is downloaded';
    const split = splitAcceptanceCriteria({ description: null, descriptionText: text });
    expect(split).toEqual({
      description: 'Export the list.',
      acceptance_criteria: ['Given invoices exist, When I export them, Then a CSV file is downloaded'],
    });
  });

  it('reads a story synced from a PRD without its "Synced from the PRD" footer among the criteria', () => {
    const story = storyFromIssue(
      issue(
        'Shoppers get a confirmation.\n\n## Acceptance criteria\n\n- The e-mail is sent within a minute\n\n> [!NOTE]\n> Synced from the PRD [Checkout](https://acme.atlassian.net/wiki/x/1).',
      ),
    );
    expect(story.acceptance_criteria).toEqual(['The e-mail is sent within a minute']);
    expect(story.description).toBe('Shoppers get a confirmation.');
  });

  it('gives no criteria when the description has no criteria section', () => {
    const story = storyFromIssue(issue('Just a description.'));
    expect(story.acceptance_criteria).toEqual([]);
    expect(story.description).toBe('Just a description.');
    expect(story.url).toBeUndefined();
  });
});

describe('jiraStoryNotifier', () => {
  it('comments with an idempotency key that depends on the story and the text', async () => {
    const calls: { key: string; text: string; idem?: string }[] = [];
    const jira = {
      addComment: async (key: string, text: string, opts: { idempotencyKey?: string } = {}) => {
        calls.push({ key, text, idem: opts.idempotencyKey });
        return { id: '1', created: true };
      },
    };
    const notifier = jiraStoryNotifier(() => jira as never);
    await notifier.commentOnStory('SHOP-1', 'PR: https://x/1');
    await notifier.commentOnStory('SHOP-1', 'PR: https://x/1');
    await notifier.commentOnStory('SHOP-1', 'PR: https://x/2');
    expect(calls[0]!.idem).toMatch(/^draft-pr-comment:[0-9a-f]{32}$/);
    expect(calls[1]!.idem).toBe(calls[0]!.idem);
    expect(calls[2]!.idem).not.toBe(calls[0]!.idem);
  });
});
