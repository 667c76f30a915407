import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  ProposedDependencyList,
  Relationship,
  Story,
  StoryList,
  TaskPlan,
  TeamTask,
  TestCase,
  TestCaseList,
  TicketDescription,
} from './schemas.js';

describe('planning schemas', () => {
  it.each([
    ['TestCase', TestCase],
    ['TestCaseList', TestCaseList],
    ['Story', Story],
    ['StoryList', StoryList],
    ['TeamTask', TeamTask],
    ['Relationship', Relationship],
    ['TaskPlan', TaskPlan],
    ['TicketDescription', TicketDescription],
    ['ProposedDependencyList', ProposedDependencyList],
  ])('%s converts to a JSON Schema an LLM can be asked to fill', (_name, schema) => {
    const json = z.toJSONSchema(schema as z.ZodType, { io: 'output' }) as { type?: string };
    expect(json.type).toBe('object');
  });

  it('accepts the response shape of the spec and rejects unknown teams or link types', () => {
    const rel = {
      from: 'TASK-101',
      to: 'TASK-102',
      type: 'Blocks',
      blocking_team: 'backend',
      dependent_team: 'frontend',
    };
    expect(Relationship.parse(rel)).toEqual(rel);
    expect(Relationship.safeParse({ ...rel, type: 'Relates' }).success).toBe(false);
    expect(Relationship.safeParse({ ...rel, blocking_team: 'marketing' }).success).toBe(false);
  });

  it('requires covers_criterion to be present (null for technical cases)', () => {
    const tc = {
      title: 't',
      type: 'unit',
      description: '',
      steps: [],
      expected_result: 'ok',
      priority: 'low',
    };
    expect(TestCase.safeParse(tc).success).toBe(false);
    expect(TestCase.safeParse({ ...tc, covers_criterion: null }).success).toBe(true);
  });
});
