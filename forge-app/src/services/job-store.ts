/**
 * Remembers the latest job per (issue or page, kind) in Forge storage, so reopening an issue shows the
 * job that was running when the user left. Also holds the admin's LLM choice.
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
const LLM_SETTINGS_KEY = 'settings:llm';

export interface JobStore {
  remember(scope: string, ref: JobRef): Promise<void>;
  latest(scope: string, kind: JobKind): Promise<JobRef | undefined>;
  forget(scope: string, kind: JobKind): Promise<void>;
}

export function createJobStore(store: KeyValueStore): JobStore {
  return {
    remember: (scope, ref) => store.set(jobKey(scope, ref.kind), ref),
    async latest(scope, kind) {
      const ref = await store.get<JobRef>(jobKey(scope, kind));
      return ref && typeof ref.job_id === 'string' ? ref : undefined;
    },
    forget: (scope, kind) => store.delete(jobKey(scope, kind)),
  };
}

export interface SettingsStore {
  getLlm(): Promise<LlmSettings>;
  setLlm(settings: LlmSettings): Promise<void>;
}

export function createSettingsStore(store: KeyValueStore): SettingsStore {
  return {
    async getLlm() {
      const saved = await store.get<LlmSettings>(LLM_SETTINGS_KEY);
      return { provider: saved?.provider ?? null, model: saved?.model ?? null };
    },
    async setLlm(settings) {
      if (!settings.provider && !settings.model) await store.delete(LLM_SETTINGS_KEY);
      else await store.set(LLM_SETTINGS_KEY, settings);
    },
  };
}
