/**
 * Renders a job result by kind. Runner results are read defensively (several field names accepted); a
 * result that matches no known shape is shown as JSON rather than hidden.
 */
import { CodeBlock, DynamicTable, Heading, Stack, Text } from '@forge/react';
import type { JobKind } from '../../types';
import { firstText, isRecord, json, pick, pickArray, text } from '../lib/format';
import { Paragraphs, TextList } from './text-list';

type Row = Record<string, unknown>;

function Table({ caption, columns, rows }: { caption: string; columns: string[]; rows: string[][] }) {
  return (
    <DynamicTable
      caption={caption}
      head={{ cells: columns.map((c, i) => ({ key: `h${i}`, content: c })) }}
      rows={rows.map((cells, r) => ({
        key: `r${r}`,
        cells: cells.map((c, i) => ({ key: `c${r}-${i}`, content: c })),
      }))}
    />
  );
}

function CreatedKeys({ result }: { result: unknown }) {
  const created = pick(result, [
    'created_keys',
    'created',
    'tasks_created',
    'created_tasks',
    'created_stories',
    'issues_created',
  ]);
  const keys = Array.isArray(created) ? created.map(text).filter(Boolean) : [];
  return keys.length > 0 ? <Text>{`Created in Jira: ${keys.join(', ')}`}</Text> : null;
}

function Raw({ result }: { result: unknown }) {
  return <CodeBlock language="json" text={json(result)} />;
}

function Description({ result }: { result: unknown }) {
  const body = pick(result, [
    'description_markdown',
    'description',
    'generated_description',
    'markdown',
    'content',
  ]);
  const criteria = pick(result, ['acceptance_criteria']);
  if (typeof body !== 'string') return <Raw result={result} />;
  const paragraphs = body
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .slice(0, 60);
  const items = Array.isArray(criteria) ? criteria.map(text).filter(Boolean) : [];
  return (
    <Stack space="space.100">
      <Heading size="small">Proposed description</Heading>
      <Paragraphs items={paragraphs} />
      {items.length > 0 ? <TextList items={items} /> : null}
    </Stack>
  );
}

function Tasks({ result }: { result: unknown }) {
  const tasks = pickArray(result, ['tasks', 'task_details', 'generated_tasks']);
  if (!tasks) return <Raw result={result} />;
  // Dependencies name task ids; show the summaries instead.
  const summaries = new Map(tasks.map((t) => [text(t.id), firstText(t, ['summary', 'title', 'name'])]));
  const deps = (t: Row) => {
    const list = ['depends_on_tasks', 'depends_on', 'blocked_by'].map((k) => t[k]).find(Array.isArray) ?? [];
    return list.map((d) => summaries.get(text(d)) || text(d)).join(', ');
  };
  return (
    <Stack space="space.100">
      <Table
        caption={`${tasks.length} task(s) by team`}
        columns={['Task', 'Team', 'Estimate (days)', 'Depends on']}
        rows={tasks.map((t) => [
          firstText(t, ['summary', 'title', 'name']),
          firstText(t, ['team']),
          firstText(t, ['estimate_days', 'estimated_days', 'cycle_time_days', 'story_points']),
          deps(t),
        ])}
      />
      <CreatedKeys result={result} />
    </Stack>
  );
}

function Tests({ result }: { result: unknown }) {
  const tests = pickArray(result, ['test_cases', 'tests']);
  if (!tests) return <Raw result={result} />;
  return (
    <Table
      caption={`${tests.length} test case(s)`}
      columns={['Test case', 'Type', 'Priority']}
      rows={tests.map((t) => [
        firstText(t, ['title', 'name', 'summary']),
        firstText(t, ['type', 'test_type']),
        firstText(t, ['priority']),
      ])}
    />
  );
}

function Coverage({ result }: { result: unknown }) {
  const score = pick(result, ['coverage_percent', 'coverage_percentage', 'coverage_score', 'score']);
  const criteria = pickArray(result, ['criteria']);
  const gaps = pickArray(result, ['gaps', 'missing_coverage', 'uncovered']);
  if (score === undefined && !gaps && !criteria) return <Raw result={result} />;
  const gapText = (g: Row) => {
    const what = firstText(g, ['criterion', 'description', 'gap', 'title', 'value']);
    const missing = Array.isArray(g.missing) ? g.missing.map(text).join(' and ') : '';
    const suggestion = isRecord(g.suggestion) ? firstText(g.suggestion, ['summary']) : '';
    return [what, missing ? `missing ${missing}` : '', suggestion ? `suggested: ${suggestion}` : '']
      .filter(Boolean)
      .join(' — ');
  };
  return (
    <Stack space="space.100">
      {score !== undefined ? (
        <Heading size="small">{`Coverage: ${text(score)}${typeof score === 'number' ? '%' : ''}`}</Heading>
      ) : null}
      {criteria && criteria.length > 0 ? (
        <Table
          caption="Acceptance criteria"
          columns={['Criterion', 'Status', 'Tasks', 'Tests']}
          rows={criteria.map((c) => [
            firstText(c, ['criterion', 'text']),
            firstText(c, ['status']),
            Array.isArray(c.tasks) ? String(c.tasks.length) : '',
            Array.isArray(c.tests) ? String(c.tests.length) : '',
          ])}
        />
      ) : null}
      {gaps && gaps.length > 0 ? (
        <>
          <Text>Gaps</Text>
          <TextList items={gaps.map(gapText)} />
        </>
      ) : (
        <Text>No coverage gaps found.</Text>
      )}
    </Stack>
  );
}

