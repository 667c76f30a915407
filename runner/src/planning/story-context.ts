/**
 * The context one story's planning call carries, labelled, built within the token budget the LLM facade
 * hands over (context window - expected answer - margin).
 *
 * Always sent (what the story needs): the epic goal, the story's own PRD row as written, the constraints
 * every story carries, what is out of scope, the other stories of the epic (so their work is not planned
 * twice) and the cross-cutting work already planned once for the epic. Then, while room remains: the
 * whole PRD as written, or, on a small model, the lines of its sections that concern the story (scored by
 * the words they share with it), then the RFC the same way, then the requester's own context. The report
 * says what was left out.
 */
import {
  contentTokens,
  matchExistingStories,
  type PlanSource,
  type SourceStory,
  type Story,
} from '@augment/shared';
import type { ContextBudget, ContextBuilder } from '../adapters/llm/index.js';

export interface StoryContextInput {
  /** The epic and its PRD, read once per epic (readPlanSource). */
  source?: PlanSource | undefined;
  story: Story;
  /** The epic's stories (this one may be among them; it is left out of the list). */
  stories?: readonly Pick<Story, 'key' | 'title'>[] | undefined;
  /** Summaries of the epic-level tasks already planned once for every story (audit trail, reviews...). */
  cross_cutting?: readonly string[] | undefined;
  rfc_text?: string | undefined;
  /** Free text from the requester. */
  additional_context?: string | undefined;
}

// A type (not an interface) so it is a plain record for the facade's report.
export type StoryContextReport = {
  budget_tokens: number;
  used_tokens: number;
  /** Tokens of the parts that are always sent. */
  required_tokens: number;
  /** The story's row in the PRD (1-based), or its title when it is no table row; null: not in the PRD. */
  prd_row: number | string | null;
  /** 'whole': every section as written; 'excerpt': the lines that concern the story; 'none': no PRD. */
  prd: 'whole' | 'excerpt' | 'none';
  prd_lines: { sent: number; total: number };
  /** Titles of PRD sections of which nothing was sent. */
  sections_left_out: string[];
  rfc: 'whole' | 'excerpt' | 'none';
  rfc_lines: { sent: number; total: number };
  additional_context: 'whole' | 'cut' | 'none';
};

interface Block {
  /** Heading of a scored part ('' for the untitled top of a document). */
  title: string;
  lines: string[];
}

const bullets = (lines: readonly string[]) => lines.map((l) => `- ${l}`).join('\n');
const section = (title: string, body: string) => (body.trim() ? `## ${title}\n${body.trim()}` : '');
const join = (...parts: string[]) => parts.filter(Boolean).join('\n\n');
// Lead lines of an epic description without a heading belong to its goal; more would be body text.
const MAX_LEAD_LINES = 12;

/** The PRD row (or story) of the source that `story` is. */
export function sourceStoryOf(source: PlanSource, story: Story): SourceStory | undefined {
  const [match] = matchExistingStories(
    [{ key: story.key ?? null, title: story.title, description: story.description }],
    source.stories.map((s) => ({ key: s.jira_key, title: s.title, description: s.description })),
  );
  return match ? source.stories[match.existing] : undefined;
}

function rowText(row: SourceStory): string {
  const where =
    row.row_index !== null ? `Row ${row.row_index} of the PRD's story table` : `"${row.section || 'PRD'}"`;
  return [
    `${where}${row.jira_key ? ` (${row.jira_key})` : ''}: ${row.title}`,
    row.description,
    row.acceptance_criteria.length > 0
      ? `Acceptance criteria as written:\n${bullets(row.acceptance_criteria)}`
      : '',
  ]
    .filter(Boolean)
    .join('\n');
}

