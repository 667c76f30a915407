/**
 * Types shared by the resolvers (Forge functions) and the UI Kit frontends. Type-only: nothing here
 * is bundled into the frontends at run time.
 */
import type { TeamLevelName, TeamRoleName } from '@augment/shared/core';

/** Every failure that reaches the UI: a code to branch on, a sentence to show, the HTTP status. */
export interface AppFailure {
  code: string;
  message: string;
  /** HTTP status from the runner; 0 when the request never got an answer. */
  status: number;
  details?: Record<string, unknown>;
}

/** What every resolver returns: data, or a readable failure. Resolvers never throw at the UI. */
export type Envelope<T> = { ok: true; data: T } | { ok: false; error: AppFailure };

export type JobStatus = 'waiting' | 'active' | 'completed' | 'failed' | 'cancelled' | 'delayed' | 'queued';

/** GET /jobs/{job_id} on the runner. */
export interface JobSnapshot {
  job_id: string;
  job_type?: string;
  status: JobStatus | string;
  progress?: { stage?: string; percent?: number } | null;
  result?: unknown;
  error?: unknown;
  ticket_keys?: string[];
  /** Who started it: `forge:<account id>` for a user of the app. */
  requested_by?: string | null;
  /** Whether the job is a preview; null when its route has no dry run. */
  dry_run?: boolean | null;
  created_at?: string | number | null;
  started_at?: string | number | null;
  finished_at?: string | number | null;
}

export const TERMINAL_STATUSES: readonly string[] = ['completed', 'failed', 'cancelled'];

/** The things a user can start from Augment's surfaces; one remembered job per (issue or page, kind). */
export type JobKind =
  | 'description'
  | 'tasks'
  | 'tests'
  | 'coverage'
  | 'draft_pr'
  | 'epic_plan'
  | 'sprint_plan'
  | 'timeline'
  | 'prd_sync';

/** A job as the UI tracks it: which kind, whether it was a preview (dry run), and its last snapshot. */
export interface TrackedJob {
  kind: JobKind;
  job_id: string;
  dry_run: boolean;
  started_at: string;
  snapshot: JobSnapshot | null;
}

/** Outcome of starting work: a queued job to poll, or (for synchronous routes) the result itself. */
export type StartOutcome =
  | { mode: 'job'; job: TrackedJob }
  | { mode: 'result'; kind: JobKind; result: unknown };

export type IssueAction = 'description' | 'tasks' | 'tests' | 'coverage';
export type CoverageLevel = 'minimal' | 'basic' | 'standard' | 'comprehensive';

export interface PanelState {
  issueKey: string;
  jobs: Partial<Record<JobKind, TrackedJob>>;
}

/** Draft PR job as reported by GET /draft-pr/jobs/{id}; the runner may add fields. */
export interface DraftPrJob {
  job_id: string;
  status?: string;
  stage?: string;
  pr_url?: string | null;
  error?: unknown;
  [k: string]: unknown;
}

export interface DraftPrPlan {
  version: number;
  plan_hash: string;
  [k: string]: unknown;
}

export interface Board {
  id: number;
  name: string;
}

export interface LlmSettings {
  /** 'rules': the rule-based engine, no model; null: the runner's default. */
  provider: 'openai' | 'claude' | 'gemini' | 'kimi' | 'rules' | null;
  model: string | null;
}

export type TeamRole = TeamRoleName;
export type TeamLevel = TeamLevelName;

/** A team member as the runner stores it (GET /team-members); `id` is absent for a new one. */
export interface TeamMember {
  id?: number;
  name: string;
  email: string;
  role: TeamRole;
  level?: TeamLevel;
  team_id?: number | null;
  capacity_days_per_sprint?: number;
  active?: boolean;
  [k: string]: unknown;
}

/** What a completed preview job offers to apply (`result.preview` on the runner). */
export interface PreviewRef {
  preview_id: string;
  preview_hash: string;
  expires_at: string;
}

