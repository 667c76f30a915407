import { type DraftPrPlan, DraftPrStory, type RepoSnapshot } from '@augment/shared';
import { describe, expect, it } from 'vitest';
import { type GenerateRequest, LlmOutputError } from '../adapters/llm/index.js';
import { ExecutableDraftPrPlan, LlmPlanner } from './llm-planner.js';
import { RuleBasedPlanner } from './planner.js';

const story = DraftPrStory.parse({
  key: 'SHOP-1',
  summary: 'Export invoices as CSV',
  description: 'Finance needs a CSV export.',
  acceptance_criteria: ['A CSV file is downloaded'],
});
const snapshot: RepoSnapshot = {
  url: 'https://github.com/acme/invoices',
  default_branch: 'main',
  head_sha: 'a'.repeat(40),
  files: ['README.md', 'src/invoices.ts'],
  truncated: false,
  samples: { 'README.md': '# Invoices\n' },
};
const request = { story, snapshot, otherRepos: [], branch: 'augment/SHOP-1-export' };
const modelPlan = {
  summary: 'Add a CSV export to the invoices module.',
  scope: { modified: ['src/invoices.ts'] },
  tests: [{ name: 'exports a CSV', type: 'unit' }],
  changes: [{ action: 'modify', path: 'src/invoices.ts', content: 'export const csv = () => "";\n' }],
};

/** A stand-in for the LLM facade: answers with `reply`, or with the fallback when told to. */
function fakeLlm(reply: unknown | Error | 'fallback') {
  const requests: GenerateRequest<DraftPrPlan>[] = [];
  return {
    requests,
    llm: {
      async generate<T>(req: GenerateRequest<T>) {
        requests.push(req as unknown as GenerateRequest<DraftPrPlan>);
        if (reply instanceof Error) throw reply;
        if (reply === 'fallback') {
          const data = req.schema.parse(await req.fallback!({ reason: 'no LLM provider is configured' }));
          return {
            data,
            engine: 'rules' as const,
            fallback_reason: 'none',
            provider: 'none' as const,
            model: null,
            usage: { input_tokens: 0, output_tokens: 0 },
            duration_ms: 0,
          };
        }
        return {
          data: req.schema.parse(reply),
          engine: 'llm' as const,
          provider: 'openai' as const,
          model: 'm',
          usage: { input_tokens: 1, output_tokens: 1 },
          duration_ms: 1,
          attempts: 1,
        };
      },
    },
  };
}

describe('LlmPlanner', () => {
  it('returns the model plan and sends the story and the file list, the story text as fenced context', async () => {
    const fake = fakeLlm(modelPlan);
    const planner = new LlmPlanner({ llm: fake.llm, fallback: new RuleBasedPlanner() });
    const plan = await planner.createPlan(request);
    expect(plan.summary).toBe(modelPlan.summary);
    expect(plan.scope.modified).toEqual(['src/invoices.ts']);
    const sent = fake.requests[0]!;
    expect(sent.schemaName).toBe('draft_pr_plan');
    expect(sent.prompt).toContain('SHOP-1: Export invoices as CSV');
    expect(sent.prompt).toContain('- src/invoices.ts');
    expect(sent.additionalContext).toContain('1. A CSV file is downloaded');
    expect(sent.additionalContext).toContain('Finance needs a CSV export.');
    expect(sent.fallback).toBeTypeOf('function');
  });

  it('falls back to the rule-based plan when no model is configured', async () => {
    const planner = new LlmPlanner({ llm: fakeLlm('fallback').llm, fallback: new RuleBasedPlanner() });
    const plan = await planner.createPlan(request);
    expect(plan.scope.added).toEqual(['docs/changes/shop-1.md']);
  });

  it('falls back to the rule-based plan when the model keeps answering with an unusable plan', async () => {
    const error = new LlmOutputError('draft_pr_plan', 'openai', 'm', 'changes: missing');
    const planner = new LlmPlanner({ llm: fakeLlm(error).llm, fallback: new RuleBasedPlanner() });
    expect((await planner.createPlan(request)).scope.added).toEqual(['docs/changes/shop-1.md']);
  });

  it('revises through the model with the feedback as context, and with the rules as fallback', async () => {
    const fake = fakeLlm('fallback');
    const planner = new LlmPlanner({ llm: fake.llm, fallback: new RuleBasedPlanner() });
    const plan = await new RuleBasedPlanner().createPlan(request);
    const revised = await planner.revisePlan({
      plan,
      story,
      feedback: {
        feedback: 'Mention the delimiter',
        concerns: [],
        change_requests: ['add test: delimiter is a comma'],
      },
    });
    expect(fake.requests[0]!.additionalContext).toContain('Mention the delimiter');
    expect(revised.tests.map((t) => t.name)).toContain('delimiter is a comma');
  });
});

describe('ExecutableDraftPrPlan', () => {
  it('refuses a plan whose scoped files have no edit, or that touches nothing', () => {
    expect(ExecutableDraftPrPlan.safeParse(modelPlan).success).toBe(true);
    const noEdit = ExecutableDraftPrPlan.safeParse({ ...modelPlan, changes: [] });
    expect(noEdit.success).toBe(false);
    expect(noEdit.error?.issues[0]?.message).toContain('no entry in changes for "src/invoices.ts"');
    expect(ExecutableDraftPrPlan.safeParse({ summary: 'Nothing', scope: {} }).success).toBe(false);
  });
});