/** Blocks of text lines under headings (an RFC's markdown, free text). */
function blocksOf(text: string): Block[] {
  const blocks: Block[] = [{ title: '', lines: [] }];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const h = /^#{1,6}\s+(.+)$/.exec(line);
    if (h) blocks.push({ title: h[1]!.trim(), lines: [] });
    else blocks[blocks.length - 1]!.lines.push(line.replace(/^[-*•]\s+/, ''));
  }
  return blocks.filter((b) => b.title || b.lines.length > 0);
}

const render = (blocks: readonly Block[]) =>
  blocks
    .filter((b) => b.lines.length > 0 || b.title)
    .map((b) => [b.title ? `### ${b.title}` : '', ...b.lines.map((l) => `- ${l}`)].filter(Boolean).join('\n'))
    .join('\n');

/**
 * The lines of `blocks` that share words with the story, best first, while they fit `room` tokens;
 * returned in document order under their headings. Line costs add up (a line and its heading are
 * counted once each), which is what the rendered text costs give or take a token per line; the caller
 * checks the final text.
 */
function excerpt(
  blocks: readonly Block[],
  words: ReadonlySet<string>,
  room: number,
  count: (text: string) => number,
): { blocks: Block[]; sent: number } {
  const scored: { b: number; l: number; score: number }[] = [];
  blocks.forEach((block, b) => {
    const titleHits = contentTokens(block.title).filter((t) => words.has(t)).length;
    block.lines.forEach((line, l) => {
      const tokens = new Set(contentTokens(line));
      let hits = 0;
      for (const t of tokens) if (words.has(t)) hits += 1;
      if (hits === 0 && titleHits === 0) return;
      // Lines that share more of the story's words, and shorter ones at equal hits, come first.
      scored.push({ b, l, score: hits + titleHits * 0.5 - tokens.size * 0.01 });
    });
  });
  scored.sort((x, y) => y.score - x.score || x.b - y.b || x.l - y.l);
  const chosen = new Set<string>();
  const opened = new Set<number>();
  let used = 0;
  for (const s of scored) {
    const block = blocks[s.b]!;
    const cost =
      count(`- ${block.lines[s.l]}`) +
      1 +
      (opened.has(s.b) || !block.title ? 0 : count(`### ${block.title}`) + 1);
    if (used + cost > room) continue;
    used += cost;
    opened.add(s.b);
    chosen.add(`${s.b}:${s.l}`);
  }
  const out = blocks
    .map((block, b) => ({ title: block.title, lines: block.lines.filter((_, l) => chosen.has(`${b}:${l}`)) }))
    .filter((block) => block.lines.length > 0);
  return { blocks: out, sent: chosen.size };
}

/** A builder of the story's context for the LLM facade; its report lands in the call's result. */
export function storyContextBuilder(input: StoryContextInput): ContextBuilder {
  return (budget: ContextBudget) => buildStoryContext(input, budget);
}

