/**
 * The Draft PR plan: what a reviewer approves. Everything that can change the repository is in it,
 * so the plan hash covers the whole intent: the scope lists every file touched, and `changes` (when the
 * planner already knows the content) holds the exact edits APPLY will write.
 */
import { z } from 'zod';
import { IssueKey } from '../common/job-types.js';
import { repoPathProblem } from './safe-names.js';

/** Largest file content a plan may carry (bytes of UTF-16 text, roughly). */
export const MAX_CHANGE_CONTENT = 1_000_000;

export const RepoPath = z
  .string()
  .max(1024)
  .superRefine((p, ctx) => {
    const problem = repoPathProblem(p);
    if (problem) ctx.addIssue({ code: 'custom', message: `unsafe path: ${problem}` });
  });
export type RepoPath = z.infer<typeof RepoPath>;

const Text = z.string().trim().min(1).max(4000);
const TextList = z.array(Text).max(200).default([]);

export const RenamedFile = z.object({ from: RepoPath, to: RepoPath }).strict();
export type RenamedFile = z.infer<typeof RenamedFile>;

export const PlanScope = z
  .object({
    added: z.array(RepoPath).max(500).default([]),
    modified: z.array(RepoPath).max(500).default([]),
    deleted: z.array(RepoPath).max(500).default([]),
    renamed: z.array(RenamedFile).max(500).default([]),
  })
  .strict();
export type PlanScope = z.infer<typeof PlanScope>;

export const FailureMode = z.object({ trigger: Text, impact: Text, mitigation: Text }).strict();
export type FailureMode = z.infer<typeof FailureMode>;

export const PlanTestType = z.enum(['unit', 'integration', 'e2e']);
export type PlanTestType = z.infer<typeof PlanTestType>;

export const PlanTest = z
  .object({ name: Text, type: PlanTestType, command: z.string().trim().min(1).max(1000).optional() })
  .strict();
export type PlanTest = z.infer<typeof PlanTest>;

export const CrossRepoImpact = z.object({ repo: z.string().trim().min(1).max(2048), impact: Text }).strict();
export type CrossRepoImpact = z.infer<typeof CrossRepoImpact>;

const Content = z.string().max(MAX_CHANGE_CONTENT);

/**
 * One concrete edit. `modify` carries either the full new `content` or a unified diff `patch` for that
 * one file. A rename may carry new content for the target.
 */
export const FileChange = z.discriminatedUnion('action', [
  z.object({ action: z.literal('add'), path: RepoPath, content: Content }).strict(),
  z
    .object({
      action: z.literal('modify'),
      path: RepoPath,
      content: Content.optional(),
      patch: Content.optional(),
    })
    .strict(),
  z.object({ action: z.literal('delete'), path: RepoPath }).strict(),
  z
    .object({ action: z.literal('rename'), from: RepoPath, to: RepoPath, content: Content.optional() })
    .strict(),
]);
export type FileChange = z.infer<typeof FileChange>;

export const DraftPrPlan = z
  .object({
    summary: z.string().trim().min(1).max(10_000),
    scope: PlanScope,
    happy_paths: TextList,
    edge_cases: TextList,
    failure_modes: z.array(FailureMode).max(100).default([]),
    assumptions: TextList,
    unknowns: TextList,
    tests: z.array(PlanTest).max(200).default([]),
    /** Steps to undo the change, in order. */
    rollback: TextList,
    cross_repo_impacts: z.array(CrossRepoImpact).max(100).default([]),
    /** Lines added plus lines removed, as the planner expects them; used by the YOLO policy. */
    estimated_loc_delta: z.number().int().nonnegative().optional(),
    /**
     * Exact edits, when the planner produced them. Empty means APPLY asks the change producer
     * (rule-based, LLM or OpenCode) for the edits; the plan-apply guard holds them to `scope` either way.
     */
    changes: z.array(FileChange).max(500).default([]),
  })
  .strict()
  .superRefine((plan, ctx) => {
    for (const issue of planConsistencyIssues(plan)) ctx.addIssue({ code: 'custom', ...issue });
  });
export type DraftPrPlan = z.infer<typeof DraftPrPlan>;

