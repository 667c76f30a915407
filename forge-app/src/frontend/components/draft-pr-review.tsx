/**
 * Draft PR review inside the story panel: the plan with its version, comparison of versions, feedback,
 * approval bound to the hash on screen, then the pipeline up to the pull request link.
 */
import {
  Button,
  CodeBlock,
  DynamicTable,
  Heading,
  Inline,
  Link,
  LoadingButton,
  Lozenge,
  ProgressBar,
  SectionMessage,
  Select,
  Stack,
  Text,
  TextArea,
} from '@forge/react';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { AppFailure, DraftPrJob, DraftPrPlan, IssuePanelApi, TrackedJob } from '../../types';
import { createCaller } from '../lib/call';
import { errorText, isRecord, json, pick, shortHash, text } from '../lib/format';
import { pollDelay } from '../lib/use-job-polling';
import { FailureMessage } from './failure-message';
import { TextList } from './text-list';

const call = createCaller<IssuePanelApi>();

type Mode = 'normal' | 'yolo';
const MODES: { label: string; value: Mode }[] = [
  { label: 'Normal: I approve the plan before any change', value: 'normal' },
  { label: 'YOLO: auto-approve low-risk plans by policy', value: 'yolo' },
];
const PLAN_LISTS: [string, string][] = [
  ['happy_paths', 'Happy paths'],
  ['edge_cases', 'Edge cases'],
  ['failure_modes', 'Failure modes'],
  ['assumptions', 'Assumptions'],
  ['unknowns', 'Unknowns'],
  ['tests', 'Tests'],
  ['rollback', 'Rollback'],
  ['cross_repo_impacts', 'Cross-repo impacts'],
];

