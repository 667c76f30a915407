import { Button, SectionMessage, Stack, Text } from '@forge/react';
import type { AppFailure } from '../../types';

function titleFor(failure: AppFailure): string {
  if (failure.code === 'duplicate_job') return 'Already running';
  if (failure.code === 'preview_applied') return 'Already applied';
  if (failure.code === 'permission_denied') return 'You do not have permission';
  if (failure.code === 'consent_required') return 'Allow access first';
  if (failure.code === 'runner_timeout') return 'No answer in time';
  if (failure.status === 0) return 'Could not reach Augment';
  if (failure.status >= 500) return 'The runner failed';
  return 'Request refused';
}

/** Shows a failure in words; a duplicate start offers to show the job that is already running. */
export function FailureMessage({
  failure,
  onViewExisting,
  onRetry,
}: {
  failure: AppFailure;
  onViewExisting?: (jobId: string) => void;
  onRetry?: () => void;
}) {
  const existing = failure.details?.existing_job_id;
  const canView =
    (failure.code === 'duplicate_job' || failure.code === 'preview_applied') &&
    typeof existing === 'string' &&
    onViewExisting;
  return (
    <SectionMessage
      appearance={failure.code === 'duplicate_job' ? 'warning' : 'error'}
      title={titleFor(failure)}
    >
      <Stack space="space.100">
        <Text>{failure.message}</Text>
        {canView ? (
          <Button onClick={() => onViewExisting(existing)}>
            {failure.code === 'preview_applied' ? 'View the change' : 'Already running — view'}
          </Button>
        ) : null}
        {onRetry && !canView ? <Button onClick={onRetry}>Try again</Button> : null}
      </Stack>
    </SectionMessage>
  );
}
