/**
 * The team list, written once: the roles team members have (and tasks are assigned to) and their
 * levels. No dependencies: the Forge bundles import this through `@augment/shared/core`.
 */
export const TEAM_ROLES = [
  'backend',
  'frontend',
  'mobile',
  'qa',
  'infrastructure',
  'data',
  'fullstack',
  'design',
] as const;
export type TeamRoleName = (typeof TEAM_ROLES)[number];

export const TEAM_LEVELS = ['junior', 'mid', 'senior', 'staff', 'principal'] as const;
export type TeamLevelName = (typeof TEAM_LEVELS)[number];

export function isTeamRole(value: unknown): value is TeamRoleName {
  return (TEAM_ROLES as readonly unknown[]).includes(value);
}

export function isTeamLevel(value: unknown): value is TeamLevelName {
  return (TEAM_LEVELS as readonly unknown[]).includes(value);
}