/** Every path a plan's scope touches (rename sources and targets included), sorted and unique. */
export function scopePaths(scope: PlanScope): string[] {
  const all = new Set<string>([...scope.added, ...scope.modified, ...scope.deleted]);
  for (const r of scope.renamed) {
    all.add(r.from);
    all.add(r.to);
  }
  return [...all].sort();
}

function planConsistencyIssues(plan: {
  scope: PlanScope;
  changes: FileChange[];
}): { message: string; path: (string | number)[] }[] {
  const issues: { message: string; path: (string | number)[] }[] = [];
  const seen = new Map<string, string>();
  const claim = (p: string, where: string, path: (string | number)[]) => {
    const prev = seen.get(p);
    if (prev) issues.push({ message: `"${p}" appears in both ${prev} and ${where}`, path });
    else seen.set(p, where);
  };
  const { scope } = plan;
  scope.added.forEach((p, i) => {
    claim(p, 'scope.added', ['scope', 'added', i]);
  });
  scope.modified.forEach((p, i) => {
    claim(p, 'scope.modified', ['scope', 'modified', i]);
  });
  scope.deleted.forEach((p, i) => {
    claim(p, 'scope.deleted', ['scope', 'deleted', i]);
  });
  scope.renamed.forEach((r, i) => {
    if (r.from === r.to)
      issues.push({ message: 'a rename needs two different paths', path: ['scope', 'renamed', i] });
    claim(r.from, 'scope.renamed', ['scope', 'renamed', i, 'from']);
    claim(r.to, 'scope.renamed', ['scope', 'renamed', i, 'to']);
  });

  const changed = new Set<string>();
  plan.changes.forEach((c, i) => {
    const key = c.action === 'rename' ? c.to : c.path;
    if (changed.has(key)) issues.push({ message: `more than one change for "${key}"`, path: ['changes', i] });
    changed.add(key);
    const covered =
      c.action === 'add'
        ? scope.added.includes(c.path)
        : c.action === 'modify'
          ? scope.modified.includes(c.path)
          : c.action === 'delete'
            ? scope.deleted.includes(c.path)
            : scope.renamed.some((r) => r.from === c.from && r.to === c.to);
    if (!covered) {
      const name = c.action === 'rename' ? `${c.from} -> ${c.to}` : c.path;
      issues.push({
        message: `change "${c.action} ${name}" is not in the plan's scope`,
        path: ['changes', i],
      });
    }
    if (c.action === 'modify' && (c.content === undefined) === (c.patch === undefined)) {
      issues.push({ message: 'a modify change needs exactly one of content or patch', path: ['changes', i] });
    }
  });
  return issues;
}

/** The story a Draft PR job works on, as read from Jira when the job is planned. */
export const DraftPrStory = z
  .object({
    key: IssueKey,
    summary: z.string().trim().min(1).max(1000),
    description: z.string().max(200_000).default(''),
    acceptance_criteria: z.array(z.string().trim().min(1).max(4000)).max(200).default([]),
    url: z.string().max(2048).optional(),
  })
  .strict();
export type DraftPrStory = z.infer<typeof DraftPrStory>;

/** What the planner may know about the target repository (read-only, from a fresh clone). */
export const RepoSnapshot = z
  .object({
    url: z.string(),
    default_branch: z.string(),
    head_sha: z.string(),
    files: z.array(z.string()),
    /** True when `files` was cut to a maximum length. */
    truncated: z.boolean().default(false),
    /** Small, well-known files (package.json, pyproject.toml, README) by path. */
    samples: z.record(z.string(), z.string()).default({}),
  })
  .strict();
export type RepoSnapshot = z.infer<typeof RepoSnapshot>;

/** Reviewer feedback for a plan revision (`POST /draft-pr/jobs/{id}/revise-plan`). */
export const PlanFeedback = z
  .object({
    feedback: z.string().trim().min(1).max(20_000),
    concerns: z.array(z.string().trim().min(1).max(4000)).max(100).default([]),
    change_requests: z.array(z.string().trim().min(1).max(4000)).max(100).default([]),
    requested_by: z.string().trim().min(1).max(200).optional(),
  })
  .strict();
export type PlanFeedback = z.infer<typeof PlanFeedback>;
