import { z } from 'zod';
import { TEAM_LEVELS, TEAM_ROLES } from './roles.js';

/** Roles map onto the teams that task generation assigns work to. */
export const TeamRole = z.enum(TEAM_ROLES);
export type TeamRole = z.infer<typeof TeamRole>;

export const TeamLevel = z.enum(TEAM_LEVELS);
export type TeamLevel = z.infer<typeof TeamLevel>;

/** What each level usually contributes per sprint day, used as a default when no capacity is given. */
export const LEVEL_INFO: Record<
  TeamLevel,
  { description: string; default_capacity_days_per_sprint: number }
> = {
  junior: { description: 'Early career; needs review and pairing', default_capacity_days_per_sprint: 6 },
  mid: { description: 'Works independently on well-scoped tasks', default_capacity_days_per_sprint: 8 },
  senior: { description: 'Owns features end to end; reviews others', default_capacity_days_per_sprint: 8 },
  staff: {
    description: 'Cross-team technical lead; less hands-on time',
    default_capacity_days_per_sprint: 6,
  },
  principal: {
    description: 'Architecture and direction; little sprint capacity',
    default_capacity_days_per_sprint: 4,
  },
};

export const TeamMemberInput = z
  .object({
    name: z.string().trim().min(1).max(200),
    email: z.string().trim().toLowerCase().email().max(320),
    role: TeamRole,
    level: TeamLevel.default('mid'),
    team_id: z.number().int().positive().nullable().default(null),
    capacity_days_per_sprint: z.number().min(0).max(60).optional(),
    active: z.boolean().default(true),
  })
  .strict();
export type TeamMemberInput = z.infer<typeof TeamMemberInput>;

export const TeamMemberUpdate = z
  .object({
    name: z.string().trim().min(1).max(200),
    email: z.string().trim().toLowerCase().email().max(320),
    role: TeamRole,
    level: TeamLevel,
    team_id: z.number().int().positive().nullable(),
    capacity_days_per_sprint: z.number().min(0).max(60),
    active: z.boolean(),
  })
  .partial()
  .strict()
  .refine((v) => Object.keys(v).length > 0, { message: 'at least one field is required', path: ['body'] });
export type TeamMemberUpdate = z.infer<typeof TeamMemberUpdate>;

export const TeamMember = z.object({
  id: z.number().int(),
  name: z.string(),
  email: z.string(),
  role: TeamRole,
  level: TeamLevel,
  team_id: z.number().int().nullable(),
  capacity_days_per_sprint: z.number(),
  active: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type TeamMember = z.infer<typeof TeamMember>;

/**
 * Capacity in person-days per sprint for each role, from the active members (optionally of one team).
 * A `fullstack` member's capacity is split evenly between backend and frontend.
 */
export function capacityByRole(members: readonly TeamMember[], teamId?: number): Record<string, number> {
  const out: Record<string, number> = {};
  const add = (role: string, days: number) => {
    out[role] = Math.round(((out[role] ?? 0) + days) * 100) / 100;
  };
  for (const m of members) {
    if (!m.active || (teamId !== undefined && m.team_id !== teamId)) continue;
    if (m.role === 'fullstack') {
      add('backend', m.capacity_days_per_sprint / 2);
      add('frontend', m.capacity_days_per_sprint / 2);
    } else add(m.role, m.capacity_days_per_sprint);
  }
  return out;
}
