/** Resolvers of the epic action: plan the epic, then sprints and timeline, each previewed before applying. */
import type { SprintPlanRequest, TimelineRequest } from '@augment/shared';
import type { z } from 'zod';
import type { JiraPermission } from '../services/permissions';
import type { EpicActionApi, JobKind, SprintForm } from '../types';
import { badPayload, type ForgeContext, type Handlers, ResolverFailure } from './define';
import type { ResolverDeps } from './deps';
import { accountOf, commonHandlers, issueFromContext, loadTracked, startWork } from './jobs';

const EPIC_KINDS: readonly JobKind[] = ['epic_plan', 'sprint_plan', 'timeline'];

/** What applying each plan changes, as Jira permissions on the epic the user must hold. */
const WRITES: Record<string, JiraPermission[]> = {
  // Stories under the epic, their sub-tasks and "Blocks" links, and descriptions filled in.
  epic_plan: ['CREATE_ISSUES', 'EDIT_ISSUES', 'LINK_ISSUES'],
  // Sprints created on the board and the epic's issues moved into them.
  sprint_plan: ['MANAGE_SPRINTS_PERMISSION', 'SCHEDULE_ISSUES'],
  // The agreed schedule of the epic's issues, stored as the epic's timeline.
  timeline: ['SCHEDULE_ISSUES'],
};

interface EpicCompleteRequest {
  epic_key: string;
  dry_run: boolean;
  async_mode: boolean;
}

function parseSprintForm(payload: Partial<SprintForm> | undefined): SprintForm {
  const boardId = payload?.boardId;
  if (typeof boardId !== 'number' || !Number.isInteger(boardId) || boardId < 1) {
    throw badPayload('Choose the board whose sprints to plan', 'boardId');
  }
  const startDate = payload?.startDate;
  if (
    typeof startDate !== 'string' ||
    !/^\d{4}-\d{2}-\d{2}$/.test(startDate) ||
    Number.isNaN(Date.parse(`${startDate}T00:00:00Z`))
  ) {
    throw badPayload('startDate must be a date such as 2025-01-15', 'startDate');
  }
  const days = payload?.sprintDurationDays;
  if (typeof days !== 'number' || !Number.isInteger(days) || days < 1 || days > 60) {
    throw badPayload('Sprint length must be 1 to 60 days', 'sprintDurationDays');
  }
  const capacity = payload?.capacityDays;
  if (capacity !== undefined && (typeof capacity !== 'number' || !(capacity > 0) || capacity > 10_000)) {
    throw badPayload('Capacity must be a positive number of days', 'capacityDays');
  }
  return {
    boardId,
    startDate,
    sprintDurationDays: days,
    ...(capacity === undefined ? {} : { capacityDays: capacity }),
  };
}

export function epicActionHandlers(deps: ResolverDeps): Handlers<EpicActionApi> {
  const requireWrite = async (context: ForgeContext, kind: JobKind) => {
    const account = accountOf(context);
    await deps.permissions.requireOnIssue(
      account,
      issueFromContext(context),
      WRITES[kind] ?? ['EDIT_ISSUES'],
    );
  };

  return {
    ...commonHandlers(deps, {
      scopeOf: (context) => issueFromContext(context).key,
      kinds: EPIC_KINDS,
      requireWrite,
    }),

    async getEpicState(_payload, context) {
      const epic = issueFromContext(context);
      return { issueKey: epic.key, jobs: await loadTracked(deps, epic.key, EPIC_KINDS) };
    },

    // Previews only: applyPreview creates what a preview showed.
    async planEpic(_payload, context) {
      const epic = issueFromContext(context);
      const body: EpicCompleteRequest = { epic_key: epic.key, dry_run: true, async_mode: true };
      return startWork(deps, epic.key, 'epic_plan', '/plan/epic/complete', body);
    },

    async listBoards(_payload, context) {
      const epic = issueFromContext(context);
      if (!epic.projectKey) return [];
      const res = await deps.jira.listBoards(epic.projectKey);
      if (!res.ok) throw new ResolverFailure(res.error);
      return res.data;
    },

    async planSprints(payload, context) {
      const epic = issueFromContext(context);
      const form = parseSprintForm(payload);
      const body: z.input<typeof SprintPlanRequest> = {
        epic_key: epic.key,
        board_id: form.boardId,
        start_date: form.startDate,
        sprint_duration_days: form.sprintDurationDays,
        ...(form.capacityDays === undefined ? {} : { sprint_capacity_days: form.capacityDays }),
        dry_run: true,
        async_mode: true,
      };
      return startWork(deps, epic.key, 'sprint_plan', '/sprint/plan/epic', body);
    },

    async planTimeline(payload, context) {
      const epic = issueFromContext(context);
      const form = parseSprintForm(payload);
      const body: z.input<typeof TimelineRequest> = {
        epic_key: epic.key,
        board_id: form.boardId,
        start_date: form.startDate,
        sprint_duration_days: form.sprintDurationDays,
        ...(form.capacityDays === undefined ? {} : { team_capacity_days: form.capacityDays }),
        dry_run: true,
        async_mode: true,
      };
      return startWork(deps, epic.key, 'timeline', '/sprint/timeline', body);
    },
  };
}
