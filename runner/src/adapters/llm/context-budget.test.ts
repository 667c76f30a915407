import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  fitAdditionalContext,
  outputCapFor,
  promptBudget,
  safetyMargin,
  sentenceCuts,
} from './context-budget.js';
import { countTokens } from './tokens.js';

const words = [
  'plan',
  'the',
  'sprint',
  'API',
  'ticket',
  'Jira',
  'épique',
  '数据',
  'tests',
  'deploy',
  '🙂',
  'x',
];
const sentence = fc
  .array(fc.constantFrom(...words), { minLength: 1, maxLength: 20 })
  .chain((ws) => fc.constantFrom('. ', '! ', '? ', '\n', ' ', ', ').map((end) => `${ws.join(' ')}${end}`));
// size 'max' spreads lengths over the whole range, so budgets are hit, missed and exceeded.
const text = (maxSentences: number) =>
  fc.array(sentence, { maxLength: maxSentences, size: 'max' }).map((s) => s.join(''));

const fenced = (base: string, context: string) =>
  context ? `${base}\n\n<additional_context>\n${context}\n</additional_context>` : base;

describe('fitAdditionalContext', () => {
  it('computes the prompt budget from the context window, the answer cap and a margin', () => {
    // gpt-4o: 128,000-token window, an answer of 10,000 tokens (cap 12,000 with headroom).
    const cap = outputCapFor({ max_output_tokens: 16_384, reasoning_tokens: 0 }, 10_000);
    expect(cap).toBe(12_000);
    expect(safetyMargin(128_000)).toBe(2_560);
    expect(promptBudget(128_000, cap)).toBe(128_000 - 12_000 - 2_560);
    // A small window keeps at least 256 tokens of margin.
    expect(safetyMargin(8_192)).toBe(256);
  });

  it('sizes the cap to the answer, adds reasoning room, and never exceeds the model maximum', () => {
    expect(outputCapFor({ max_output_tokens: 128_000, reasoning_tokens: 25_000 }, 5_000)).toBe(31_000);
    expect(outputCapFor({ max_output_tokens: 4_096, reasoning_tokens: 0 }, 9_000)).toBe(4_096);
  });

  it('keeps the whole context when it fits', () => {
    const r = fitAdditionalContext({
      system: 'You plan work.',
      basePrompt: 'Plan ticket ABC-1.',
      additionalContext: 'The API is versioned. Use v2.',
      limitTokens: 1_300,
      countTokens,
    });
    expect(r).toMatchObject({ context: 'The API is versioned. Use v2.', truncated: false, method: 'tokens' });
  });

  it('cuts an oversized context at a sentence boundary', () => {
    const context = Array.from({ length: 400 }, (_, i) => `Sentence number ${i} explains a detail.`).join(
      ' ',
    );
    const r = fitAdditionalContext({
      system: 'sys',
      basePrompt: 'base',
      additionalContext: context,
      limitTokens: 600,
      countTokens,
    });
    expect(r.truncated).toBe(true);
    expect(r.context.length).toBeGreaterThan(0);
    expect(r.context.endsWith('detail.')).toBe(true);
    expect(context.startsWith(r.context)).toBe(true);
    expect(countTokens('sys') + countTokens(`base\n\n${r.context}`)).toBeLessThanOrEqual(600);
  });

  it('drops the context when the system and base prompt already use the whole budget', () => {
    const r = fitAdditionalContext({
      system: 'word '.repeat(900),
      basePrompt: 'word '.repeat(500),
      additionalContext: 'Some context.',
      limitTokens: 1_300,
      countTokens,
    });
    expect(r).toMatchObject({ context: '', truncated: true, method: 'tokens' });
  });

  it('falls back to 1,000 characters at a sentence boundary when the token budget is unknown', () => {
    const context = 'This is one sentence of context. '.repeat(100);
    const r = fitAdditionalContext({
      system: 's',
      basePrompt: 'b',
      additionalContext: context,
      limitTokens: undefined,
      countTokens,
    });
    expect(r.method).toBe('chars');
    expect(r.context.length).toBeLessThanOrEqual(1_000);
    expect(r.context.length).toBeGreaterThan(950);
    expect(r.context.endsWith('context.')).toBe(true);
  });

  it('falls back to the character cut when the tokenizer throws', () => {
    const r = fitAdditionalContext({
      system: 's',
      basePrompt: 'b',
      additionalContext: 'a'.repeat(5_000),
      limitTokens: 5_500,
      countTokens: () => {
        throw new Error('tokenizer broke');
      },
    });
    expect(r).toMatchObject({ method: 'chars', truncated: true });
    expect(r.context.length).toBe(1_000);
  });

  it('counts special-token strings in user text as plain text', () => {
    expect(countTokens('ignore <|endoftext|> this')).toBeGreaterThan(3);
  });

  it('never exceeds the prompt budget whenever the base prompt fits, and sends no context when it does not', () => {
    fc.assert(
      fc.property(
        text(30),
        text(60),
        text(400),
        fc.oneof(fc.integer({ min: 5, max: 1_300 }), fc.integer({ min: 1_300, max: 14_000 })),
        (system, basePrompt, additionalContext, limit) => {
          const r = fitAdditionalContext({
            system,
            basePrompt,
            additionalContext,
            limitTokens: limit,
            countTokens,
            compose: fenced,
          });
          const base = countTokens(system) + countTokens(fenced(basePrompt, ''));
          const sent = countTokens(system) + countTokens(fenced(basePrompt, r.context));
          expect(additionalContext.startsWith(r.context)).toBe(true);
          if (base <= limit) {
            expect(sent).toBeLessThanOrEqual(limit);
            // Nothing is cut when everything fits.
            const whole = countTokens(system) + countTokens(fenced(basePrompt, additionalContext));
            if (whole <= limit) expect(r.context).toBe(additionalContext);
          } else {
            expect(r.context).toBe('');
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('sentenceCuts', () => {
  it('ends sentences after terminal punctuation followed by space, and at line breaks', () => {
    const t = 'One. Two! Three?\nFour "five." six';
    const cuts = sentenceCuts(t, t.length);
    expect(cuts.map((c) => t.slice(0, c).trimEnd())).toEqual([
      'One.',
      'One. Two!',
      'One. Two! Three?',
      'One. Two! Three?',
      'One. Two! Three?\nFour "five."',
    ]);
  });
});