/**
 * Payload and data of each resolver, per surface: the frontends' `invoke` calls are checked against these.
 * Every job id must belong to the issue or page the view is on.
 */
export interface CommonApi {
  getJob: { payload: { jobId: string }; data: JobSnapshot };
  cancelJob: { payload: { jobId: string }; data: unknown };
  trackJob: { payload: { kind: JobKind; jobId: string }; data: TrackedJob };
  /** Creates exactly what the preview job showed: names the preview job and the hash on screen. */
  applyPreview: { payload: { kind: JobKind; jobId: string; previewHash: string }; data: TrackedJob };
}

/** One signal of a story's readiness for generation (GET /plan/readiness/{key}). */
export interface ReadinessReason {
  signal: string;
  points: number;
  max_points: number;
  message: string;
}

export interface StoryReadiness {
  ticket_key: string;
  summary: string;
  score: number;
  level: 'ready' | 'needs_work' | 'not_ready';
  reasons: ReadinessReason[];
  /** What to fix before generating, biggest loss first. */
  suggestions: string[];
  acceptance_criteria: string[];
}

export interface IssuePanelApi extends CommonApi {
  getPanelState: { payload: Record<string, never>; data: PanelState };
  getReadiness: { payload: Record<string, never>; data: StoryReadiness };
  /** Starts a preview (nothing changes in Jira); `applyPreview` creates what it showed. */
  startAction: {
    payload: { action: IssueAction; coverageLevel?: CoverageLevel };
    data: StartOutcome;
  };
  draftPrCreate: { payload: { repos: string[]; mode: 'normal' | 'yolo' }; data: TrackedJob };
  draftPrStatus: { payload: { jobId: string }; data: DraftPrJob };
  draftPrPlan: { payload: { jobId: string; version?: number }; data: DraftPrPlan };
  draftPrPlans: { payload: { jobId: string }; data: unknown };
  draftPrCompare: { payload: { jobId: string; from: number; to: number }; data: unknown };
  draftPrRevise: { payload: { jobId: string; feedback: string }; data: unknown };
  draftPrApprove: { payload: { jobId: string; planHash: string }; data: unknown };
  draftPrProgress: { payload: { jobId: string }; data: unknown };
}

export interface SprintForm {
  boardId: number;
  startDate: string;
  sprintDurationDays: number;
  capacityDays?: number;
}

export interface EpicActionApi extends CommonApi {
  getEpicState: { payload: Record<string, never>; data: PanelState };
  planEpic: { payload: Record<string, never>; data: StartOutcome };
  listBoards: { payload: Record<string, never>; data: Board[] };
  planSprints: { payload: SprintForm; data: StartOutcome };
  planTimeline: { payload: SprintForm; data: StartOutcome };
}

export type ExistingTicketAction = 'skip' | 'update' | 'error';

export interface PrdMacroApi extends CommonApi {
  getPrdState: { payload: Record<string, never>; data: PanelState & { prdUrl: string } };
  syncPrd: {
    payload: { epicKey?: string; existingTicketAction: ExistingTicketAction };
    data: StartOutcome;
  };
}

/** GET /whoami: who the runner believes the app's caller is. */
export interface RunnerIdentity {
  kind: string;
  tenant: string;
  actor: string;
  app_id: string | null;
  installation_id: string | null;
  account_id: string | null;
  system_token: boolean;
  version: string;
}

export interface AdminApi {
  checkRunner: { payload: Record<string, never>; data: { whoami: RunnerIdentity; latencyMs: number } };
  listModels: { payload: Record<string, never>; data: unknown };
  getSettings: { payload: Record<string, never>; data: LlmSettings };
  saveSettings: { payload: LlmSettings; data: LlmSettings };
  listMembers: { payload: Record<string, never>; data: TeamMember[] };
  saveMember: { payload: { member: TeamMember }; data: TeamMember };
  deleteMember: { payload: { id: number }; data: unknown };
}

export type ApiShape = Record<string, { payload: unknown; data: unknown }>;
