/**
 * `timeline_planning` (POST /sprint/timeline): when each unit of an epic's open work (its stories'
 * sub-tasks, and children without sub-tasks) will be worked on, by sprint and by working day, with each
 * story as the span of its sub-tasks. Nothing in Jira changes. The timeline is always returned; it is stored (and
 * then served by GET /sprint/timeline/{epic_key}) only with `dry_run: false`, so previews never replace
 * the timeline a team agreed on. Every stored run is kept; the newest one is served.
 */
import { renderTextGantt, type TimelineRequest } from '@augment/shared';
import type { Processor } from '../types.js';
import { describeEpicPlan, planEpic } from './sprint-epic-plan.js';

export const timelinePlanningProcessor: Processor<TimelineRequest, unknown> = async (input, ctx) => {
  const { jira } = ctx.services.atlassian(ctx.credentials);
  const members = ctx.services.teamMembers.list(ctx.tenant, { active: true });
  const p = await planEpic(
    jira,
    members,
    {
      epicKey: input.epic_key,
      boardId: input.board_id,
      startDate: input.start_date,
      sprintDurationDays: input.sprint_duration_days,
      capacityOverride: input.team_capacity_days,
      capacityField: 'team_capacity_days',
      teamId: input.team_id,
      splitLongTasks: input.split_long_tasks,
    },
    ctx,
  );
  const described = describeEpicPlan(p);
  let stored: { timeline_id: number; created_at: string } | null = null;
  if (!input.dry_run) {
    await ctx.progress('storing', 80);
    const row = ctx.services.timelines.save(ctx.tenant, input.epic_key, p.input, p.plan, {
      board_id: input.board_id ?? null,
      ...described,
    });
    stored = { timeline_id: row.id, created_at: row.created_at };
  }
  await ctx.progress('done', 100, { sprints: p.plan.sprints.length, stored: stored !== null });
  return {
    epic_key: input.epic_key,
    board_id: input.board_id ?? null,
    dry_run: input.dry_run,
    engine: 'rules' as const,
    ...described,
    plan: p.plan,
    gantt_text: renderTextGantt(p.plan, p.input),
    stored: stored !== null,
    timeline_id: stored?.timeline_id ?? null,
    created_at: stored?.created_at ?? null,
    timeline_url: `/sprint/timeline/${input.epic_key}`,
  };
};
