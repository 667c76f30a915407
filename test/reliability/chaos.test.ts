/**
 * The chaos run (issue 18): an API process and two worker processes on a private Redis with an append-only
 * file, against the Jira/Confluence emulator answering with injected 429s, 503s, dropped connections and
 * lost answers (the write done, its answer never arriving). While writing jobs run (PRD -> story syncs that
 * create stories and write their links into the PRD tables, and task creations that create team sub-tasks
 * with Blocks links), events strike: workers SIGKILLed or SIGTERMed (and started again), fault storms,
 * duplicate requests, and Redis restarts (killed, down a few seconds, started again on its AOF).
 *
 * Then it checks that every job ended exactly once (completed, or failed with a reason and its ticket free
 * again), that Jira holds no duplicate and no missing issue or link, that every PRD table has each row
 * once with one link to its story, and that every log line of every process is JSON.
 *
 * Size and mix by environment: CHAOS_JOBS (100), CHAOS_EVENTS (24), CHAOS_REDIS_RESTARTS (1, counted in the
 * events), CHAOS_REDIS_DOWN_MS (4000), CHAOS_STEP_MS (250: pause between two submissions/events), CHAOS_SEED
 * (18), CHAOS_REPORT (a file to write the figures to). The figures are printed at the end.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { IDEMPOTENCY_LABEL_PREFIX } from '../../runner/src/adapters/jira/idempotency.js';
import { type Emulator, type FaultRule, startEmulator } from '../emulator/index.js';
import { seededRandom } from '../emulator/prng.js';
import { sleep, TEST_API_KEY, testEnv } from '../helpers/runner.js';
import { type ChildRunner, spawnRunner } from '../helpers/spawn.js';
import { chaosSeed, PRD_ROWS, prdRowTitles } from './chaos-seed.js';
import { nonJsonLines } from './logs.js';
import { type PrivateRedis, startPrivateRedis } from './private-redis.js';

const num = (name: string, fallback: number) => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && process.env[name] !== '' && process.env[name] !== undefined ? v : fallback;
};
const JOBS = num('CHAOS_JOBS', 100);
const EVENTS = num('CHAOS_EVENTS', 24);
const REDIS_RESTARTS = Math.min(num('CHAOS_REDIS_RESTARTS', 1), EVENTS);
const REDIS_DOWN_MS = num('CHAOS_REDIS_DOWN_MS', 4_000);
const STEP_MS = num('CHAOS_STEP_MS', 250);
const SEED = num('CHAOS_SEED', 18);
const WORKERS = 2;
/** Room for the whole run: start-up, the paced submissions and events, the jobs' ends and the checks. */
const TIMEOUT_MS = 180_000 + (JOBS + EVENTS) * (STEP_MS + 600) + EVENTS * 3_000;

/** About one request in six goes wrong; writes lose their answer after Jira or Confluence carried them out. */
const NORMAL: FaultRule[] = [
  { path: '/rest/*', probability: 0.04, fault: { type: 'status', status: 429, retryAfter: 1 } },
  { path: '/rest/*', probability: 0.02, fault: { type: 'status', status: 503 } },
  { path: '/wiki/*', probability: 0.03, fault: { type: 'status', status: 503 } },
  { path: '*', probability: 0.01, fault: { type: 'drop' } },
  { method: 'POST', path: '/rest/*', probability: 0.05, phase: 'after', fault: { type: 'drop' } },
  {
    method: 'POST',
    path: '/rest/*',
    probability: 0.02,
    phase: 'after',
    fault: { type: 'status', status: 500 },
  },
  { method: 'PUT', path: '/wiki/*', probability: 0.06, phase: 'after', fault: { type: 'drop' } },
];
/** A storm: a third of the requests fail, half of the writes lose their answer. */
const STORM: FaultRule[] = [
  { path: '/rest/*', probability: 0.15, fault: { type: 'status', status: 429, retryAfter: 1 } },
  { path: '*', probability: 0.1, fault: { type: 'status', status: 503 } },
  { path: '*', probability: 0.05, fault: { type: 'drop' } },
  { method: 'POST', path: '/rest/*', probability: 0.3, phase: 'after', fault: { type: 'drop' } },
  {
    method: 'POST',
    path: '/rest/*',
    probability: 0.2,
    phase: 'after',
    fault: { type: 'status', status: 500 },
  },
  { method: 'PUT', path: '/wiki/*', probability: 0.5, phase: 'after', fault: { type: 'drop' } },
];

