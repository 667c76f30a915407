/**
 * How many model calls one story takes, per model and coverage level: the figures the README documents
 * ("What a model is sent, and how many calls a story takes"), measured against the stand-in model answering
 * at the top of each requested shape, with every call accepted and no answer cut at its cap.
 */
import type { Story } from '@augment/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLlm } from '../../runner/src/adapters/llm/index.js';
import { generateStoryTasks } from '../../runner/src/planning/generate.js';
import type { PlanningCtx } from '../../runner/src/planning/structured.js';
import { captureLogger, testConfig } from '../llm/helpers.js';
import { type ModelStandIn, startModelStandIn } from '../stubs/model-stand-in.js';
import { LOYALTY_ROWS } from './llm-seed.js';
import { fullSizeScript } from './plan-script.js';

let model: ModelStandIn;
beforeAll(async () => {
  model = await startModelStandIn(fullSizeScript);
});
afterAll(() => model.close());

/** Two criteria: the model is asked for at most 5 tasks. */
const small: Story = {
  key: 'LOY-3',
  title: LOYALTY_ROWS[1]!.title,
  description: LOYALTY_ROWS[1]!.description,
  acceptance_criteria: LOYALTY_ROWS[1]!.criteria,
};
/** Nine criteria: the model is asked for at most 12 tasks. */
const large: Story = {
  key: 'PAY-1',
  title: 'Checkout with saved cards, vouchers and invoices',
  description:
    'As a shopper I pay with a saved card, a voucher or an invoice; the admin screen lists payments; a nightly export reconciles them; webhooks notify the ERP.',
  acceptance_criteria: Array.from(
    { length: 9 },
    (_, i) =>
      `Criterion ${i + 1}: the payment API, the checkout screen, the export job and the webhook handle case ${i + 1}`,
  ),
};

// [provider, model, standard 5 tasks, standard 12 tasks, comprehensive 5 tasks, comprehensive 12 tasks]
const README_TABLE: [string, string, number, number, number, number][] = [
  ['openai', 'gpt-5-mini', 1, 1, 1, 1],
  ['openai', 'gpt-4.1', 1, 1, 1, 1],
  ['claude', 'claude-sonnet-4-6', 1, 1, 1, 1],
  ['gemini', 'gemini-2.5-flash', 1, 1, 1, 1],
  ['kimi', 'moonshot-v1-128k', 1, 1, 1, 1],
  ['claude', 'claude-opus-4-1', 1, 1, 1, 2],
  ['openai', 'gpt-4o', 1, 3, 1, 3],
  ['openai', 'gpt-4o-mini', 1, 3, 1, 3],
  ['gemini', 'gemini-2.0-flash', 2, 4, 3, 5],
  ['kimi', 'moonshot-v1-8k', 3, 4, 4, 7],
  ['openai', 'gpt-3.5-turbo', 4, 7, 6, 13],
];

describe('calls per story', () => {
  it.each(README_TABLE)(
    '%s %s: as many calls as the README says, all accepted, none cut',
    async (provider, id, ...expected) => {
      const config = testConfig({
        openai: model.baseUrls.openai,
        claude: model.baseUrls.claude,
        gemini: model.baseUrls.gemini,
        kimi: model.baseUrls.kimi,
      });
      const llm = createLlm(config, { log: captureLogger().log });
      const got: number[] = [];
      for (const coverage_level of ['standard', 'comprehensive'] as const) {
        for (const story of [small, large]) {
          model.reset();
          const ctx: PlanningCtx = { llm, signal: new AbortController().signal, log: captureLogger().log };
          const r = await generateStoryTasks(
            ctx,
            story,
            { max_task_cycle_days: 3, include_tests: true, coverage_level },
            { llm_provider: provider, llm_model: id },
          );
          expect(r.engine).toBe('llm');
          expect(r.tasks).toHaveLength(story === small ? 5 : 12);
          for (const c of model.calls) {
            expect(c.refused, c.refused).toBeUndefined();
            expect(c.truncated).toBe(false);
          }
          expect(r.llm!.calls).toBe(model.calls.length);
          got.push(r.llm!.calls);
        }
      }
      expect(got).toEqual(expected);
    },
  );
});
