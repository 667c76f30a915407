/**
 * Context budget benchmark: how long fitting `additional_context` takes with the real tokenizer
 * (gpt-tokenizer, o200k) for contexts of 10 kB / 100 kB / 1 MB against budgets of 2k / 16k / 200k
 * tokens. The cut is a binary search over sentence boundaries, so each size costs a handful of
 * tokenizations of at most the budget's worth of text. Prints the median of 5 runs per case.
 *
 * Run: npm run bench -- llm-context   (or: node --import tsx bench/llm-context-budget.bench.ts)
 */
import { countTokens, fitAdditionalContext } from '../runner/src/adapters/llm/index.js';

const SENTENCES = [
  'The billing service owns invoices and exports them as CSV for finance every night.',
  'Refunds above 500 EUR need a second approver in the admin console.',
  'Webhooks retry with exponential backoff for up to 24 hours.',
  'Customers in the EU are served from the Frankfurt region only.',
];
const RUNS = 5;

function contextOf(chars: number): string {
  let out = '';
  for (let i = 0; out.length < chars; i++) out += `${SENTENCES[i % SENTENCES.length]} `;
  return out.slice(0, chars);
}

const system = 'You are a planning assistant for a software team.';
const basePrompt = 'Break ticket ABC-123 "Export invoices as CSV" into tasks per team.';
countTokens('warm up the tokenizer');

for (const size of [10_000, 100_000, 1_000_000]) {
  const additionalContext = contextOf(size);
  for (const limitTokens of [1_300, 12_000, 140_000]) {
    const times: number[] = [];
    let kept = 0;
    for (let r = 0; r < RUNS; r++) {
      const t = performance.now();
      const fit = fitAdditionalContext({ system, basePrompt, additionalContext, limitTokens, countTokens });
      times.push(performance.now() - t);
      kept = fit.context.length;
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(RUNS / 2)] ?? 0;
    console.log(
      `context ${String(size / 1000).padStart(5)} kB, prompt budget ${String(limitTokens).padStart(6)}: ` +
        `kept ${String(kept).padStart(7)} chars, median ${median.toFixed(1)} ms`,
    );
  }
}
