import type { CountTokens } from './tokens.js';

/**
 * The budget of a call: the model's context window holds the prompt, the answer and a safety margin.
 * The answer's cap follows the size the caller expects (plus headroom, plus the model's reasoning), and
 * the prompt gets everything else, so a large-context model receives the whole source while a small one
 * gets what fits.
 */
/** Headroom over the expected answer: a model writing a little more than asked is not cut off. */
export const ANSWER_HEADROOM = 1.2;
/** The expected answer of a request that names none (a ticket description, a draft-PR plan). */
export const DEFAULT_EXPECTED_OUTPUT_TOKENS = 4_096;
/** Chat framing tokens (roles, separators) the counts do not see. */
export const FRAMING_TOKENS = 16;
/** Cut used when the token budget cannot be computed. */
export const UNKNOWN_BUDGET_CHARS = 1_000;

/** Tokens kept free for counting slack (other vendors' tokenizers, framing): 2% of the window, at least 256. */
export function safetyMargin(contextWindow: number): number {
  return Math.max(256, Math.ceil(contextWindow * 0.02));
}

/** max_tokens for an answer of `expected` tokens on a model: headroom and reasoning included. */
export function outputCapFor(
  model: { max_output_tokens: number; reasoning_tokens: number },
  expected: number,
): number {
  return Math.min(model.max_output_tokens, Math.ceil(expected * ANSWER_HEADROOM) + model.reasoning_tokens);
}

/** The prompt budget of a call: context window - answer cap - margin. */
export function promptBudget(contextWindow: number, outputCap: number): number {
  return contextWindow - outputCap - safetyMargin(contextWindow);
}

// No token of o200k is anywhere near this long in prose; only bounds the search, never the guarantee.
const MAX_CHARS_PER_TOKEN = 32;

export interface FitInput {
  system: string;
  /** The user prompt without the additional context. */
  basePrompt: string;
  additionalContext: string | undefined;
  /** Prompt budget in tokens (system + prompt + context); undefined = unknown: cut by characters. */
  limitTokens: number | undefined;
  countTokens: CountTokens | undefined;
  /** How the context joins the prompt (e.g. a fenced section); its wrapper counts against the budget. */
  compose?: ((basePrompt: string, context: string) => string) | undefined;
}

export interface FitResult {
  /** The (possibly cut) context; '' when there is no room. */
  context: string;
  truncated: boolean;
  method: 'tokens' | 'chars';
  /** The prompt budget it was fitted to (tokens method only). */
  limitTokens?: number;
  /** Tokens of system + composed prompt with the returned context (tokens method only). */
  promptTokens?: number;
}

const defaultCompose = (base: string, context: string) => (context ? `${base}\n\n${context}` : base);

/**
 * Cuts `additionalContext` so that system + prompt + context stay within `limitTokens`, preferring a
 * sentence boundary, then a word boundary. When the base prompt alone is over budget the context is
 * dropped; when the budget is unknown the context is cut to 1,000 characters.
 */
export function fitAdditionalContext(input: FitInput): FitResult {
  const context = input.additionalContext ?? '';
  if (!context) return { context: '', truncated: false, method: 'tokens' };
  const { limitTokens, countTokens } = input;
  if (limitTokens === undefined || !Number.isFinite(limitTokens) || !countTokens) {
    return charCut(context);
  }
  const compose = input.compose ?? defaultCompose;
  try {
    const limit = Math.floor(limitTokens);
    const systemTokens = countTokens(input.system);
    const total = (c: string) => systemTokens + countTokens(compose(input.basePrompt, c));
    const base = total('');
    if (base > limit)
      return { context: '', truncated: true, method: 'tokens', limitTokens: limit, promptTokens: base };
    const maxChars = (limit - base) * MAX_CHARS_PER_TOKEN + 1;
    if (context.length <= maxChars) {
      const whole = total(context);
      if (whole <= limit)
        return { context, truncated: false, method: 'tokens', limitTokens: limit, promptTokens: whole };
    }
    const fits = (c: string) => {
      const t = total(c);
      return t <= limit ? t : undefined;
    };
    const found =
      largestFitting(sentenceCuts(context, maxChars), context, fits) ??
      largestFitting(wordCuts(context, maxChars), context, fits);
    if (found)
      return {
        context: found.text,
        truncated: true,
        method: 'tokens',
        limitTokens: limit,
        promptTokens: found.tokens,
      };
    return { context: '', truncated: true, method: 'tokens', limitTokens: limit, promptTokens: base };
  } catch {
    // A tokenizer failure must not fail the call: use the spec's character fallback.
    return charCut(context);
  }
}

function charCut(context: string): FitResult {
  if (context.length <= UNKNOWN_BUDGET_CHARS) return { context, truncated: false, method: 'chars' };
  const fits = (c: string) => (c.length <= UNKNOWN_BUDGET_CHARS ? c.length : undefined);
  const found =
    largestFitting(sentenceCuts(context, UNKNOWN_BUDGET_CHARS + 1), context, fits) ??
    largestFitting(wordCuts(context, UNKNOWN_BUDGET_CHARS + 1), context, fits);
  return { context: found?.text ?? context.slice(0, UNKNOWN_BUDGET_CHARS), truncated: true, method: 'chars' };
}

/**
 * Binary search over cut positions (ascending). Token counts grow with the prefix in practice; the
 * answer is always one that was measured to fit, so a non-monotonic count can only cost context,
 * never overflow the budget.
 */
function largestFitting(
  cuts: number[],
  text: string,
  fits: (candidate: string) => number | undefined,
): { text: string; tokens: number } | undefined {
  let lo = 0;
  let hi = cuts.length - 1;
  let best: { text: string; tokens: number } | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const candidate = text.slice(0, cuts[mid]).trimEnd();
    const tokens = candidate ? fits(candidate) : undefined;
    if (tokens !== undefined) {
      best = { text: candidate, tokens };
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return best;
}

/** End offsets of sentences (after . ! ? and closing quotes/brackets, or at a line break), below `maxChars`. */
export function sentenceCuts(text: string, maxChars: number): number[] {
  const cuts: number[] = [];
  const re = /[.!?]+["')\]]*(?=\s)|\n/g;
  for (let m = re.exec(text); m && m.index < maxChars; m = re.exec(text)) {
    const end = m.index + m[0].length;
    if (end <= maxChars && end < text.length) cuts.push(end);
  }
  return cuts;
}

function wordCuts(text: string, maxChars: number): number[] {
  const cuts: number[] = [];
  const re = /\s+/g;
  for (let m = re.exec(text); m && m.index < maxChars; m = re.exec(text)) {
    if (m.index > 0 && m.index <= maxChars) cuts.push(m.index);
  }
  return cuts;
}