interface Spec {
  kind: 'sync' | 'tasks';
  /** The epic (sync) or story (tasks) the job writes under. */
  target: string;
  index: number;
  path: string;
  body: Record<string, unknown>;
}
interface Tracked {
  spec: Spec;
  /** original: the spec's job; rerun: a duplicate request sent after it ended, accepted as a new job. */
  role: 'original' | 'rerun';
  status?: string;
  error?: string | null;
  result?: any;
}

type EventKind = 'kill' | 'term' | 'storm' | 'duplicate' | 'redis';

describe('chaos: api + two workers + private Redis + faulty Jira', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it(
    `every one of ${JOBS} writing jobs ends exactly once under ${EVENTS} events; Jira and the PRD tables hold each write once`,
    async () => {
      const started = Date.now();
      const random = seededRandom(SEED);
      const syncJobs = Math.ceil(JOBS / 2);
      const data = chaosSeed(syncJobs, JOBS - syncJobs);
      const redis: PrivateRedis = await startPrivateRedis();
      cleanups.push(() => redis.close());
      const emu: Emulator = await startEmulator({ seed: data.seed, faults: NORMAL, randomSeed: SEED });
      cleanups.push(() => emu.close());
      const dataDir = mkdtempSync(join(tmpdir(), 'augment-chaos-'));
      cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
      const seededIssues = emu.state.issues.size;
      const { email, apiToken } = emu.credentials.admin;
      const env = testEnv({ REDIS_URL: redis.url });
      // As the compose file runs it: separate processes sharing Redis and one data folder.
      const processEnv = {
        LOG_LEVEL: 'info',
        DATA_DIR: dataDir,
        DATABASE_PATH: '',
        JIRA_SERVER_URL: emu.url,
        JIRA_USERNAME: email,
        JIRA_API_TOKEN: apiToken,
        CONFLUENCE_SERVER_URL: `${emu.url}/wiki`,
        LLM_PROVIDER: 'none',
        WORKER_DRAIN_SECONDS: '2',
        CHILD_LOCK_MS: '4000',
        CHILD_STALLED_MS: '2000',
      };

      const stats = {
        kills: 0,
        terms: 0,
        storms: 0,
        redis_restarts: 0,
        duplicate_requests: 0,
        duplicate_refused_409: 0,
        duplicate_reruns_202: 0,
        duplicate_unavailable_503: 0,
        submit_unavailable_503: 0,
        submit_retries: 0,
        worker_starts: 0,
      };
      const everyProcess: ChildRunner[] = [];
      const spawn = async (role: 'api' | 'worker') => {
        const child = await spawnRunner(env, { ...processEnv, CHILD_ROLE: role }, { captureStderr: true });
        everyProcess.push(child);
        if (role === 'worker') stats.worker_starts++;
        return child;
      };
      cleanups.push(() => Promise.all(everyProcess.map((c) => c.kill('SIGKILL'))).then(() => undefined));

      const apiChild = await spawn('api');
      const workers: ({ child: ChildRunner; since: number } | undefined)[] = await Promise.all(
        Array.from({ length: WORKERS }, async () => ({ child: await spawn('worker'), since: Date.now() })),
      );
      const restarting = new Set<Promise<void>>();
      const restartWorker = (slot: number) => {
        const p = (async () => {
          for (;;) {
            try {
              workers[slot] = { child: await spawn('worker'), since: Date.now() };
              return;
            } catch {
              await sleep(1_000); // e.g. Redis away while it started: try again
            }
          }
        })();
        restarting.add(p);
        void p.finally(() => restarting.delete(p));
      };

      const call = async (method: string, path: string, body?: unknown) => {
        try {
          const res = await fetch(apiChild.url + path, {
            method,
            headers: {
              authorization: `Bearer ${TEST_API_KEY}`,
              ...(body ? { 'content-type': 'application/json' } : {}),
            },
            body: body ? JSON.stringify(body) : undefined,
            signal: AbortSignal.timeout(15_000),
          });
          const text = await res.text();
          return { status: res.status, body: text ? JSON.parse(text) : undefined };
        } catch (err) {
          return { status: 0, body: { error: { code: 'client', message: String(err) } } };
        }
      };

      // The jobs: half PRD syncs (one per epic), half task creations (one per story).
      const specs: Spec[] = Array.from({ length: JOBS }, (_, i) => {
        const index = Math.floor(i / 2);
        return i % 2 === 0
          ? {
              kind: 'sync' as const,
              target: data.epics[index]!,
              index,
              path: '/plan/stories/sync-from-prd',
              body: { epic_key: data.epics[index], dry_run: false, async_mode: true },
            }
          : {
              kind: 'tasks' as const,
              target: data.stories[index]!,
              index,
              path: '/plan/tasks/create',
              body: { story_keys: [data.stories[index]], dry_run: false, async_mode: true },
            };
      });
      const tracked = new Map<string, Tracked>();
      const jobsOfSpec = new Map<Spec, string[]>();

      /** Sends a job's request until it is queued (202) or names the job it already queued (409). */
      const submit = async (spec: Spec) => {
        for (let attempt = 0; ; attempt++) {
          if (attempt > 0) {
            stats.submit_retries++;
            await sleep(500);
          }
          const r = await call('POST', spec.path, spec.body);
          let id: string | undefined;
          if (r.status === 202) id = r.body.job_id;
          else if (r.status === 409 && r.body?.error?.code === 'duplicate_job')
            id = r.body.error.details.existing_job_id;
          else if (r.status === 503 || r.status === 0) {
            if (r.status === 503) {
              expect(r.body.error.code).toBe('redis_unavailable');
              stats.submit_unavailable_503++;
            }
            continue;
          } else throw new Error(`${spec.path} answered ${r.status}: ${JSON.stringify(r.body)}`);
          if (!tracked.has(id!)) tracked.set(id!, { spec, role: 'original' });
          jobsOfSpec.set(spec, [...new Set([...(jobsOfSpec.get(spec) ?? []), id!])]);
          return;
        }
      };

      const duplicate = async () => {
        const sent = [...jobsOfSpec.keys()];
        if (sent.length === 0) return;
        const spec = sent[Math.floor(random() * sent.length)]!;
        stats.duplicate_requests++;
        const r = await call('POST', spec.path, spec.body);
        if (r.status === 409) {
          stats.duplicate_refused_409++;
          // The job it names is one of this request's own.
          expect(jobsOfSpec.get(spec)).toContain(r.body.error.details.existing_job_id);
        } else if (r.status === 202) {
          stats.duplicate_reruns_202++;
          tracked.set(r.body.job_id, { spec, role: 'rerun' });
          jobsOfSpec.get(spec)!.push(r.body.job_id);
        } else if (r.status === 503) stats.duplicate_unavailable_503++;
        else throw new Error(`duplicate ${spec.path} answered ${r.status}: ${JSON.stringify(r.body)}`);
      };

      /** A running worker to strike, waiting (up to 30 s) for one to be back when both were struck. */
      const liveWorker = async () => {
        for (const until = Date.now() + 30_000; Date.now() < until; await sleep(200)) {
          const live = workers
            .map((w, slot) => ({ w, slot }))
            .filter((x) => x.w && x.w.child.proc.exitCode === null && Date.now() - x.w.since > 1_000);
          if (live.length) return live[Math.floor(random() * live.length)]!;
        }
        return undefined;
      };
      let redisDown: Promise<void> | undefined;
      const strike = async (kind: EventKind): Promise<EventKind> => {
        if (kind === 'kill' || kind === 'term') {
          const target = await liveWorker();
          if (!target) return strike('storm');
          workers[target.slot] = undefined;
          if (kind === 'kill') {
            stats.kills++;
            await target.w!.child.kill('SIGKILL');
            restartWorker(target.slot);
          } else {
            stats.terms++;
            target.w!.child.proc.kill('SIGTERM');
            void target.w!.child.exited.then(() => restartWorker(target.slot));
          }
          return kind;
        }
        if (kind === 'redis') {
          if (redisDown) return strike('storm');
          stats.redis_restarts++;
          redisDown = (async () => {
            await redis.stop();
            await sleep(REDIS_DOWN_MS);
            await redis.start();
          })();
          void redisDown.finally(() => {
            redisDown = undefined;
          });
          return kind;
        }
        if (kind === 'storm') {
          stats.storms++;
          emu.setFaults(STORM);
          setTimeout(() => emu.setFaults(NORMAL), 3_000).unref();
          return kind;
        }
        await duplicate();
        return kind;
      };

      // The run: submissions and events interleaved at random, Redis restarts spread evenly.
      const steps: ('job' | EventKind)[] = [...Array<'job'>(JOBS).fill('job')];
      const pick = (): EventKind => {
        const r = random();
        return r < 0.3 ? 'kill' : r < 0.4 ? 'term' : r < 0.7 ? 'storm' : 'duplicate';
      };
      for (let e = 0; e < EVENTS - REDIS_RESTARTS; e++) {
        steps.splice(Math.floor(random() * (steps.length + 1)), 0, pick());
      }
      for (let r = 0; r < REDIS_RESTARTS; r++) {
        steps.splice(Math.floor(((r + 1) / (REDIS_RESTARTS + 1)) * steps.length), 0, 'redis');
      }
      const submissions: Promise<void>[] = [];
      let nextSpec = 0;
      for (const step of steps) {
        if (step === 'job') submissions.push(submit(specs[nextSpec++]!));
        else await strike(step);
        await sleep(STEP_MS);
      }
      await Promise.all(submissions);
      await redisDown;
      emu.setFaults(NORMAL);

      // Every job ends: poll until each is completed or failed, workers restarted where they were stopped.
      await Promise.all([...restarting]);
      for (let slot = 0; slot < WORKERS; slot++) if (!workers[slot]) restartWorker(slot);
      await Promise.all([...restarting]);
      const until = Date.now() + Math.max(120_000, JOBS * 600);
      for (;;) {
        const open = [...tracked.entries()].filter(
          ([, t]) => t.status !== 'completed' && t.status !== 'failed',
        );
        if (open.length === 0) break;
        if (Date.now() > until) {
          throw new Error(
            `jobs still open: ${open.map(([id, t]) => `${id} ${t.status} ${t.spec.target}`).join(', ')}`,
          );
        }
        for (let i = 0; i < open.length; i += 16) {
          await Promise.all(
            open.slice(i, i + 16).map(async ([id, t]) => {
              const r = await call('GET', `/jobs/${id}`);
              if (r.status === 200)
                Object.assign(t, { status: r.body.status, error: r.body.error, result: r.body.result });
            }),
          );
        }
        await sleep(1_000);
      }
      emu.setFaults([]);
      const finishedAt = Date.now();

      // -- Every job ended exactly once ----------------------------------------------------------------------
      const all = [...tracked.entries()];
      const completed = all.filter(([, t]) => t.status === 'completed');
      const failed = all.filter(([, t]) => t.status === 'failed');
      for (const spec of specs)
        expect(jobsOfSpec.get(spec)?.length, `no job for ${spec.target}`).toBeGreaterThan(0);
      for (const [id, t] of failed) expect(t.error, `failed job ${id} has no reason`).toBeTruthy();
      // A failed job's ticket is free: the same request is accepted again (as a dry run: nothing written).
      for (const [id, t] of failed) {
        const again = await call('POST', t.spec.path, { ...t.spec.body, dry_run: true });
        expect(
          again.status,
          `the ticket of failed job ${id} is still taken: ${JSON.stringify(again.body)}`,
        ).toBe(202);
      }
      const lines = everyProcess.flatMap((c) => c.lines);
      const completions = new Map<string, number>();
      for (const line of lines) {
        if (!line.includes('"msg":"job completed"')) continue;
        const id = (JSON.parse(line) as { job_id?: string }).job_id;
        if (id) completions.set(id, (completions.get(id) ?? 0) + 1);
      }
      // Never completed twice. A worker killed (or cut off by the Redis restart) just after BullMQ recorded the
      // end may never print its line, so a missing line is no second run; nearly every job must still have one.
      for (const [id] of completed)
        expect(completions.get(id) ?? 0, `job ${id} completions`).toBeLessThanOrEqual(1);
      const logged = completed.filter(([id]) => completions.get(id) === 1).length;
      expect(logged, 'completed jobs with their "job completed" line').toBeGreaterThanOrEqual(
        Math.floor(completed.length * 0.95),
      );
      for (const [id] of failed) expect(completions.get(id) ?? 0, `failed job ${id} also completed`).toBe(0);

      // -- Jira: no duplicate, nothing missing ---------------------------------------------------------------
      const issues = [...emu.state.issues.values()];
      const byLabel = new Map<string, string[]>();
      for (const issue of issues)
        for (const label of issue.labels)
          if (label.startsWith(IDEMPOTENCY_LABEL_PREFIX))
            byLabel.set(label, [...(byLabel.get(label) ?? []), issue.key]);
      const duplicateIssues = [...byLabel.values()].filter((keys) => keys.length > 1);
      const bySlot = new Map<string, string[]>();
      for (const issue of issues) {
        const slot = `${issue.parentKey}|${issue.issueTypeId}|${issue.summary}`;
        bySlot.set(slot, [...(bySlot.get(slot) ?? []), issue.key]);
      }
      const sameSlot = [...bySlot.values()].filter((keys) => keys.length > 1);
      expect(duplicateIssues).toEqual([]);
      expect(sameSlot).toEqual([]);
      const linkPairs = emu.state.links.map((l) => `${l.typeId}:${l.inward}>${l.outward}`);
      const duplicateLinks = linkPairs.filter((p, i) => linkPairs.indexOf(p) !== i);
      expect(duplicateLinks).toEqual([]);

      const childrenOf = (key: string) => issues.filter((i) => i.parentKey === key);
      const missing: string[] = [];
      let prdRows = 0;
      const taskCounts = new Set<number>();
      const doneSpecs = new Set(completed.map(([, t]) => t.spec));
      for (const spec of doneSpecs) {
        if (spec.kind === 'sync') {
          const titles = prdRowTitles(spec.index);
          const stories = childrenOf(spec.target);
          if (stories.length !== PRD_ROWS) missing.push(`${spec.target}: ${stories.length} stories`);
          for (const title of titles)
            if (!stories.some((s) => s.summary === title)) missing.push(`${spec.target}: story "${title}"`);
          // The PRD table: every row once, each with one link, to its own story.
          const storage = emu.state.pages.get(data.prdPageOf.get(spec.target)!)!.storage;
          const rows = [...storage.matchAll(/<tr>(.*?)<\/tr>/g)]
            .map((m) => m[1]!)
            .filter((r) => r.includes('<td>'));
          if (rows.length !== PRD_ROWS) missing.push(`${spec.target}: ${rows.length} PRD rows`);
          if (storage.includes('TEMP-')) missing.push(`${spec.target}: a placeholder left in the PRD`);
          for (const title of titles) {
            const row = rows.filter((r) => r.includes(`<p>${title}</p>`));
            const keys = row.flatMap((r) => [...r.matchAll(/browse\/([A-Z]+-\d+)/g)].map((m) => m[1]!));
            if (row.length !== 1 || keys.length !== 1) {
              missing.push(`${spec.target}: PRD row "${title}" x${row.length} with links ${keys.join(',')}`);
              continue;
            }
            prdRows++;
            const linked = emu.state.issues.get(keys[0]!);
            if (linked?.summary !== title || linked.parentKey !== spec.target)
              missing.push(`${spec.target}: PRD row "${title}" links ${keys[0]}`);
          }
        } else {
          const tasks = childrenOf(spec.target);
          taskCounts.add(tasks.length);
          const results = completed.filter(([, t]) => t.spec === spec).map(([, t]) => t.result);
          const planned = results[0]?.task_details?.length ?? -1;
          if (tasks.length !== planned) missing.push(`${spec.target}: ${tasks.length} of ${planned} tasks`);
          const keys = new Set(tasks.map((t) => t.key));
          const links = emu.state.links.filter((l) => keys.has(l.inward) && keys.has(l.outward));
          const plannedLinks = results[0]?.relationships?.length ?? -1;
          if (links.length !== plannedLinks)
            missing.push(`${spec.target}: ${links.length} of ${plannedLinks} links`);
        }
      }
      expect(missing).toEqual([]);
      // Every story of the same shape got the same plan.
      expect(taskCounts.size).toBeLessThanOrEqual(1);

      // -- Logs: JSON only, no secret ------------------------------------------------------------------------
      expect(nonJsonLines(lines)).toEqual([]);
      expect(lines.filter((l) => l.includes(apiToken) || l.includes(TEST_API_KEY))).toEqual([]);

      // -- Figures -------------------------------------------------------------------------------------------
      const faults = emu.state.requests.filter((r) => r.fault);
      const count = (re: RegExp) => lines.filter((l) => re.test(l)).length;
      const report = {
        jobs: JOBS,
        events: EVENTS,
        seed: SEED,
        duration_s: Math.round((finishedAt - started) / 100) / 10,
        jobs_tracked: all.length,
        completed: completed.length,
        failed: failed.length,
        failed_reasons: [...new Set(failed.map(([, t]) => t.error))],
        ...stats,
        handed_back: count(/"msg":"job handed back to the queue"/),
        lock_lost: count(/"msg":"job lock lost/),
        stalled_failures: failed.filter(([, t]) => /stalled/.test(String(t.error))).length,
        jira_requests: emu.state.requests.length,
        faults_injected: faults.length,
        faults_429: faults.filter((r) => r.fault === 'status 429').length,
        faults_5xx: faults.filter((r) => /^status 5/.test(r.fault!) && !r.faultPhase).length,
        faults_dropped: faults.filter((r) => r.fault === 'drop' && !r.faultPhase).length,
        lost_answers: faults.filter((r) => r.faultPhase === 'after').length,
        issues_created: emu.state.issues.size - seededIssues,
        links: emu.state.links.length,
        prd_rows_linked: prdRows,
        duplicate_issues: duplicateIssues.length + sameSlot.length,
        duplicate_links: duplicateLinks.length,
        missing: missing.length,
        non_json_log_lines: nonJsonLines(lines).length,
        log_lines: lines.length,
      };
      console.log(`chaos report ${JSON.stringify(report)}`);
      if (process.env.CHAOS_REPORT)
        writeFileSync(process.env.CHAOS_REPORT, `${JSON.stringify(report, null, 2)}\n`);
      expect(completed.length + failed.length).toBe(all.length);
    },
    TIMEOUT_MS,
  );
});
