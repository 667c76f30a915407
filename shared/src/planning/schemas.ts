/**
 * Planning schemas. They are the shape the rule-based engine produces and the shape an LLM must fill,
 * so they stay plain JSON types (no transforms, no defaults) and fields are snake_case like the API.
 */
import { z } from 'zod';
import type { TeamRoleName } from '../team/roles.js';

/** The teams plans assign work to: team roles (the one team list, team/roles.ts) but for fullstack. */
export const Team = z.enum([
  'backend',
  'frontend',
  'mobile',
  'design',
  'qa',
  'infrastructure',
  'data',
] as const satisfies readonly TeamRoleName[]);
export type Team = z.infer<typeof Team>;

/** Teams in the order plans list them: foundations first, QA last. */
export const TEAM_ORDER: readonly Team[] = [
  'design',
  'infrastructure',
  'backend',
  'data',
  'frontend',
  'mobile',
  'qa',
];

export const TestType = z.enum(['unit', 'integration', 'acceptance', 'e2e', 'performance', 'security', 'ui']);
export type TestType = z.infer<typeof TestType>;

export const TestPriority = z.enum(['critical', 'high', 'medium', 'low']);
export type TestPriority = z.infer<typeof TestPriority>;

export const StoryType = z.enum(['api', 'ui', 'data', 'integration']);
export type StoryType = z.infer<typeof StoryType>;

export const Domain = z.enum(['financial', 'healthcare', 'ecommerce', 'security']);
export type Domain = z.infer<typeof Domain>;

export const TechnicalContext = z.enum(['api', 'database', 'ui', 'microservice']);
export type TechnicalContext = z.infer<typeof TechnicalContext>;

export const TestCase = z.object({
  title: z.string().min(1).max(300),
  type: TestType,
  description: z.string().max(4000),
  steps: z.array(z.string().min(1).max(1000)).max(30),
  expected_result: z.string().min(1).max(2000),
  /** The acceptance criterion (verbatim) this case verifies; null for technical cases. */
  covers_criterion: z.string().max(4000).nullable(),
  priority: TestPriority,
});
export type TestCase = z.infer<typeof TestCase>;

export const TestCaseList = z.object({ test_cases: z.array(TestCase).max(200) });
export type TestCaseList = z.infer<typeof TestCaseList>;

export const Story = z.object({
  title: z.string().min(1).max(255),
  description: z.string().max(100_000),
  acceptance_criteria: z.array(z.string().min(1).max(4000)).max(100),
  story_points: z.number().nonnegative().max(100).optional(),
  key: z.string().min(1).max(64).optional(),
});
export type Story = z.infer<typeof Story>;

export const StoryList = z.object({ stories: z.array(Story).max(100) });
export type StoryList = z.infer<typeof StoryList>;

export const TaskPart = z.object({
  index: z.number().int().positive(),
  of: z.number().int().positive(),
});
export type TaskPart = z.infer<typeof TaskPart>;

export const TeamTask = z.object({
  id: z.string().min(1).max(200),
  summary: z.string().min(1).max(255),
  description: z.string().max(20_000),
  team: Team,
  estimate_days: z.number().positive().max(100),
  /** Ids (or, from an LLM, exact summaries) of the tasks that block this one. */
  depends_on_tasks: z.array(z.string().min(1).max(255)).max(200),
  blocked_by_teams: z.array(Team).max(5),
  test_cases: z.array(TestCase).max(50),
  /** Acceptance criteria of the story this task implements (verbatim), for coverage tracing. */
  covers_criteria: z.array(z.string().min(1).max(4000)).max(100).optional(),
  story_key: z.string().min(1).max(64).optional(),
  part: TaskPart.optional(),
  /** Epic-wide work (an audit trail, a security review): the stories it serves, besides its own. */
  serves_stories: z.array(z.string().min(1).max(64)).max(200).optional(),
});
export type TeamTask = z.infer<typeof TeamTask>;

/** A "Blocks" link: `from` blocks `to` (Jira: `inwardIssue` = from, `outwardIssue` = to). */
export const Relationship = z.object({
  from: z.string().min(1).max(255),
  to: z.string().min(1).max(255),
  type: z.literal('Blocks'),
  blocking_team: Team,
  dependent_team: Team,
});
export type Relationship = z.infer<typeof Relationship>;

export const TaskPlan = z.object({
  story_key: z.string().min(1).max(64).optional(),
  story_types: z.array(StoryType).max(4),
  tasks: z.array(TeamTask).max(200),
  relationships: z.array(Relationship).max(2000),
});
export type TaskPlan = z.infer<typeof TaskPlan>;

export const TicketDescription = z.object({
  summary: z.string().min(1).max(255),
  description_markdown: z.string().max(100_000),
  acceptance_criteria: z.array(z.string().min(1).max(4000)).max(100),
  technical_notes: z.array(z.string().min(1).max(2000)).max(50),
});
export type TicketDescription = z.infer<typeof TicketDescription>;

/** A dependency proposed by the AI pass: `from` (the blocker) must finish before `to`. */
export const ProposedDependency = z.object({
  from: z.string().min(1).max(255),
  to: z.string().min(1).max(255),
  reason: z.string().max(1000).optional(),
});
export type ProposedDependency = z.infer<typeof ProposedDependency>;

export const ProposedDependencyList = z.object({ dependencies: z.array(ProposedDependency).max(2000) });
export type ProposedDependencyList = z.infer<typeof ProposedDependencyList>;
