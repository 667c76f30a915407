import { describe, expect, it } from 'vitest';
import { Team } from '../planning/schemas.js';
import { isTeamLevel, isTeamRole, TEAM_LEVELS, TEAM_ROLES } from './roles.js';
import { TeamLevel, TeamRole } from './team-member.js';

describe('the team list', () => {
  it('is the one list behind the team member schema, and planning teams are among its roles', () => {
    expect(TeamRole.options).toEqual([...TEAM_ROLES]);
    expect(TeamLevel.options).toEqual([...TEAM_LEVELS]);
    for (const t of Team.options) expect(TEAM_ROLES).toContain(t);
  });

  it('tells roles and levels from anything else', () => {
    expect(TEAM_ROLES.every(isTeamRole)).toBe(true);
    expect(TEAM_LEVELS.every(isTeamLevel)).toBe(true);
    for (const v of ['Backend', 'dev', '', null, 1]) expect(isTeamRole(v)).toBe(false);
    for (const v of ['lead', 'Senior', undefined]) expect(isTeamLevel(v)).toBe(false);
  });
});
