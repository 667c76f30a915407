/**
 * Issue panel on stories and tasks: generation work with previews, the story's readiness for generation,
 * and the draft PR review on stories.
 */
import { Button, ButtonGroup, Select, Spinner, Stack, Text, useProductContext } from '@forge/react';
import { useCallback, useEffect, useState } from 'react';
import type { AppFailure, CoverageLevel, IssueAction, IssuePanelApi, JobKind, PanelState } from '../types';
import { DraftPrReview } from './components/draft-pr-review';
import { FailureMessage } from './components/failure-message';
import { JobRunner } from './components/job-runner';
import { ReadinessView } from './components/readiness-view';
import { createCaller } from './lib/call';

const call = createCaller<IssuePanelApi>();
const getJob = (jobId: string) => call('getJob', { jobId });
const cancelJob = (jobId: string) => call('cancelJob', { jobId });
const getReadiness = () => call('getReadiness', {});

type Section = IssueAction | 'draft_pr' | 'readiness';

const SECTIONS: { key: Section; label: string; storiesOnly: boolean }[] = [
  { key: 'description', label: 'Description', storiesOnly: false },
  { key: 'tasks', label: 'Tasks', storiesOnly: true },
  { key: 'tests', label: 'Test cases', storiesOnly: false },
  { key: 'coverage', label: 'Coverage', storiesOnly: false },
  { key: 'readiness', label: 'Readiness', storiesOnly: true },
  { key: 'draft_pr', label: 'Draft PR', storiesOnly: true },
];

const COPY: Record<IssueAction, { title: string; help: string; preview: string; apply?: string }> = {
  description: {
    title: 'Generate the description',
    help: 'Writes a description with acceptance criteria from the issue, its epic and linked documents.',
    preview: 'Preview description',
    apply: 'Create in Jira',
  },
  tasks: {
    title: 'Team-based tasks',
    help: 'Splits the story into backend, frontend and QA tasks with estimates and "blocks" links.',
    preview: 'Preview tasks',
    apply: 'Create in Jira',
  },
  tests: {
    title: 'Test cases',
    help: 'Generates test cases for this story at the chosen coverage level.',
    preview: 'Generate test cases',
  },
  coverage: {
    title: 'Coverage analysis',
    help: 'Checks how well the existing tasks and tests cover the acceptance criteria.',
    preview: 'Analyze coverage',
  },
};

const LEVELS: { label: string; value: CoverageLevel }[] = [
  { label: 'Minimal', value: 'minimal' },
  { label: 'Basic', value: 'basic' },
  { label: 'Standard', value: 'standard' },
  { label: 'Comprehensive', value: 'comprehensive' },
];

function isRunning(state: PanelState, kind: JobKind): boolean {
  const status = state.jobs[kind]?.snapshot?.status;
  return status !== undefined && !['completed', 'failed', 'cancelled'].includes(status);
}

export function IssuePanelApp({ pollMs = 3000 }: { pollMs?: number }) {
  const context = useProductContext();
  const issueType: string | undefined = context?.extension?.issue?.type;
  const isStory = issueType === undefined || issueType.toLowerCase() === 'story';
  const [state, setState] = useState<PanelState | null>(null);
  const [failure, setFailure] = useState<AppFailure | null>(null);
  const [section, setSection] = useState<Section | null>(null);
  const [level, setLevel] = useState<CoverageLevel>('standard');

  const load = useCallback(async () => {
    setFailure(null);
    const res = await call('getPanelState', {});
    if (!res.ok) {
      setFailure(res.error);
      return;
    }
    setState(res.data);
    // Reopening the issue lands on the work that is still running.
    const running = SECTIONS.find((s) => s.key !== 'readiness' && isRunning(res.data, s.key));
    setSection((current) => current ?? running?.key ?? 'description');
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  if (failure && !state) return <FailureMessage failure={failure} onRetry={load} />;
  if (!state || !section) return <Spinner label="Loading Augment" />;

  const visible = SECTIONS.filter((s) => isStory || !s.storiesOnly);
  const current = visible.some((s) => s.key === section) ? section : 'description';

  return (
    <Stack space="space.200">
      <ButtonGroup label="Augment actions">
        {visible.map((s) => (
          <Button
            key={s.key}
            appearance={s.key === current ? 'primary' : 'subtle'}
            isSelected={s.key === current}
            onClick={() => setSection(s.key)}
          >
            {s.label}
          </Button>
        ))}
      </ButtonGroup>
      {current === 'readiness' ? (
        <ReadinessView key="readiness" load={getReadiness} />
      ) : current === 'draft_pr' ? (
        <DraftPrReview key="draft_pr" initialJob={state.jobs.draft_pr ?? null} pollMs={pollMs} />
      ) : (
        <JobRunner
          key={current}
          kind={current}
          title={COPY[current].title}
          help={COPY[current].help}
          previewLabel={COPY[current].preview}
          applyLabel={COPY[current].apply}
          initialJob={state.jobs[current] ?? null}
          pollMs={pollMs}
          start={() =>
            call('startAction', {
              action: current,
              ...(current === 'tests' ? { coverageLevel: level } : {}),
            })
          }
          apply={(jobId, previewHash) => call('applyPreview', { kind: current, jobId, previewHash })}
          track={(jobId) => call('trackJob', { kind: current, jobId })}
          getJob={getJob}
          cancel={cancelJob}
        >
          {current === 'tests' ? (
            <Select
              name="coverageLevel"
              options={LEVELS}
              value={LEVELS.find((l) => l.value === level)}
              onChange={(option: { value: CoverageLevel } | null) => setLevel(option?.value ?? 'standard')}
            />
          ) : null}
        </JobRunner>
      )}
      {state.issueKey ? <Text>{`Issue ${state.issueKey}`}</Text> : null}
    </Stack>
  );
}
