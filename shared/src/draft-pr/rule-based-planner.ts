/**
 * The offline planner: with no LLM or OpenCode configured, a story still gets a reviewable, fully
 * specified plan. It does not pretend to write code: it adds (or refreshes) a change note for the story
 * under `docs/changes/`, with the acceptance criteria as a checklist, and says so in `unknowns`.
 */
import {
  DraftPrPlan,
  type DraftPrStory,
  type FileChange,
  type PlanFeedback,
  type PlanTest,
  type RepoSnapshot,
} from './plan.js';
import { isSafeRepoPath } from './safe-names.js';

export interface RuleBasedPlanOptions {
  /** Verification commands configured for the runner; they become the plan's tests. */
  verification?: { test_command?: string; lint_command?: string; build_command?: string };
  /** Other repositories of the job, for cross-repo impacts. */
  otherRepos?: readonly string[];
  /** The branch the PR will come from, for the rollback steps. */
  branch?: string;
}

/** Where the rule-based planner writes the story's change note. */
export function changeNotePath(storyKey: string): string {
  return `docs/changes/${storyKey.toLowerCase().replace(/[^a-z0-9-]+/g, '-')}.md`;
}

function noteContent(story: DraftPrStory, reviewNotes: readonly string[] = []): string {
  const lines = [`# ${story.key}: ${story.summary}`, ''];
  if (story.url) lines.push(`Story: ${story.url}`, '');
  const description = story.description.trim();
  if (description) lines.push('## Context', '', description, '');
  lines.push('## Acceptance criteria', '');
  if (story.acceptance_criteria.length) lines.push(...story.acceptance_criteria.map((c) => `- [ ] ${c}`));
  else lines.push('- [ ] Acceptance criteria to be agreed with the story owner');
  lines.push('');
  if (reviewNotes.length) lines.push('## Review notes', '', ...reviewNotes.map((n) => `- ${n}`), '');
  return `${lines.join('\n')}`;
}

const lineCount = (text: string) =>
  text === '' ? 0 : text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
const changeLines = (changes: readonly FileChange[]) =>
  changes.reduce((n, c) => n + ('content' in c && c.content !== undefined ? lineCount(c.content) : 0), 0);

function detectTests(snapshot: RepoSnapshot, options: RuleBasedPlanOptions): PlanTest[] {
  const tests: PlanTest[] = [];
  const configured = options.verification?.test_command;
  if (configured) tests.push({ name: 'Configured test suite', type: 'unit', command: configured });
  else {
    const pkg = snapshot.samples['package.json'];
    if (pkg && /"test"\s*:/.test(pkg)) tests.push({ name: 'npm test', type: 'unit', command: 'npm test' });
    else if (snapshot.files.some((f) => f === 'pyproject.toml' || f === 'pytest.ini' || f === 'setup.cfg')) {
      tests.push({ name: 'pytest', type: 'unit', command: 'pytest' });
    }
  }
  if (options.verification?.lint_command) {
    tests.push({ name: 'Configured lint', type: 'unit', command: options.verification.lint_command });
  }
  return tests;
}

/** A plan for `story` in the repository described by `snapshot`, built without any model. */
export function buildRuleBasedPlan(
  story: DraftPrStory,
  snapshot: RepoSnapshot,
  options: RuleBasedPlanOptions = {},
): DraftPrPlan {
  const path = changeNotePath(story.key);
  const exists = snapshot.files.includes(path);
  const content = noteContent(story);
  const change: FileChange = exists ? { action: 'modify', path, content } : { action: 'add', path, content };
  const branch = options.branch ?? `the story branch for ${story.key}`;
  return DraftPrPlan.parse({
    summary: `Record ${story.key} ("${story.summary}") as a change note with its acceptance criteria, so the work is tracked in the repository and reviewed as a draft PR.`,
    scope: { added: exists ? [] : [path], modified: exists ? [path] : [], deleted: [], renamed: [] },
    happy_paths: story.acceptance_criteria.length
      ? story.acceptance_criteria.map((c) => `The note lists the criterion: ${c}`)
      : [`The note for ${story.key} is created with its context`],
    edge_cases: [
      exists
        ? `A note for ${story.key} already exists at ${path}: it is replaced, not duplicated`
        : `No note exists yet for ${story.key}: ${path} is created`,
      ...(story.acceptance_criteria.length
        ? []
        : ['The story has no acceptance criteria: the note asks for them']),
    ],
    failure_modes: [
      {
        trigger: 'Verification commands fail on the base branch',
        impact: 'The draft PR is not opened',
        mitigation: 'Fix the base branch or the configured commands, then retry the VERIFY stage',
      },
      {
        trigger: 'The story branch was changed by someone else',
        impact: 'The push is refused (force-with-lease)',
        mitigation: 'Retry: the branch is rebuilt from the base branch with this plan',
      },
    ],
    assumptions: [
      `The base branch is ${snapshot.default_branch} at ${snapshot.head_sha.slice(0, 12)}`,
      'Only documentation changes: build and runtime behaviour are not affected',
    ],
    unknowns: [
      'No code-aware planner is configured: the code changes for this story still need to be planned',
    ],
    tests: detectTests(snapshot, options),
    rollback: [`Close the draft PR and delete ${branch}`, 'If already merged, revert the merge commit'],
    cross_repo_impacts: (options.otherRepos ?? []).map((repo) => ({
      repo,
      impact: 'None expected: the change is documentation in the target repository only',
    })),
    estimated_loc_delta: lineCount(content),
    changes: [change],
  });
}