/** The PR link, wherever this runner version reports it. */
function prUrlOf(job: DraftPrJob | null): string | null {
  if (!job) return null;
  const result = isRecord(job.result) ? job.result : {};
  const pr = isRecord(result.pr) ? result.pr : {};
  const pipeline = isRecord(job.pipeline) ? job.pipeline : {};
  for (const candidate of [job.pr_url, pr.url, pipeline.pr_url]) {
    if (typeof candidate === 'string' && /^https?:\/\//.test(candidate)) return candidate;
  }
  return null;
}

function isFinished(job: DraftPrJob | null): boolean {
  if (!job) return false;
  return (
    prUrlOf(job) !== null ||
    ['done', 'completed', 'failed', 'cancelled'].includes(String(job.status).toLowerCase())
  );
}

const POLL_MAX_MS = 30_000;

/** The pipeline waits for a reviewer: no point asking the runner again until someone acts here. */
function waitsForHuman(job: DraftPrJob | null): boolean {
  return String(job?.status).toLowerCase() === 'awaiting_approval';
}

/** Percent done: the job's numeric `progress`, or the progress route's `percent`. */
function percentOf(job: DraftPrJob | null): number {
  if (!job) return Number.NaN;
  if (typeof job.progress === 'number') return job.progress;
  const pipeline = isRecord(job.pipeline) ? job.pipeline : isRecord(job.progress) ? job.progress : {};
  return Number(pipeline.percent ?? pipeline.progress ?? Number.NaN);
}

/** One line for a plan list item (strings, tests, failure modes, impacts, renames). */
function itemText(item: unknown): string {
  if (!isRecord(item)) return text(item);
  if (item.trigger !== undefined) {
    return `${text(item.trigger)}: ${text(item.impact)}${item.mitigation ? ` (mitigation: ${text(item.mitigation)})` : ''}`;
  }
  if (item.repo !== undefined) return `${text(item.repo)}: ${text(item.impact)}`;
  if (item.from !== undefined && item.to !== undefined) return `${text(item.from)} → ${text(item.to)}`;
  if (item.name !== undefined) {
    return `${text(item.name)}${item.type ? ` (${text(item.type)})` : ''}${item.command ? `: ${text(item.command)}` : ''}`;
  }
  return text(item);
}

function planBody(plan: DraftPrPlan): Record<string, unknown> {
  for (const key of ['plan', 'spec', 'content']) {
    const inner = plan[key];
    if (isRecord(inner)) return inner;
  }
  return plan;
}

function versionsOf(data: unknown): { version: number; plan_hash?: string }[] {
  const list = Array.isArray(data) ? data : isRecord(data) ? (data.plans ?? data.versions) : undefined;
  if (!Array.isArray(list)) return [];
  return list
    .filter(isRecord)
    .map((p) => ({
      version: Number(p.version),
      plan_hash: typeof p.plan_hash === 'string' ? p.plan_hash : undefined,
    }))
    .filter((p) => Number.isInteger(p.version) && p.version > 0)
    .sort((a, b) => a.version - b.version);
}

function PlanView({ plan }: { plan: DraftPrPlan }) {
  const body = planBody(plan);
  const summary = pick(body, ['summary', 'overview']);
  const scope = body.scope;
  const scopeLines: string[] = [];
  if (isRecord(scope)) {
    for (const [change, files] of Object.entries(scope)) {
      const list = Array.isArray(files) ? files.map(itemText).filter(Boolean) : [];
      if (list.length > 0) scopeLines.push(`${change}: ${list.join(', ')}`);
    }
  } else if (Array.isArray(scope)) {
    scopeLines.push(...scope.map(text).filter(Boolean));
  }
  const lists = PLAN_LISTS.map(([key, label]) => {
    const v = body[key];
    const items = Array.isArray(v) ? v.map(itemText).filter(Boolean) : typeof v === 'string' && v ? [v] : [];
    return { key, label, items };
  }).filter((l) => l.items.length > 0);
  const known = summary !== undefined || scopeLines.length > 0 || lists.length > 0;
  return (
    <Stack space="space.100">
      {summary !== undefined ? <Text>{text(summary)}</Text> : null}
      {scopeLines.length > 0 ? (
        <>
          <Heading size="xsmall">Scope</Heading>
          <TextList items={scopeLines} />
        </>
      ) : null}
      {lists.map((l) => (
        <Stack key={l.key} space="space.050">
          <Heading size="xsmall">{l.label}</Heading>
          <TextList items={l.items} />
        </Stack>
      ))}
      {known ? null : <CodeBlock language="json" text={json(body)} />}
    </Stack>
  );
}

/** "+ added; − removed; ~ changed" for one field of a plan comparison. */
function fieldChangeText(change: Record<string, unknown>): string {
  if (change.kind === 'scalar' || ('before' in change && 'after' in change && !('added' in change))) {
    return `${itemText(change.before)} → ${itemText(change.after)}`;
  }
  const parts: string[] = [];
  const list = (v: unknown) => (Array.isArray(v) ? v : []);
  if (list(change.added).length > 0) parts.push(`added ${list(change.added).map(itemText).join('; ')}`);
  if (list(change.removed).length > 0) parts.push(`removed ${list(change.removed).map(itemText).join('; ')}`);
  const changed = list(change.changed).filter(isRecord);
  if (changed.length > 0) parts.push(`changed ${changed.map((c) => text(c.key)).join('; ')}`);
  return parts.join(', ');
}

function CompareView({ data }: { data: unknown }) {
  const comparison = isRecord(data) && isRecord(data.comparison) ? data.comparison : data;
  const fields = isRecord(comparison)
    ? [comparison.fields, comparison.changes].find(Array.isArray)?.filter(isRecord)
    : undefined;
  if (fields) {
    if (fields.length === 0 || (isRecord(comparison) && comparison.changed === false)) {
      return <Text>The two versions are the same.</Text>;
    }
    return (
      <DynamicTable
        caption="Changes between the versions"
        head={{
          cells: [
            { key: 'f', content: 'Part' },
            { key: 'c', content: 'Change' },
          ],
        }}
        rows={fields.map((c, i) => ({
          key: `c${i}`,
          cells: [
            { key: 'f', content: text(c.field ?? c.path ?? c.section) },
            { key: 'c', content: fieldChangeText(c) },
          ],
        }))}
      />
    );
  }
  const diff = isRecord(comparison) ? comparison.diff : undefined;
  return (
    <CodeBlock
      language={typeof diff === 'string' ? 'diff' : 'json'}
      text={typeof diff === 'string' ? diff : json(comparison)}
    />
  );
}

export function DraftPrReview({ initialJob, pollMs }: { initialJob: TrackedJob | null; pollMs: number }) {
  const [job, setJob] = useState<TrackedJob | null>(initialJob);
  const [repos, setRepos] = useState('');
  const [mode, setMode] = useState<Mode>('normal');
  const [status, setStatus] = useState<DraftPrJob | null>(null);
  const [plan, setPlan] = useState<DraftPrPlan | null>(null);
  const [versions, setVersions] = useState<{ version: number; plan_hash?: string }[]>([]);
  const [compareFrom, setCompareFrom] = useState<number | null>(null);
  const [compareTo, setCompareTo] = useState<number | null>(null);
  const [comparison, setComparison] = useState<unknown>(undefined);
  const [feedback, setFeedback] = useState('');
  const [approvedHash, setApprovedHash] = useState<string | null>(null);
  const [failure, setFailure] = useState<AppFailure | null>(null);
  const [pollFailure, setPollFailure] = useState<AppFailure | null>(null);
  const [busy, setBusy] = useState<'start' | 'revise' | 'approve' | 'compare' | null>(null);
  const [attempt, setAttempt] = useState(0);
  // The polling loop reads these without restarting on every change.
  const planRef = useRef<DraftPrPlan | null>(null);
  const revisedAbove = useRef<number | null>(null);

  const loadVersions = useCallback(async (jobId: string) => {
    const res = await call('draftPrPlans', { jobId });
    if (!res.ok) {
      setFailure(res.error);
      return;
    }
    const list = versionsOf(res.data);
    setVersions(list);
    const last = list[list.length - 1]?.version ?? null;
    setCompareTo(last);
    setCompareFrom(last !== null && last > 1 ? last - 1 : null);
  }, []);

  const loadPlan = useCallback(
    async (jobId: string): Promise<void> => {
      const res = await call('draftPrPlan', { jobId });
      if (!res.ok) {
        // No plan yet while the runner is still writing it.
        if (res.error.status !== 404) setFailure(res.error);
        return;
      }
      const waitingFor = revisedAbove.current;
      if (waitingFor !== null && res.data.version <= waitingFor) return;
      revisedAbove.current = null;
      if (planRef.current?.plan_hash !== res.data.plan_hash) {
        planRef.current = res.data;
        setPlan(res.data);
        await loadVersions(jobId);
      }
    },
    [loadVersions],
  );

  // `attempt` restarts the loop (after approval, a revision, a failed poll, or "Refresh").
  // biome-ignore lint/correctness/useExhaustiveDependencies: attempt is a deliberate restart trigger
  useEffect(() => {
    if (!job) return undefined;
    const jobId = job.job_id;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let polls = 0;
    let failures = 0;
    const tick = async () => {
      // One invocation per poll: the status resolver includes the pipeline progress.
      const st = await call('draftPrStatus', { jobId });
      if (stopped) return;
      polls += 1;
      if (!st.ok) {
        failures += 1;
        if (failures >= 4 || [401, 403, 404].includes(st.error.status)) {
          setPollFailure(st.error);
          return;
        }
        timer = setTimeout(tick, pollDelay(polls, pollMs, POLL_MAX_MS));
        return;
      }
      failures = 0;
      setPollFailure(null);
      setStatus(st.data);
      if (planRef.current === null || revisedAbove.current !== null) await loadPlan(jobId);
      if (stopped || isFinished(st.data)) return;
      // Nothing moves while the plan waits for a person: approving or revising here restarts the loop.
      if (waitsForHuman(st.data) && revisedAbove.current === null && planRef.current !== null) return;
      timer = setTimeout(tick, pollDelay(polls, pollMs, POLL_MAX_MS));
    };
    timer = setTimeout(tick, 0);
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }, [job, pollMs, attempt, loadPlan]);

  async function start() {
    setBusy('start');
    setFailure(null);
    const res = await call('draftPrCreate', {
      repos: repos.split(/[\n,]/).map((r) => r.trim()),
      mode,
    });
    setBusy(null);
    if (res.ok) setJob(res.data);
    else setFailure(res.error);
  }

  async function viewExisting(jobId: string) {
    const res = await call('trackJob', { kind: 'draft_pr', jobId });
    if (res.ok) {
      setFailure(null);
      setJob(res.data);
    } else setFailure(res.error);
  }

  async function revise() {
    if (!job || !plan) return;
    setBusy('revise');
    setFailure(null);
    const res = await call('draftPrRevise', { jobId: job.job_id, feedback });
    setBusy(null);
    if (!res.ok) {
      setFailure(res.error);
      return;
    }
    setFeedback('');
    setComparison(undefined);
    revisedAbove.current = plan.version;
    await loadPlan(job.job_id);
    if (isFinished(status)) setAttempt((n) => n + 1);
  }

  async function approve() {
    if (!job || !plan) return;
    setBusy('approve');
    setFailure(null);
    // Bound to the hash on screen: if the plan changed meanwhile, the runner refuses.
    const res = await call('draftPrApprove', { jobId: job.job_id, planHash: plan.plan_hash });
    setBusy(null);
    if (!res.ok) {
      setFailure(res.error);
      planRef.current = null;
      await loadPlan(job.job_id);
      return;
    }
    setApprovedHash(plan.plan_hash);
    setAttempt((n) => n + 1);
  }

  async function compare() {
    if (!job || compareFrom === null || compareTo === null) return;
    setBusy('compare');
    const res = await call('draftPrCompare', { jobId: job.job_id, from: compareFrom, to: compareTo });
    setBusy(null);
    if (res.ok) setComparison(res.data);
    else setFailure(res.error);
  }

  if (!job) {
    return (
      <Stack space="space.150">
        <Heading size="small">Draft pull request</Heading>
        <Text>
          Augment plans the change, waits for your approval, then applies, verifies and opens a draft PR.
        </Text>
        <TextArea
          name="repos"
          placeholder="Repository URLs, one per line (https://…/repo.git)"
          value={repos}
          onChange={(e) => setRepos(String(e.target.value ?? ''))}
        />
        <Select
          name="mode"
          options={MODES}
          value={MODES.find((m) => m.value === mode)}
          onChange={(option: { value: Mode } | null) => setMode(option?.value ?? 'normal')}
        />
        <Inline space="space.100">
          <LoadingButton
            appearance="primary"
            isLoading={busy === 'start'}
            isDisabled={busy !== null || repos.trim() === ''}
            onClick={start}
          >
            Start draft PR
          </LoadingButton>
        </Inline>
        {failure ? <FailureMessage failure={failure} onViewExisting={viewExisting} /> : null}
      </Stack>
    );
  }

  const finished = isFinished(status);
  const pipeline = isRecord(status?.pipeline) ? status.pipeline : {};
  const stage = text(pipeline.stage ?? status?.stage ?? '');
  const percent = percentOf(status);
  const prUrl = prUrlOf(status);
  const statusText = String(status?.status ?? 'loading');
  const failed = statusText.toLowerCase() === 'failed';
  const approved =
    approvedHash !== null ||
    (typeof status?.approved_plan_hash === 'string' && status.approved_plan_hash !== '') ||
    ['APPLY', 'VERIFY', 'PACKAGE', 'DRAFT_PR'].includes(String(status?.stage));
  const versionOptions = versions.map((v) => ({ label: `v${v.version}`, value: v.version }));

  return (
    <Stack space="space.150">
      <Heading size="small">Draft pull request</Heading>
      <Inline space="space.100" alignBlock="center">
        <Lozenge appearance={failed ? 'removed' : prUrl ? 'success' : 'inprogress'}>
          {statusText.replace(/_/g, ' ')}
        </Lozenge>
        {stage ? <Text>{`Stage: ${stage}`}</Text> : null}
        {Number.isFinite(percent) && !finished ? <Text>{`${percent}%`}</Text> : null}
      </Inline>
      {Number.isFinite(percent) && !finished ? (
        <ProgressBar value={percent / 100} ariaLabel="Pipeline progress" />
      ) : null}
      {pollFailure ? <FailureMessage failure={pollFailure} onRetry={() => setAttempt((n) => n + 1)} /> : null}
      {failed ? (
        <SectionMessage appearance="error" title="The pipeline failed">
          <Text>{errorText(status?.error)}</Text>
        </SectionMessage>
      ) : null}
      {prUrl ? (
        <SectionMessage appearance="success" title="Draft PR opened">
          <Text>
            <Link href={prUrl} openNewTab>
              Open the draft pull request
            </Link>
          </Text>
        </SectionMessage>
      ) : null}
      {plan ? (
        <Stack space="space.100">
          <Heading size="xsmall">{`Plan v${plan.version}`}</Heading>
          <Text>{`Plan hash ${shortHash(plan.plan_hash)}`}</Text>
          <PlanView plan={plan} />
        </Stack>
      ) : finished ? null : (
        <Text>The plan is being written…</Text>
      )}
      {waitsForHuman(status) ? (
        <Inline space="space.100" alignBlock="center">
          <Text>
            Waiting for your review: Augment checks again when you approve or revise, or on refresh.
          </Text>
          <Button appearance="subtle" onClick={() => setAttempt((n) => n + 1)}>
            Refresh
          </Button>
        </Inline>
      ) : null}
      {plan && !approved && !finished ? (
        <Stack space="space.100">
          <TextArea
            name="feedback"
            placeholder="What should change in this plan?"
            value={feedback}
            onChange={(e) => setFeedback(String(e.target.value ?? ''))}
          />
          <Inline space="space.100">
            <LoadingButton
              isLoading={busy === 'revise'}
              isDisabled={busy !== null || feedback.trim() === ''}
              onClick={revise}
            >
              Revise plan
            </LoadingButton>
            <LoadingButton
              appearance="primary"
              isLoading={busy === 'approve'}
              isDisabled={busy !== null || revisedAbove.current !== null}
              onClick={approve}
            >
              {`Approve plan v${plan.version}`}
            </LoadingButton>
          </Inline>
        </Stack>
      ) : null}
      {approved && plan ? <Text>{`Approved plan ${shortHash(approvedHash ?? plan.plan_hash)}`}</Text> : null}
      {versionOptions.length > 1 ? (
        <Stack space="space.100">
          <Heading size="xsmall">Compare versions</Heading>
          <Inline space="space.100" alignBlock="center">
            <Select
              name="compareFrom"
              options={versionOptions}
              value={versionOptions.find((o) => o.value === compareFrom)}
              onChange={(o: { value: number } | null) => setCompareFrom(o?.value ?? null)}
            />
            <Select
              name="compareTo"
              options={versionOptions}
              value={versionOptions.find((o) => o.value === compareTo)}
              onChange={(o: { value: number } | null) => setCompareTo(o?.value ?? null)}
            />
            <LoadingButton
              isLoading={busy === 'compare'}
              isDisabled={
                busy !== null || compareFrom === null || compareTo === null || compareFrom === compareTo
              }
              onClick={compare}
            >
              Compare versions
            </LoadingButton>
          </Inline>
          {comparison !== undefined ? <CompareView data={comparison} /> : null}
        </Stack>
      ) : null}
      {failure ? <FailureMessage failure={failure} /> : null}
      {finished ? (
        <Button appearance="subtle" onClick={() => setJob(null)}>
          New draft PR
        </Button>
      ) : null}
    </Stack>
  );
}
