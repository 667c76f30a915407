/** Confluence macro on a PRD page: preview the stories of the page's table, then sync them to Jira. */
import { isIssueKey } from '@augment/shared/core';
import { Label, Select, Spinner, Stack, Text, Textfield } from '@forge/react';
import { useCallback, useEffect, useState } from 'react';
import type { AppFailure, ExistingTicketAction, PanelState, PrdMacroApi } from '../types';
import { FailureMessage } from './components/failure-message';
import { JobRunner } from './components/job-runner';
import { createCaller } from './lib/call';

const call = createCaller<PrdMacroApi>();
const getJob = (jobId: string) => call('getJob', { jobId });
const cancelJob = (jobId: string) => call('cancelJob', { jobId });

const ACTIONS: { label: string; value: ExistingTicketAction }[] = [
  { label: 'Skip stories that already have a ticket', value: 'skip' },
  { label: 'Update existing tickets', value: 'update' },
  { label: 'Stop at the first existing ticket', value: 'error' },
];

export function PrdMacroApp({ pollMs = 3000 }: { pollMs?: number }) {
  const [state, setState] = useState<(PanelState & { prdUrl: string }) | null>(null);
  const [failure, setFailure] = useState<AppFailure | null>(null);
  const [epicKey, setEpicKey] = useState('');
  const [action, setAction] = useState<ExistingTicketAction>('skip');

  const load = useCallback(async () => {
    setFailure(null);
    const res = await call('getPrdState', {});
    if (res.ok) setState(res.data);
    else setFailure(res.error);
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  if (failure && !state) return <FailureMessage failure={failure} onRetry={load} />;
  if (!state) return <Spinner label="Loading Augment" />;

  const epic = epicKey.trim().toUpperCase();
  const epicProblem = epic !== '' && !isIssueKey(epic) ? 'Epic key looks like PROJ-123.' : null;

  return (
    <JobRunner
      kind="prd_sync"
      title="PRD stories to Jira"
      help="Reads the story table of this page (Title, Description, Acceptance Criteria). Preview what each row would do, then sync; the table gets a Jira link per row."
      previewLabel="Preview stories"
      applyLabel="Sync to Jira"
      initialJob={state.jobs.prd_sync ?? null}
      pollMs={pollMs}
      isDisabled={epicProblem !== null}
      start={() => call('syncPrd', { existingTicketAction: action, ...(epic ? { epicKey: epic } : {}) })}
      apply={(jobId, previewHash) => call('applyPreview', { kind: 'prd_sync', jobId, previewHash })}
      track={(jobId) => call('trackJob', { kind: 'prd_sync', jobId })}
      getJob={getJob}
      cancel={cancelJob}
    >
      <Stack space="space.100">
        <Label labelFor="epicKey">Epic (optional)</Label>
        <Textfield
          id="epicKey"
          name="epicKey"
          placeholder="PROJ-100"
          value={epicKey}
          onChange={(e) => setEpicKey(String(e.target.value ?? ''))}
        />
        {epicProblem ? <Text>{epicProblem}</Text> : null}
        <Label labelFor="existingTicketAction">When a story already has a ticket</Label>
        <Select
          id="existingTicketAction"
          name="existingTicketAction"
          options={ACTIONS}
          value={ACTIONS.find((a) => a.value === action)}
          onChange={(o: { value: ExistingTicketAction } | null) => setAction(o?.value ?? 'skip')}
        />
      </Stack>
    </JobRunner>
  );
}
