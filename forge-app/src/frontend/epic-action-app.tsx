/** Epic action: plan the epic (stories, tasks, tests), then sprints and timeline, previews before applying. */
import { DatePicker, Label, Select, Spinner, Stack, Text, Textfield } from '@forge/react';
import { useCallback, useEffect, useState } from 'react';
import type { AppFailure, Board, EpicActionApi, PanelState, SprintForm } from '../types';
import { FailureMessage } from './components/failure-message';
import { JobRunner } from './components/job-runner';
import { createCaller } from './lib/call';

const call = createCaller<EpicActionApi>();
const getJob = (jobId: string) => call('getJob', { jobId });
const cancelJob = (jobId: string) => call('cancelJob', { jobId });

const today = () => new Date().toISOString().slice(0, 10);

/** The form as typed, or why it cannot be sent yet. */
function readForm(board: string, start: string, length: string, capacity: string): SprintForm | string {
  const boardId = Number(board);
  if (!Number.isInteger(boardId) || boardId < 1) return 'Choose a board.';
  if (!/^\d{4}-\d{2}-\d{2}$/.test(start)) return 'Choose a start date.';
  const days = Number(length);
  if (!Number.isInteger(days) || days < 1 || days > 60) return 'Sprint length is 1 to 60 days.';
  if (capacity.trim() === '') return { boardId, startDate: start, sprintDurationDays: days };
  const cap = Number(capacity);
  if (!(cap > 0)) return 'Capacity is a positive number of days.';
  return { boardId, startDate: start, sprintDurationDays: days, capacityDays: cap };
}

export function EpicActionApp({ pollMs = 3000 }: { pollMs?: number }) {
  const [state, setState] = useState<PanelState | null>(null);
  const [failure, setFailure] = useState<AppFailure | null>(null);
  const [boards, setBoards] = useState<Board[] | null>(null);
  const [boardFailure, setBoardFailure] = useState<AppFailure | null>(null);
  const [board, setBoard] = useState('');
  const [start, setStart] = useState(today());
  const [length, setLength] = useState('14');
  const [capacity, setCapacity] = useState('');

  const load = useCallback(async () => {
    setFailure(null);
    const res = await call('getEpicState', {});
    if (!res.ok) {
      setFailure(res.error);
      return;
    }
    setState(res.data);
    const listed = await call('listBoards', {});
    if (listed.ok) {
      setBoards(listed.data);
      const first = listed.data[0];
      if (listed.data.length === 1 && first) setBoard(String(first.id));
    } else setBoardFailure(listed.error);
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  if (failure && !state) return <FailureMessage failure={failure} onRetry={load} />;
  if (!state) return <Spinner label="Loading Augment" />;

  const form = readForm(board, start, length, capacity);
  const formProblem = typeof form === 'string' ? form : null;
  const sprintPayload = () => form as SprintForm;
  const boardOptions = (boards ?? []).map((b) => ({ label: `${b.name} (${b.id})`, value: String(b.id) }));

  return (
    <Stack space="space.300">
      <JobRunner
        kind="epic_plan"
        title={`Plan ${state.issueKey}`}
        help="Breaks the epic into stories, team tasks and test cases. Review the preview, then create the issues."
        previewLabel="Preview epic plan"
        applyLabel="Create in Jira"
        initialJob={state.jobs.epic_plan ?? null}
        pollMs={pollMs}
        start={() => call('planEpic', {})}
        apply={(jobId, previewHash) => call('applyPreview', { kind: 'epic_plan', jobId, previewHash })}
        track={(jobId) => call('trackJob', { kind: 'epic_plan', jobId })}
        getJob={getJob}
        cancel={cancelJob}
      />
      <Stack space="space.100">
        <Label labelFor="board">Board</Label>
        {boardOptions.length > 0 ? (
          <Select
            id="board"
            name="board"
            options={boardOptions}
            value={boardOptions.find((o) => o.value === board)}
            onChange={(o: { value: string } | null) => setBoard(o?.value ?? '')}
          />
        ) : (
          <Textfield
            id="board"
            name="board"
            placeholder="Board id"
            value={board}
            onChange={(e) => setBoard(String(e.target.value ?? ''))}
          />
        )}
        {boardFailure ? <Text>{boardFailure.message}</Text> : null}
        <Label labelFor="startDate">First sprint starts</Label>
        <DatePicker
          id="startDate"
          name="startDate"
          value={start}
          onChange={(v: string) => setStart(v ?? '')}
        />
        <Label labelFor="sprintLength">Sprint length (days)</Label>
        <Textfield
          id="sprintLength"
          name="sprintLength"
          type="number"
          value={length}
          onChange={(e) => setLength(String(e.target.value ?? ''))}
        />
        <Label labelFor="capacity">Capacity per sprint (days, optional: else from team members)</Label>
        <Textfield
          id="capacity"
          name="capacity"
          type="number"
          value={capacity}
          onChange={(e) => setCapacity(String(e.target.value ?? ''))}
        />
        {formProblem ? <Text>{formProblem}</Text> : null}
      </Stack>
      <JobRunner
        kind="sprint_plan"
        title="Sprint plan"
        help="Assigns the epic's tasks to sprints by team capacity and dependencies."
        previewLabel="Preview sprint plan"
        applyLabel="Apply sprint plan"
        initialJob={state.jobs.sprint_plan ?? null}
        pollMs={pollMs}
        isDisabled={formProblem !== null}
        start={() => call('planSprints', sprintPayload())}
        apply={(jobId, previewHash) => call('applyPreview', { kind: 'sprint_plan', jobId, previewHash })}
        track={(jobId) => call('trackJob', { kind: 'sprint_plan', jobId })}
        getJob={getJob}
        cancel={cancelJob}
      />
      <JobRunner
        kind="timeline"
        title="Timeline"
        help="Schedules each task with start and end dates across the sprints."
        previewLabel="Preview timeline"
        applyLabel="Save timeline"
        initialJob={state.jobs.timeline ?? null}
        pollMs={pollMs}
        isDisabled={formProblem !== null}
        start={() => call('planTimeline', sprintPayload())}
        apply={(jobId, previewHash) => call('applyPreview', { kind: 'timeline', jobId, previewHash })}
        track={(jobId) => call('trackJob', { kind: 'timeline', jobId })}
        getJob={getJob}
        cancel={cancelJob}
      />
    </Stack>
  );
}