export function buildStoryContext(
  input: StoryContextInput,
  budget: ContextBudget,
): { text: string; report: StoryContextReport } {
  const { source, story } = input;
  const row = source ? sourceStoryOf(source, story) : undefined;
  const lead =
    source?.sections.find((s) => s.title === '' && s.lines.length > 0)?.lines.slice(0, MAX_LEAD_LINES) ?? [];
  const goal = source ? [`${source.summary}`, ...lead, ...source.context] : [];
  const others = (input.stories ?? []).filter(
    (s) => !(s.key && story.key && s.key === story.key) && s.title.trim() !== story.title.trim(),
  );
  const required = join(
    section('Epic goal', bullets([...new Set(goal)])),
    row ? section('This story in the PRD', rowText(row)) : '',
    section(
      'Constraints that apply to every story (non-functional requirements)',
      bullets(source?.constraints ?? []),
    ),
    section('Out of scope: never plan these', bullets(source?.exclusions ?? [])),
    section(
      'Other stories of this epic (each is planned in its own call: do not plan their work here)',
      bullets(others.map((s) => (s.key ? `${s.key} ${s.title}` : s.title))),
    ),
    section(
      'Cross-cutting work already planned once for the whole epic (do not plan it again for this story)',
      bullets(input.cross_cutting ?? []),
    ),
  );
  const requiredTokens = budget.count(required);
  let text = required;
  const fits = (candidate: string) => budget.count(join(text, candidate)) <= budget.tokens;
  /** Tokens left for a labelled part after what is already in. */
  const roomFor = (label: string) => budget.tokens - budget.count(join(text, `## ${label}\n`)) - 2;
  const words = new Set(
    contentTokens(
      [
        story.title,
        story.description,
        ...story.acceptance_criteria,
        row?.title ?? '',
        row?.description ?? '',
      ].join(' '),
    ),
  );

  // The PRD: whole while it fits, else the lines that concern the story. Constraints, exclusions and the
  // goal are sent above in full, so their sections do not compete for the excerpt.
  const prdBlocks: Block[] = (source?.sections ?? []).map((s) => ({ title: s.title, lines: s.lines }));
  const prdTotal = prdBlocks.reduce((n, b) => n + b.lines.length, 0);
  let prd: StoryContextReport['prd'] = 'none';
  let prdSent = 0;
  let left: string[] = [];
  if (prdTotal > 0) {
    const whole = section('The PRD as written', render(prdBlocks));
    if (fits(whole)) {
      text = join(text, whole);
      prd = 'whole';
      prdSent = prdTotal;
    } else {
      const kinds = new Map((source?.sections ?? []).map((s) => [s.title, s.kind] as const));
      const candidates = prdBlocks.filter(
        (b) => !['constraints', 'exclusions', 'context'].includes(kinds.get(b.title) ?? ''),
      );
      const label = 'PRD sections that concern this story (excerpt: the whole PRD does not fit this model)';
      const ex = excerpt(candidates, words, roomFor(label), budget.count);
      if (ex.sent > 0) text = join(text, section(label, render(ex.blocks)));
      prd = 'excerpt';
      prdSent = ex.sent;
      const sentTitles = new Set(ex.blocks.map((b) => b.title));
      left = candidates
        .filter((b) => b.lines.length > 0 && !sentTitles.has(b.title))
        .map((b) => b.title || '(top)');
    }
  }

  const rfcBlocks = input.rfc_text?.trim() ? blocksOf(input.rfc_text) : [];
  const rfcTotal = rfcBlocks.reduce((n, b) => n + b.lines.length, 0);
  let rfc: StoryContextReport['rfc'] = 'none';
  let rfcSent = 0;
  if (rfcTotal > 0) {
    const whole = section('RFC', render(rfcBlocks));
    if (fits(whole)) {
      text = join(text, whole);
      rfc = 'whole';
      rfcSent = rfcTotal;
    } else {
      const label = 'RFC (excerpt: the parts that concern this story)';
      const ex = excerpt(rfcBlocks, words, roomFor(label), budget.count);
      if (ex.sent > 0) text = join(text, section(label, render(ex.blocks)));
      rfc = 'excerpt';
      rfcSent = ex.sent;
    }
  }

  let extra: StoryContextReport['additional_context'] = 'none';
  const requester = input.additional_context?.trim();
  if (requester) {
    const label = 'Additional context from the requester';
    if (fits(section(label, requester))) {
      text = join(text, section(label, requester));
      extra = 'whole';
    } else {
      const ex = excerpt(blocksOf(requester), words, roomFor(`${label} (excerpt)`), budget.count);
      if (ex.sent > 0) text = join(text, section(`${label} (excerpt)`, render(ex.blocks)));
      extra = 'cut';
    }
  }

  return {
    text,
    report: {
      budget_tokens: budget.tokens,
      used_tokens: budget.count(text),
      required_tokens: requiredTokens,
      prd_row: row ? (row.row_index ?? row.title) : null,
      prd,
      prd_lines: { sent: prdSent, total: prdTotal },
      sections_left_out: left,
      rfc,
      rfc_lines: { sent: rfcSent, total: rfcTotal },
      additional_context: extra,
    },
  };
}
