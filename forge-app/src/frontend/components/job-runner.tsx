/**
 * One piece of runner work as the user sees it: preview (dry run) first, follow the job, read the
 * result, then apply exactly that preview (named by its id and hash). A duplicate start offers the job
 * already running.
 */
import { Button, Heading, Inline, LoadingButton, SectionMessage, Stack, Text } from '@forge/react';
import { type ReactNode, useState } from 'react';
import type {
  AppFailure,
  Envelope,
  JobKind,
  JobSnapshot,
  PreviewRef,
  StartOutcome,
  TrackedJob,
} from '../../types';
import { isRecord, shortHash } from '../lib/format';
import { isTerminal, useJobPolling } from '../lib/use-job-polling';
import { FailureMessage } from './failure-message';
import { JobProgress } from './job-progress';
import { ResultView } from './result-view';

export interface JobRunnerProps {
  kind: JobKind;
  title: string;
  help?: string;
  previewLabel: string;
  /** Label of the apply step (dry_run false); without it the work is preview-only. */
  applyLabel?: string;
  initialJob: TrackedJob | null;
  pollMs: number;
  isDisabled?: boolean;
  /** Starts a preview. */
  start(): Promise<Envelope<StartOutcome>>;
  /** Applies the preview job's result, naming the hash on screen. */
  apply?(jobId: string, previewHash: string): Promise<Envelope<TrackedJob>>;
  track(jobId: string): Promise<Envelope<TrackedJob>>;
  getJob(jobId: string): Promise<Envelope<JobSnapshot>>;
  cancel(jobId: string): Promise<Envelope<unknown>>;
  children?: ReactNode;
}

export function JobRunner(props: JobRunnerProps) {
  const { kind, pollMs, getJob } = props;
  const [job, setJob] = useState<TrackedJob | null>(props.initialJob);
  const [result, setResult] = useState<{ value: unknown } | null>(null);
  const [failure, setFailure] = useState<AppFailure | null>(null);
  const [busy, setBusy] = useState(false);
  const { snapshot, failure: pollFailure, stalled, retry } = useJobPolling(job, getJob, pollMs);

  const running = job !== null && !isTerminal(snapshot?.status);
  // The runner's word on whether the job is a preview wins over what this view assumed.
  const preview = typeof snapshot?.dry_run === 'boolean' ? snapshot.dry_run : (job?.dry_run ?? true);
  const done = job !== null && snapshot?.status === 'completed';
  const shown = done && preview ? previewOf(snapshot?.result) : undefined;

  async function run() {
    setBusy(true);
    setFailure(null);
    const res = await props.start();
    setBusy(false);
    if (!res.ok) {
      setFailure(res.error);
      return;
    }
    if (res.data.mode === 'job') {
      setResult(null);
      setJob(res.data.job);
    } else {
      setJob(null);
      setResult({ value: res.data.result });
    }
  }

  async function applyShown() {
    if (!job || !shown || !props.apply) return;
    setBusy(true);
    setFailure(null);
    const res = await props.apply(job.job_id, shown.preview_hash);
    setBusy(false);
    if (res.ok) {
      setResult(null);
      setJob(res.data);
    } else setFailure(res.error);
  }

  async function viewExisting(jobId: string) {
    setFailure(null);
    const res = await props.track(jobId);
    if (res.ok) {
      setResult(null);
      setJob(res.data);
    } else setFailure(res.error);
  }

  async function cancel() {
    if (!job) return;
    const res = await props.cancel(job.job_id);
    if (res.ok) retry();
    else setFailure(res.error);
  }

  return (
    <Stack space="space.150">
      <Heading size="small">{props.title}</Heading>
      {props.help ? <Text>{props.help}</Text> : null}
      {props.children}
      <Inline space="space.100">
        <LoadingButton
          appearance={done ? 'default' : 'primary'}
          isLoading={busy}
          isDisabled={busy || running || props.isDisabled === true}
          onClick={run}
        >
          {props.previewLabel}
        </LoadingButton>
      </Inline>
      {failure ? <FailureMessage failure={failure} onViewExisting={viewExisting} /> : null}
      {job ? (
        <Stack space="space.100">
          <Text>{preview ? 'Preview (nothing is changed in Jira yet)' : 'Applying in Jira'}</Text>
          <JobProgress snapshot={snapshot} failure={pollFailure} onRetry={retry} onCancel={cancel} />
          {stalled ? (
            <SectionMessage appearance="information" title="Still running">
              <Stack space="space.100">
                <Text>
                  This is taking long; Augment stopped checking so it does not keep calling the runner.
                </Text>
                <Button onClick={retry}>Check again</Button>
              </Stack>
            </SectionMessage>
          ) : null}
        </Stack>
      ) : null}
      {done && snapshot ? <ResultView kind={kind} result={snapshot.result} /> : null}
      {shown && props.applyLabel && props.apply ? (
        <Stack space="space.100">
          <Text>{`Applying creates exactly this preview (${shortHash(shown.preview_hash)}), until ${shown.expires_at.slice(0, 16).replace('T', ' ')} UTC.`}</Text>
          <Inline space="space.100">
            <Button appearance="primary" isDisabled={busy} onClick={applyShown}>
              {props.applyLabel}
            </Button>
          </Inline>
        </Stack>
      ) : null}
      {done && !preview ? (
        <SectionMessage appearance="success" title="Done in Jira">
          <Text>The changes above were applied.</Text>
        </SectionMessage>
      ) : null}
      {result ? <ResultView kind={kind} result={result.value} /> : null}
    </Stack>
  );
}

/** The preview a finished dry run offers to apply (`result.preview`). */
function previewOf(result: unknown): PreviewRef | undefined {
  const p = isRecord(result) && isRecord(result.preview) ? result.preview : undefined;
  return p &&
    typeof p.preview_id === 'string' &&
    typeof p.preview_hash === 'string' &&
    typeof p.expires_at === 'string'
    ? (p as unknown as PreviewRef)
    : undefined;
}