function EpicPlan({ result }: { result: unknown }) {
  const stories = pickArray(result, ['stories', 'story_details', 'planned_stories']);
  if (!stories) return <Raw result={result} />;
  const count = (s: Row, keys: string[]) => {
    const arr = keys.map((k) => s[k]).find(Array.isArray);
    return Array.isArray(arr) ? String(arr.length) : '';
  };
  return (
    <Stack space="space.100">
      <Table
        caption={`${stories.length} stories`}
        columns={['Story', 'Tasks', 'Test cases']}
        rows={stories.map((s) => {
          // The planner nests the story itself under `story`.
          const story = isRecord(s.story) ? s.story : s;
          return [
            firstText(story, ['summary', 'title', 'name']),
            count(s, ['task_ids', 'tasks', 'task_details']),
            count(s, ['test_cases', 'tests']),
          ];
        })}
      />
      <CreatedKeys result={result} />
    </Stack>
  );
}

/** "backend 8/10 d, qa 2/5 d": used versus capacity per team. */
function capacityText(sprint: Row): string {
  const capacity = isRecord(sprint.capacity) ? sprint.capacity : {};
  const used = isRecord(sprint.used) ? sprint.used : {};
  const teams = [...new Set([...Object.keys(capacity), ...Object.keys(used)])];
  if (teams.length === 0) return firstText(sprint, ['capacity_days', 'capacity']);
  return teams.map((t) => `${t} ${text(used[t] ?? 0)}/${text(capacity[t] ?? '?')} d`).join(', ');
}

function Timeline({ result }: { result: unknown }) {
  const items = pickArray(result, ['timeline', 'schedule', 'items']);
  if (!items) return <Raw result={result} />;
  return (
    <Table
      caption={`Timeline (${items.length} tasks)`}
      columns={['Task', 'Team', 'Sprint', 'Start', 'End']}
      rows={items.map((t) => [
        firstText(t, ['key', 'summary']),
        firstText(t, ['team']),
        firstText(t, ['sprint', 'sprint_name']),
        firstText(t, ['start', 'start_date']),
        firstText(t, ['end', 'end_date']),
      ])}
    />
  );
}

function SprintPlan({ result }: { result: unknown }) {
  const sprints = pickArray(result, ['sprints', 'sprint_plan']);
  if (!sprints) return <Raw result={result} />;
  const unscheduled = pickArray(result, ['unscheduled']) ?? [];
  const flags = pickArray(result, ['flags']) ?? [];
  const hasTimeline = pickArray(result, ['timeline']) !== undefined;
  const summary = pick(result, ['summary']);
  const overview = isRecord(summary)
    ? `${text(summary.scheduled_tasks)} of ${text(summary.total_tasks)} tasks in ${text(summary.sprints_used)} sprint(s)${
        summary.end_date ? `, done by ${text(summary.end_date)}` : ''
      }`
    : '';
  return (
    <Stack space="space.100">
      {overview ? <Text>{overview}</Text> : null}
      <Table
        caption={`${sprints.length} sprint(s)`}
        columns={['Sprint', 'Dates', 'Tasks', 'Capacity used']}
        rows={sprints.map((s) => {
          const tasks = Array.isArray(s.tasks) ? s.tasks.map(text) : [];
          return [
            firstText(s, ['name', 'sprint_name']),
            `${firstText(s, ['start_date', 'start'])} – ${firstText(s, ['end_date', 'end'])}`,
            tasks.length > 0 ? tasks.join(', ') : firstText(s, ['task_count']),
            capacityText(s),
          ];
        })}
      />
      {unscheduled.length > 0 ? (
        <Text>{`Not scheduled: ${unscheduled.map((u) => `${firstText(u, ['key'])} (${firstText(u, ['reason'])})`).join(', ')}`}</Text>
      ) : null}
      {flags.length > 0 ? (
        <Text>{`Flagged: ${flags.map((f) => `${firstText(f, ['key'])} (${firstText(f, ['reason'])})`).join(', ')}`}</Text>
      ) : null}
      {hasTimeline ? <Timeline result={result} /> : null}
    </Stack>
  );
}

function PrdSync({ result }: { result: unknown }) {
  const rows = pickArray(result, ['rows', 'results', 'outcomes', 'stories', 'items']);
  if (!rows) return <Raw result={result} />;
  const counts = ['created', 'updated', 'skipped', 'errors', 'failed']
    .map((k) => [k, pick(result, [k])] as const)
    .filter(([, v]) => typeof v === 'number');
  return (
    <Stack space="space.100">
      {counts.length > 0 ? <Text>{counts.map(([k, v]) => `${text(v)} ${k}`).join(', ')}</Text> : null}
      <Table
        caption={`${rows.length} row(s) of the story table`}
        columns={['Row', 'Story', 'Outcome', 'Jira', 'Note']}
        rows={rows.map((r, i) => [
          firstText(r, ['row_index', 'row', 'row_number']) || String(i + 1),
          firstText(r, ['title', 'summary', 'name']),
          firstText(r, ['action', 'outcome', 'status', 'result']),
          firstText(r, ['jira_key', 'key', 'ticket_key', 'issue_key']),
          firstText(r, ['reason', 'error', 'message', 'note']),
        ])}
      />
    </Stack>
  );
}

const VIEWS: Record<JobKind, (props: { result: unknown }) => ReturnType<typeof Raw> | null> = {
  description: Description,
  tasks: Tasks,
  tests: Tests,
  coverage: Coverage,
  epic_plan: EpicPlan,
  sprint_plan: SprintPlan,
  timeline: Timeline,
  prd_sync: PrdSync,
  draft_pr: Raw,
};

export function ResultView({ kind, result }: { kind: JobKind; result: unknown }) {
  if (result === null || result === undefined) return <Text>The job finished without a result.</Text>;
  const View = VIEWS[kind];
  return <View result={result} />;
}