const PATH_REQUEST =
  /^(?:exclude|remove|drop|do not touch|don't touch)\s+(?:file\s+)?[`"']?([^\s`"']+)[`"']?\s*$/i;
const LABELLED = /^(add\s+)?(test|edge case|assumption|unknown|rollback(?: step)?|happy path)\s*:\s*(.+)$/i;

/**
 * Applies reviewer feedback without a model. Recognised change requests (one per entry):
 * `exclude <path>` (also remove/drop/do not touch), `add test: <name>`, `add edge case: <text>`,
 * `add assumption: <text>`, `add unknown: <text>`, `add happy path: <text>`, `rollback: <step>`.
 * Concerns become edge cases; anything else is recorded in `unknowns` as not applied automatically.
 * The free-text feedback is appended to the change note's review notes when the plan has one.
 */
export function reviseRuleBasedPlan(
  plan: DraftPrPlan,
  feedback: PlanFeedback,
  story?: DraftPrStory,
): DraftPrPlan {
  const next: DraftPrPlan = structuredClone(plan);
  const push = (list: string[], item: string) => {
    if (!list.includes(item)) list.push(item);
  };
  for (const raw of feedback.change_requests) {
    const request = raw.trim();
    const path = PATH_REQUEST.exec(request)?.[1];
    if (path && isSafeRepoPath(path)) {
      next.scope.added = next.scope.added.filter((p) => p !== path);
      next.scope.modified = next.scope.modified.filter((p) => p !== path);
      next.scope.deleted = next.scope.deleted.filter((p) => p !== path);
      next.scope.renamed = next.scope.renamed.filter((r) => r.from !== path && r.to !== path);
      next.changes = next.changes.filter((c) =>
        c.action === 'rename' ? c.from !== path && c.to !== path : c.path !== path,
      );
      continue;
    }
    const labelled = LABELLED.exec(request);
    if (labelled) {
      const kind = labelled[2]!.toLowerCase();
      const text = labelled[3]!.trim();
      if (kind === 'test') {
        if (!next.tests.some((t) => t.name === text)) next.tests.push({ name: text, type: 'unit' });
      } else if (kind === 'edge case') push(next.edge_cases, text);
      else if (kind === 'assumption') push(next.assumptions, text);
      else if (kind === 'unknown') push(next.unknowns, text);
      else if (kind === 'happy path') push(next.happy_paths, text);
      else push(next.rollback, text);
      continue;
    }
    push(next.unknowns, `Requested change not applied automatically: ${request}`);
  }
  for (const concern of feedback.concerns) push(next.edge_cases, `Reviewer concern: ${concern}`);
  push(
    next.assumptions,
    `Reviewer feedback considered: ${feedback.feedback.replace(/\s+/g, ' ').slice(0, 500)}`,
  );

  if (story) {
    const notePath = changeNotePath(story.key);
    const idx = next.changes.findIndex(
      (c) => c.action !== 'rename' && c.action !== 'delete' && c.path === notePath,
    );
    const note = next.changes[idx];
    if (note && (note.action === 'add' || note.action === 'modify') && note.content !== undefined) {
      const previous = /## Review notes\n\n((?:- .*\n)*)/.exec(note.content)?.[1] ?? '';
      const notes = previous
        .split('\n')
        .filter(Boolean)
        .map((l) => l.slice(2));
      notes.push(feedback.feedback.replace(/\s+/g, ' ').slice(0, 2000));
      next.changes[idx] = { ...note, content: noteContent(story, notes) };
    }
  }
  if (next.estimated_loc_delta !== undefined) {
    // Keep the estimate in step with the content the revision added or dropped.
    const delta = changeLines(next.changes) - changeLines(plan.changes);
    next.estimated_loc_delta = Math.max(0, next.estimated_loc_delta + delta);
  }
  return DraftPrPlan.parse(next);
}
