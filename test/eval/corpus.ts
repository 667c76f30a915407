/**
 * The plan evaluation corpus: inputs under test/fixtures/plans/ (markdown, HTML, Confluence storage
 * format), each beside `<id>.expect.yaml`, the expectations a product manager wrote for its plan.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

export const CORPUS_DIR = join(import.meta.dirname, '..', 'fixtures', 'plans');

const Phrases = z.array(z.string().min(1)).default([]);

export const ExpectedStory = z.object({
  title: z.string().min(1),
  aliases: Phrases,
  /** Teams whose tasks the story needs. */
  teams: Phrases,
  /** Teams that must have no task on the story. */
  not_teams: Phrases,
  /** Each must be named by at least one of the story's task summaries. */
  task_nouns: Phrases,
  /** Must not appear in the story's task summaries or test titles. */
  forbidden: Phrases,
});
export type ExpectedStory = z.infer<typeof ExpectedStory>;

export const CrossCutting = z.object({
  name: z.string().min(1),
  phrases: z.array(z.string().min(1)).min(1),
  max: z.number().int().positive().default(1),
});
export type CrossCutting = z.infer<typeof CrossCutting>;

export const Expectations = z.object({
  domain: z.string().min(1),
  holdout: z.boolean().default(false),
  epic: z.object({ summary: z.string().min(1), description: z.string().optional() }),
  stories: z.array(ExpectedStory).min(1),
  not_stories: Phrases,
  forbidden: Phrases,
  cross_cutting: z.array(CrossCutting).default([]),
  constraints: Phrases,
});
export type Expectations = z.infer<typeof Expectations>;

export interface EvalCase {
  id: string;
  file: string;
  format: 'md' | 'html' | 'xhtml';
  text: string;
  expect: Expectations;
}

const INPUT = /^(.+)\.(md|html|xhtml)$/;

/** Every case of the corpus, in id order. Throws naming the file when an expectation is malformed. */
export function loadCorpus(dir = CORPUS_DIR): EvalCase[] {
  const files = readdirSync(dir).sort();
  const cases: EvalCase[] = [];
  for (const f of files) {
    const m = INPUT.exec(f);
    if (!m || f === 'README.md') continue;
    const id = m[1]!;
    const expectFile = `${id}.expect.yaml`;
    if (!files.includes(expectFile)) throw new Error(`${f}: no ${expectFile} beside it`);
    const parsed = Expectations.safeParse(parseYaml(readFileSync(join(dir, expectFile), 'utf8')));
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new Error(`${expectFile}: ${issue.path.join('.')}: ${issue.message}`);
    }
    cases.push({
      id,
      file: join(dir, f),
      format: m[2] as EvalCase['format'],
      text: readFileSync(join(dir, f), 'utf8'),
      expect: parsed.data,
    });
  }
  return cases;
}
