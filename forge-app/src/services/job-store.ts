/**
 * Remembers the latest job per (issue or page, kind) in Forge storage, so reopening an issue shows the
 * job that was running when the user left, and which issue or page each job id was started from: a view
 * may only follow, cancel or apply the jobs of its own issue or page. Also reads the LLM choice older
 * versions kept here (it now lives on the runner, per site).
 */
import type { JobKind, LlmSettings } from '../types';

/** The subset of `@forge/kvs` used here. */
export interface KeyValueStore {
  get<T>(key: string): Promise<T | undefined>;
  set<T>(key: string, value: T): Promise<void>;
  delete(key: string): Promise<void>;
}

export interface JobRef {
  job_id: string;
  kind: JobKind;
  dry_run: boolean;
  started_at: string;
}

// Forge storage keys allow letters, digits and `:._-#` and spaces; anything else in a scope is replaced.
const scopePart = (scope: string) => scope.replace(/[^a-zA-Z0-9._-]/g, '_').slice(0, 200);
const jobKey = (scope: string, kind: JobKind) => `job:${scopePart(scope)}:${kind}`;
const ownerKey = (jobId: string) => `owner:${jobId.replace(/[^a-zA-Z0-9._-]/g, '_').slice(0, 200)}`;
const LLM_SETTINGS_KEY = 'settings:llm';

/** The issue or page a job was started from, and what kind of work it is. */
export interface JobOwner {
  scope: string;
  kind: JobKind;
  dry_run: boolean;
}

export interface JobStore {
  remember(scope: string, ref: JobRef): Promise<void>;
  latest(scope: string, kind: JobKind): Promise<JobRef | undefined>;
  forget(scope: string, kind: JobKind): Promise<void>;
  /** The issue or page the job was started from, if this installation started or tracked it. */
  ownerOf(jobId: string): Promise<JobOwner | undefined>;
}

export function createJobStore(store: KeyValueStore): JobStore {
  return {
    async remember(scope, ref) {
      const owner: JobOwner = { scope: scopePart(scope), kind: ref.kind, dry_run: ref.dry_run };
      await store.set(ownerKey(ref.job_id), owner);
      await store.set(jobKey(scope, ref.kind), ref);
    },
    async latest(scope, kind) {
      const ref = await store.get<JobRef>(jobKey(scope, kind));
      return ref && typeof ref.job_id === 'string' ? ref : undefined;
    },
    forget: (scope, kind) => store.delete(jobKey(scope, kind)),
    async ownerOf(jobId) {
      const owner = await store.get<JobOwner>(ownerKey(jobId));
      return owner && typeof owner.scope === 'string' ? owner : undefined;
    },
  };
}

/** Whether `scope` (an issue key or page scope) is the owner's. */
export const sameScope = (owner: JobOwner, scope: string) => owner.scope === scopePart(scope);

/** The LLM choice an older version saved in this installation's storage, to move it to the runner once. */
export interface LegacySettingsStore {
  readLlm(): Promise<LlmSettings | undefined>;
  clear(): Promise<void>;
}

export function createLegacySettingsStore(store: KeyValueStore): LegacySettingsStore {
  return {
    async readLlm() {
      const saved = await store.get<LlmSettings>(LLM_SETTINGS_KEY);
      return saved?.provider ? { provider: saved.provider, model: saved.model ?? null } : undefined;
    },
    clear: () => store.delete(LLM_SETTINGS_KEY),
  };
}
