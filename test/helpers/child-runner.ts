/**
 * A runner in its own process, for the multi-process tests. Environment:
 *  CHILD_ROLE all|api|worker, CHILD_STUCK=1 makes `single` and `task_creation` jobs hang (to be killed mid-job),
 *  CHILD_ECHO=1 makes them echo their input (no Jira needed), and with CHILD_HOLD_PREFIX=HOLD- those whose
 *  ticket starts with it run until cancelled,
 *  CHILD_BUSY_URL=<url> makes `single` jobs call that URL every 100 ms forever, deaf to cancellation (a job
 *  that outlives any drain time and keeps calling out),
 *  CHILD_RECORD_URL=<url> makes `single` jobs report each run to that URL (`/start`, `/tick` per step after a
 *  progress update, `/done`, with `run=<id>`), CHILD_RECORD_STEPS steps (default 30) 100 ms apart,
 *  CHILD_LOCK_MS / CHILD_STALLED_MS: the workers' lock duration and stalled-job check interval (1000 / 500),
 *  plus the runner's usual variables (WORKER_DRAIN_SECONDS...). Prints `READY <port>` once listening/working;
 *  SIGTERM/SIGINT stop it as they stop the real runner.
 */
import { loadEnv } from '../../runner/src/env.js';
import { startRunner, stopOnSignals } from '../../runner/src/server.js';

const role = (process.env.CHILD_ROLE ?? 'all') as 'all' | 'api' | 'worker';
const stuck = process.env.CHILD_STUCK === '1';
const echo = process.env.CHILD_ECHO === '1';
const holdPrefix = process.env.CHILD_HOLD_PREFIX;
const busyUrl = process.env.CHILD_BUSY_URL;
/** Calls out every 100 ms until the process ends. */
const busyProcessor = async (_input: unknown, ctx: { progress(stage: string, p: number): Promise<void> }) => {
  await ctx.progress('busy', 5);
  for (;;) {
    await fetch(busyUrl!).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 100));
  }
};
/** Never ends on its own (the process is killed mid-job). */
const stuckProcessor = async (
  _input: unknown,
  ctx: { progress(stage: string, p: number): Promise<void> },
) => {
  await ctx.progress('stuck', 5);
  await new Promise(() => undefined);
};
const recordUrl = process.env.CHILD_RECORD_URL;
const recordSteps = Number(process.env.CHILD_RECORD_STEPS ?? 30);
/** Reports its run (start, each step, done) so a test can see which runs overlap. */
const recordingProcessor = async (
  _input: unknown,
  ctx: { jobId: string; progress(stage: string, p: number): Promise<void> },
) => {
  const run = `${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const report = (what: string) =>
    fetch(`${recordUrl}/${what}?run=${run}&job=${ctx.jobId}`).catch(() => undefined);
  await report('start');
  for (let step = 0; step < recordSteps; step++) {
    await ctx.progress('step', (100 * step) / recordSteps);
    await report('tick');
    await new Promise((r) => setTimeout(r, 100));
  }
  await report('done');
  return { job_type: 'single', run };
};
const runner = await startRunner(loadEnv(), {
  role,
  lockDurationMs: Number(process.env.CHILD_LOCK_MS ?? 1_000),
  stalledIntervalMs: Number(process.env.CHILD_STALLED_MS ?? 500),
  processorOverrides: recordUrl
    ? { single: recordingProcessor }
    : busyUrl
      ? { single: busyProcessor }
      : stuck
        ? {
            single: stuckProcessor,
            task_creation: stuckProcessor,
          }
        : echo
          ? {
              single: async (input, ctx) => {
                if (
                  holdPrefix &&
                  String((input as { ticket_key?: unknown }).ticket_key).startsWith(holdPrefix)
                ) {
                  await ctx.progress('holding', 10);
                  await new Promise((resolve) =>
                    ctx.signal.addEventListener('abort', resolve, { once: true }),
                  );
                  ctx.signal.throwIfAborted();
                }
                return { job_type: 'single', echoed: input };
              },
            }
          : undefined,
});
process.stdout.write(`READY ${runner.port}\n`);
stopOnSignals(runner);
