import { Button, Inline, Lozenge, ProgressBar, SectionMessage, Stack, Text } from '@forge/react';
import type { AppFailure, JobSnapshot } from '../../types';
import { errorText } from '../lib/format';
import { FailureMessage } from './failure-message';

type LozengeAppearance = 'default' | 'inprogress' | 'success' | 'removed' | 'moved';

const STATUS: Record<string, { label: string; appearance: LozengeAppearance }> = {
  queued: { label: 'Queued', appearance: 'default' },
  waiting: { label: 'Queued', appearance: 'default' },
  delayed: { label: 'Retrying soon', appearance: 'moved' },
  active: { label: 'Running', appearance: 'inprogress' },
  completed: { label: 'Done', appearance: 'success' },
  failed: { label: 'Failed', appearance: 'removed' },
  cancelled: { label: 'Cancelled', appearance: 'default' },
};

/** A job's status, stage and percent; a failed job says why. */
export function JobProgress({
  snapshot,
  failure,
  onRetry,
  onCancel,
}: {
  snapshot: JobSnapshot | null;
  failure: AppFailure | null;
  onRetry: () => void;
  onCancel?: () => void;
}) {
  if (failure) return <FailureMessage failure={failure} onRetry={onRetry} />;
  if (!snapshot) return <Text>Looking up the job…</Text>;
  const status = STATUS[snapshot.status] ?? { label: snapshot.status, appearance: 'default' as const };
  const percent = Math.max(0, Math.min(100, Number(snapshot.progress?.percent ?? 0) || 0));
  const running = !['completed', 'failed', 'cancelled'].includes(snapshot.status);
  const stage = snapshot.progress?.stage;
  return (
    <Stack space="space.100">
      <Inline space="space.100" alignBlock="center">
        <Lozenge appearance={status.appearance}>{status.label}</Lozenge>
        {stage ? <Text>{`Stage: ${stage}`}</Text> : null}
        {running ? <Text>{`${percent}%`}</Text> : null}
      </Inline>
      {running ? (
        <ProgressBar
          value={percent / 100}
          isIndeterminate={snapshot.status !== 'active'}
          ariaLabel="Job progress"
        />
      ) : null}
      {running && onCancel ? (
        <Button appearance="subtle" onClick={onCancel}>
          Cancel job
        </Button>
      ) : null}
      {snapshot.status === 'failed' ? (
        <SectionMessage appearance="error" title="The job failed">
          <Text>{errorText(snapshot.error)}</Text>
        </SectionMessage>
      ) : null}
    </Stack>
  );
}
