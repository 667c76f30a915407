/**
 * Scripted answers of the stand-in model for the planning schemas, at the top of the shape each prompt
 * asks for: as many tasks as the prompt allows, as many cases per task as the coverage range allows,
 * descriptions of about 120 words, six steps per case. An answer the call's cap cannot hold is cut by
 * the stand-in (finish_reason "length"), so a test that sees no cut answer shows the caps fit.
 */
import type { StandInCall, StandInScript } from '../stubs/model-stand-in.js';

const SENTENCE =
  'The service validates the request, stores the change in one transaction and records who made it for the audit trail.';
const words = (n: number) => {
  const base = SENTENCE.split(' ');
  return Array.from({ length: n }, (_, i) => base[i % base.length]).join(' ');
};

/** The story block of a prompt: its key, title and criteria. */
export function storyOf(user: string): { key: string; criteria: string[] } {
  const key = /(?:Break story|of story|for story) (\S+?)[ ,:]/.exec(user)?.[1] ?? 'STORY';
  const block = /## Acceptance criteria\n([\s\S]*?)(?:\n\n|\n<\/story>|$)/.exec(user)?.[1] ?? '';
  const criteria = block
    .split('\n')
    .map((l) => l.replace(/^-\s+/, '').trim())
    .filter((l) => l && !l.startsWith('('));
  return { key, criteria };
}

const range = (user: string, per: string) => {
  const m = new RegExp(`(\\d+) to (\\d+) cases per ${per}`).exec(user);
  return { min: Number(m?.[1] ?? 3), max: Number(m?.[2] ?? 6) };
};

function testCase(i: number, criterion: string | null) {
  return {
    title: `Case ${i}: ${words(9)}`,
    type: i % 2 === 0 ? 'integration' : 'unit',
    description: words(22),
    steps: Array.from({ length: 6 }, (_, s) => `Step ${s + 1}: ${words(7)}`),
    expected_result: words(14),
    covers_criterion: criterion,
    priority: 'high',
  };
}

const TEAMS = ['backend', 'frontend', 'qa', 'backend', 'data', 'infrastructure'];

function task(i: number, criteria: string[]) {
  return {
    ref: `T${i + 1}`,
    summary: `Implement part ${i + 1}: ${words(8)}`,
    description: words(120),
    team: TEAMS[i % TEAMS.length],
    estimate_days: 1.5,
    depends_on: i > 0 ? [`T${i}`] : [],
    covers_criteria: criteria.slice(i % Math.max(1, criteria.length), (i % Math.max(1, criteria.length)) + 1),
  };
}

/** Tasks of a tests prompt: "### T1 [backend] summary" (split tasks) or "### KEY-1 [team] title" (suites). */
const listedItems = (user: string) => [...user.matchAll(/^### (\S+) \[\w+\] /gm)].map((m) => m[1]!);

/** Full-size answers for every planning schema. */
export const fullSizeScript: StandInScript = (call: StandInCall) => {
  const { key, criteria } = storyOf(call.user);
  const c = (i: number) => criteria[i % Math.max(1, criteria.length)] ?? null;
  switch (call.schemaName) {
    case 'story_task_plan':
    case 'story_task_outline': {
      const maxTasks = Number(/plan (\d+) to (\d+) tasks/.exec(call.user)?.[2] ?? 4);
      const tests = call.schemaName === 'story_task_plan' ? range(call.user, 'task').max : 0;
      return {
        json: {
          story_types: ['api', 'ui'],
          tasks: Array.from({ length: maxTasks }, (_, i) => ({
            ...task(i, criteria),
            ...(tests ? { test_cases: Array.from({ length: tests }, (_, j) => testCase(j, c(j))) } : {}),
          })),
        },
      };
    }
    case 'story_task_tests': {
      const tests = range(call.user, 'task').max;
      return {
        json: {
          tasks: listedItems(call.user).map((ref) => ({
            ref,
            test_cases: Array.from({ length: tests }, (_, j) => testCase(j, c(j))),
          })),
        },
      };
    }
    case 'test_suite': {
      const tests = range(call.user, 'item').max;
      const withStory = !/story's own cases are asked for in another call/.test(call.user);
      return {
        json: {
          story_test_cases: withStory ? Array.from({ length: tests }, (_, j) => testCase(j, c(j))) : [],
          tasks: listedItems(call.user).map((k) => ({
            key: k,
            test_cases: Array.from({ length: tests }, (_, j) => testCase(j, c(j))),
          })),
        },
      };
    }
    case 'cross_story_dependencies':
      return { json: { dependencies: [] } };
    default:
      return { status: 500, body: { error: { message: `no script for ${call.schemaName} (${key})` } } };
  }
};
