/**
 * Scripted answers of the OpenAI stand-in for the planning prompts, chosen by the output schema's name.
 * Task plans name the story they were asked about (read from the prompt), so each story gets its own.
 */
import type { Story } from '@augment/shared';
import type { RecordedRequest, StubReply } from '../stubs/index.js';

export const schemaOf = (r: RecordedRequest): string | undefined =>
  r.body?.response_format?.json_schema?.name;

function userText(r: RecordedRequest): string {
  const messages = (r.body?.messages ?? []) as { role: string; content: unknown }[];
  return messages
    .filter((m) => m.role === 'user')
    .map((m) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content)))
    .join('\n');
}

const tc = (title: string, type: string, criterion: string | null) => ({
  title,
  type,
  description: `Checks: ${title}.`,
  steps: ['Arrange the data', `Exercise: ${title}`],
  expected_result: 'The behaviour matches the story',
  covers_criterion: criterion,
  priority: 'high',
});

/** Three tasks per story: API -> screen (4 days, so it is split) -> QA; the first story adds a cycle. */
export function taskPlanFor(key: string, title: string, criteria: string[], withCycle: boolean) {
  const c0 = criteria[0] ?? null;
  const c1 = criteria[1] ?? c0;
  return {
    story_types: ['api', 'ui'],
    tasks: [
      {
        ref: 'T1',
        summary: `Build the ${title} API`,
        description: `Endpoints and persistence for ${title} (${key}).\n- validation\n- storage`,
        team: 'backend',
        estimate_days: 2,
        // T3 depends on T2 which depends on T1: T1 -> T3 would close a cycle.
        depends_on: withCycle ? ['T3'] : [],
        covers_criteria: c0 ? [c0] : [],
        test_cases: [
          tc(`${title}: API accepts a valid request`, 'integration', c0),
          tc(`${title}: API rejects an invalid request`, 'integration', c0),
          tc(`${title}: persistence round trip`, 'unit', null),
        ],
      },
      {
        ref: 'T2',
        summary: `Build the ${title} screen`,
        description: `Screen for ${title}.\n- form\n- list\n- errors`,
        team: 'frontend',
        estimate_days: 4,
        depends_on: ['T1'],
        covers_criteria: c1 ? [c1] : [],
        test_cases: [
          tc(`${title}: screen shows the data`, 'ui', c1),
          tc(`${title}: screen shows errors`, 'ui', c1),
          tc(`${title}: keyboard navigation works`, 'ui', null),
        ],
      },
      {
        ref: 'T3',
        summary: `Test ${title} end to end`,
        description: `End-to-end tests of ${title}.`,
        team: 'qa',
        estimate_days: 1,
        depends_on: [`Build the ${title} screen`],
        covers_criteria: criteria,
        test_cases: [
          tc(`${title}: happy path end to end`, 'e2e', c0),
          tc(`${title}: second criterion end to end`, 'e2e', c1),
          tc(`${title}: regression of related flows`, 'e2e', null),
        ],
      },
    ],
  };
}

/** Answers the planning schemas; `stories` are what epic story generation returns. */
export function planningResponder(stories: readonly Story[], cycleFor: string) {
  return (r: RecordedRequest): StubReply => {
    const text = userText(r);
    switch (schemaOf(r)) {
      case 'epic_stories':
        return {
          json: {
            stories: stories.map((s) => ({
              title: s.title,
              description: s.description,
              acceptance_criteria: s.acceptance_criteria,
              story_points: s.story_points ?? 3,
            })),
          },
        };
      case 'story_task_plan': {
        const key = /Break story (\S+) into/.exec(text)?.[1] ?? 'UNKNOWN';
        const title = new RegExp(`# ${key} (.+)`).exec(text)?.[1]?.trim() ?? key;
        const block = /## Acceptance criteria\n([\s\S]*?)(?:\n\n|\n<\/story>|$)/.exec(text)?.[1] ?? '';
        const criteria = block
          .split('\n')
          .map((l) => l.replace(/^-\s+/, '').trim())
          .filter((l) => l && !l.startsWith('('));
        return { json: taskPlanFor(key, title, criteria, key === cycleFor) };
      }
      case 'cross_story_dependencies':
        // The invoicing stories are planned independently here; the cross-story suite covers links.
        return { json: { dependencies: [] } };
      case 'ticket_description':
        return {
          json: {
            summary: 'Export invoices as PDF',
            description_markdown:
              '## Context\nFinance managers attach invoice PDFs to emails.\n\n## Scope\n- PDF renderer',
            acceptance_criteria: [
              'Given an invoice, when the PDF is exported, then it lists every line item',
            ],
            technical_notes: ['Render on the server'],
          },
        };
      default:
        return { status: 500 };
    }
  };
}
