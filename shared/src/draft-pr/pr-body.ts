/**
 * The draft PR's title and description: story link, plan summary and scope, tests, rollback, and the
 * verification results. Templates (stored per team) use `{{placeholder}}`s filled from the same sections.
 */
import { z } from 'zod';
import type { DraftPrPlan, DraftPrStory } from './plan.js';

export const VerificationKind = z.enum(['test', 'lint', 'build', 'security']);
export type VerificationKind = z.infer<typeof VerificationKind>;

export const VerificationResult = z.object({
  name: VerificationKind,
  command: z.string(),
  /** Null when the process was killed (time limit) or could not start. */
  exit_code: z.number().int().nullable(),
  passed: z.boolean(),
  timed_out: z.boolean(),
  duration_ms: z.number().nonnegative(),
  /** Combined stdout/stderr, truncated and scrubbed of secrets. */
  output: z.string(),
});
export type VerificationResult = z.infer<typeof VerificationResult>;

export interface PrContext {
  story: DraftPrStory;
  storyUrl?: string;
  plan: DraftPrPlan;
  planHash: string;
  planVersion: number;
  verification: readonly VerificationResult[];
  branch: string;
  baseBranch: string;
}

/** PR titles are cut here (GitHub allows 256; Bitbucket 255). */
export const MAX_PR_TITLE = 250;
/** PR bodies are cut here (GitHub allows 65,536 characters). */
export const MAX_PR_BODY = 60_000;

/** `KEY: summary`, one line, at most {@link MAX_PR_TITLE} characters. */
export function renderPrTitle(story: Pick<DraftPrStory, 'key' | 'summary'>): string {
  const title = `${story.key}: ${story.summary}`.replace(/\s+/g, ' ').trim();
  return title.length > MAX_PR_TITLE ? `${title.slice(0, MAX_PR_TITLE - 1)}…` : title;
}

const bullets = (items: readonly string[], empty = '_None._') =>
  items.length ? items.map((i) => `- ${i}`).join('\n') : empty;

function scopeSection(plan: DraftPrPlan): string {
  const lines = [
    ...plan.scope.added.map((p) => `- added \`${p}\``),
    ...plan.scope.modified.map((p) => `- modified \`${p}\``),
    ...plan.scope.deleted.map((p) => `- deleted \`${p}\``),
    ...plan.scope.renamed.map((r) => `- renamed \`${r.from}\` -> \`${r.to}\``),
  ];
  return lines.length ? lines.join('\n') : '_No files._';
}

function verificationSection(results: readonly VerificationResult[]): string {
  if (!results.length) return '_No verification commands are configured._';
  const rows = results.map(
    (r) =>
      `| ${r.name} | \`${r.command.replace(/\|/g, '\\|').replace(/`/g, "'")}\` | ${r.passed ? 'passed' : r.timed_out ? 'timed out' : 'failed'} | ${(r.duration_ms / 1000).toFixed(1)} s |`,
  );
  return ['| check | command | result | time |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

/** The named sections templates can use as `{{name}}`. */
export function prSections(ctx: PrContext): Record<string, string> {
  const { story, plan } = ctx;
  return {
    story_key: story.key,
    story_title: story.summary,
    story_link: ctx.storyUrl ? `[${story.key}](${ctx.storyUrl})` : story.key,
    story_url: ctx.storyUrl ?? '',
    summary: plan.summary,
    scope: scopeSection(plan),
    happy_paths: bullets(plan.happy_paths),
    edge_cases: bullets(plan.edge_cases),
    failure_modes: plan.failure_modes.length
      ? plan.failure_modes
          .map((f) => `- **${f.trigger}**: ${f.impact} Mitigation: ${f.mitigation}`)
          .join('\n')
      : '_None._',
    assumptions: bullets(plan.assumptions),
    unknowns: bullets(plan.unknowns),
    tests: plan.tests.length
      ? plan.tests.map((t) => `- ${t.name} (${t.type})${t.command ? `: \`${t.command}\`` : ''}`).join('\n')
      : '_None listed._',
    rollback: plan.rollback.length ? plan.rollback.map((s, i) => `${i + 1}. ${s}`).join('\n') : '_None._',
    cross_repo_impacts: plan.cross_repo_impacts.length
      ? plan.cross_repo_impacts.map((c) => `- ${c.repo}: ${c.impact}`).join('\n')
      : '_None._',
    verification: verificationSection(ctx.verification),
    plan_hash: ctx.planHash,
    plan_version: String(ctx.planVersion),
    branch: ctx.branch,
    base_branch: ctx.baseBranch,
  };
}

/** The built-in PR description template. */
export const DEFAULT_PR_TEMPLATE = `Story: {{story_link}}

## Summary
{{summary}}

## Scope
{{scope}}

## Tests
{{tests}}

## Verification
{{verification}}

## Rollback
{{rollback}}

## Risks
{{failure_modes}}

## Cross-repo impacts
{{cross_repo_impacts}}

---
Draft opened by Augment from approved plan v{{plan_version}} (\`{{plan_hash}}\`).`;

/**
 * Fills `{{name}}` placeholders from `values`; unknown placeholders become empty. Substituted values are
 * not scanned again, so a story title containing `{{...}}` stays literal.
 */
export function renderTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{\s*([a-z_]+)\s*\}\}/g, (_, name: string) =>
    Object.hasOwn(values, name) ? values[name]! : '',
  );
}

/** The PR description from a template (or the default), cut to {@link MAX_PR_BODY} characters. */
export function renderPrBody(ctx: PrContext, template: string = DEFAULT_PR_TEMPLATE): string {
  const body = renderTemplate(template, prSections(ctx));
  return body.length > MAX_PR_BODY ? `${body.slice(0, MAX_PR_BODY - 40)}\n\n_(description truncated)_` : body;
}
