/** Follows a runner job until it finishes; stops on unmount and surfaces polling failures. */
import { useEffect, useState } from 'react';
import {
  type AppFailure,
  type Envelope,
  type JobSnapshot,
  TERMINAL_STATUSES,
  type TrackedJob,
} from '../../types';

export const isTerminal = (status: string | undefined): boolean =>
  status !== undefined && TERMINAL_STATUSES.includes(status);

export function useJobPolling(
  job: TrackedJob | null,
  getJob: (jobId: string) => Promise<Envelope<JobSnapshot>>,
  pollMs: number,
): { snapshot: JobSnapshot | null; failure: AppFailure | null; retry: () => void } {
  const [snapshot, setSnapshot] = useState<JobSnapshot | null>(job?.snapshot ?? null);
  const [failure, setFailure] = useState<AppFailure | null>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    setSnapshot(job?.snapshot ?? null);
    setFailure(null);
    if (!job || (attempt === 0 && job.snapshot && isTerminal(job.snapshot.status))) return undefined;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      const res = await getJob(job.job_id);
      if (stopped) return;
      if (!res.ok) {
        setFailure(res.error);
        return;
      }
      setSnapshot(res.data);
      if (!isTerminal(res.data.status)) timer = setTimeout(poll, pollMs);
    };
    timer = setTimeout(poll, job.snapshot && attempt === 0 ? pollMs : 0);
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }, [job, getJob, pollMs, attempt]);

  return { snapshot, failure, retry: () => setAttempt((n) => n + 1) };
}
