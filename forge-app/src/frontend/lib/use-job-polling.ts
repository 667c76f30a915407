/**
 * Follows a runner job until it finishes. Each poll is a Forge invocation, so the interval grows while the
 * job runs (up to `maxMs`), a failed poll is retried with the same backoff before it is shown, and polling
 * stops for good when the job ends, after too many failures in a row, or after `giveUpMs`.
 */
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

export interface PollingOptions {
  /** First interval. */
  pollMs: number;
  /** Longest interval (default 30 s, or pollMs when that is longer). */
  maxMs?: number;
  /** Failed polls in a row before polling stops and the failure is shown (default 4). */
  maxFailures?: number;
  /** Polling stops after this long without the job ending (default 30 minutes); "Check again" resumes. */
  giveUpMs?: number;
}

/** The wait before poll number `n` (0-based): `pollMs`, then 1.5 times longer each time, up to `maxMs`. */
export function pollDelay(n: number, pollMs: number, maxMs: number): number {
  return Math.min(Math.max(maxMs, pollMs), Math.round(pollMs * 1.5 ** Math.max(0, n)));
}

export function useJobPolling(
  job: TrackedJob | null,
  getJob: (jobId: string) => Promise<Envelope<JobSnapshot>>,
  options: PollingOptions | number,
): { snapshot: JobSnapshot | null; failure: AppFailure | null; stalled: boolean; retry: () => void } {
  const opts = typeof options === 'number' ? { pollMs: options } : options;
  const { pollMs, maxMs = 30_000, maxFailures = 4, giveUpMs = 30 * 60_000 } = opts;
  const [snapshot, setSnapshot] = useState<JobSnapshot | null>(job?.snapshot ?? null);
  const [failure, setFailure] = useState<AppFailure | null>(null);
  const [stalled, setStalled] = useState(false);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    setSnapshot(job?.snapshot ?? null);
    setFailure(null);
    setStalled(false);
    if (!job || (attempt === 0 && job.snapshot && isTerminal(job.snapshot.status))) return undefined;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let polls = 0;
    let failures = 0;
    const started = Date.now();
    const schedule = (ms: number) => {
      timer = setTimeout(poll, ms);
    };
    const poll = async () => {
      const res = await getJob(job.job_id);
      if (stopped) return;
      polls += 1;
      if (!res.ok) {
        failures += 1;
        // A job that is gone or not ours will not come back; anything else may be a passing fault.
        if (failures >= maxFailures || [401, 403, 404].includes(res.error.status)) {
          setFailure(res.error);
          return;
        }
        schedule(pollDelay(polls, pollMs, maxMs));
        return;
      }
      failures = 0;
      setFailure(null);
      setSnapshot(res.data);
      if (isTerminal(res.data.status)) return;
      if (Date.now() - started >= giveUpMs) {
        setStalled(true);
        return;
      }
      schedule(pollDelay(polls, pollMs, maxMs));
    };
    schedule(job.snapshot && attempt === 0 ? pollMs : 0);
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }, [job, getJob, pollMs, maxMs, maxFailures, giveUpMs, attempt]);

  return { snapshot, failure, stalled, retry: () => setAttempt((n) => n + 1) };
}
