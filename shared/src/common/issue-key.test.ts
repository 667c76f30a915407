import { describe, expect, it } from 'vitest';
import { ISSUE_KEY, isIssueKey, isProjectKey } from './issue-key.js';
import { IssueKey } from './job-types.js';

describe('Jira keys (one rule)', () => {
  it('accepts keys by Jira project-key rules: an upper-case letter, then upper-case letters, digits, _', () => {
    for (const k of ['PROJ-1', 'P-1', 'AB_1-23', 'A1-5', 'DEMO-9999999999', `${'A'.repeat(255)}-1`])
      expect(isIssueKey(k), k).toBe(true);
    for (const k of ['PROJ', 'A1', 'AB_C']) expect(isProjectKey(k), k).toBe(true);
  });

  it('refuses lower case, leading digits or underscores, zero and zero-padded numbers, and junk', () => {
    for (const k of [
      'proj-1',
      'Proj-1',
      'PROJ-0',
      'PROJ-01',
      '1PROJ-1',
      '_PROJ-1',
      'PROJ_1',
      'PROJ-',
      '-1',
      'PROJ-1 ',
      'PROJ-1\n',
      'PROJ-12345678901',
      `${'A'.repeat(256)}-1`,
      '',
    ])
      expect(isIssueKey(k), JSON.stringify(k)).toBe(false);
    for (const k of ['proj', '1A', '', 'A-B']) expect(isProjectKey(k), k).toBe(false);
    expect(isIssueKey(42)).toBe(false);
  });

  it('is the rule of the API schema too (which trims first)', () => {
    expect(IssueKey.parse(' PROJ-12 ')).toBe('PROJ-12');
    expect(IssueKey.safeParse('proj-12').success).toBe(false);
    expect(ISSUE_KEY.test('PROJ-12')).toBe(true);
  });
});
