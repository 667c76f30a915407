import { countTokens as countO200k } from 'gpt-tokenizer';

// Ticket text may contain strings like "<|endoftext|>"; they are counted as plain text, never as
// control tokens (gpt-tokenizer throws on them by default).
const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

export type CountTokens = (text: string) => number;

/** Tokens of `text` in OpenAI's o200k_base vocabulary (GPT-4o, GPT-5, o-series). */
export const countTokens: CountTokens = (text) => (text ? countO200k(text, PLAIN_TEXT) : 0);

/** A counter padded by `margin` for vendors whose tokenizers split text more finely than o200k. */
export function tokenCounter(margin: number): CountTokens {
  return margin === 1 ? countTokens : (text) => Math.ceil(countTokens(text) * margin);
}
