import { describe, expect, it } from 'vitest';
import { capacityByRole, type TeamMember, TeamMemberInput } from './team-member.js';

const member = (over: Partial<TeamMember>): TeamMember => ({
  id: 1,
  name: 'A',
  email: 'a@x.io',
  role: 'backend',
  level: 'mid',
  team_id: 1,
  capacity_days_per_sprint: 8,
  active: true,
  created_at: '',
  updated_at: '',
  ...over,
});

describe('team members', () => {
  it('sums active capacity per role and splits fullstack members between backend and frontend', () => {
    const caps = capacityByRole([
      member({ role: 'backend', capacity_days_per_sprint: 8 }),
      member({ role: 'backend', capacity_days_per_sprint: 6 }),
      member({ role: 'fullstack', capacity_days_per_sprint: 8 }),
      member({ role: 'qa', capacity_days_per_sprint: 5, active: false }),
    ]);
    expect(caps).toEqual({ backend: 18, frontend: 4 });
  });

  it('limits capacity to one team when a team id is given', () => {
    const caps = capacityByRole(
      [member({ team_id: 1 }), member({ team_id: 2, capacity_days_per_sprint: 3 })],
      2,
    );
    expect(caps).toEqual({ backend: 3 });
  });

  it('normalises e-mail and names the invalid field', () => {
    expect(TeamMemberInput.parse({ name: 'Ann', email: ' Ann@X.io ', role: 'qa' }).email).toBe('ann@x.io');
    const bad = TeamMemberInput.safeParse({ name: 'Ann', email: 'nope', role: 'qa' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(['email']);
  });
});
