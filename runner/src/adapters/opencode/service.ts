/**
 * OpenCode as a runner service: one per process, built from the Env but lazy in everything. A runner
 * without OpenCode configuration starts and serves normally; the configuration is parsed (and a missing
 * variable reported) only when a request or job actually asks for code-aware generation. The sandbox
 * driver is selected once per process (Docker: network, leftover clean-up, image pull) and shared by
 * every job; the slot limit is a Redis semaphore shared by every worker.
 */
import { hostname } from 'node:os';
import type { RepoSpec } from '@augment/shared';
import type { Redis } from 'ioredis';
import type { Env } from '../../env.js';
import type { Logger } from '../../logger.js';
import { type OpenCodeConfig, openCodeConfigFromEnv } from './config.js';
import { OpenCodeError } from './errors.js';
import type { ProcessDriverOptions } from './process-driver.js';
import { normalizeRepos, type RepoRef } from './repos.js';
import { type OpenCodeRunResult, type RunOpenCodeOptions, runOpenCode } from './run.js';
import type { SandboxDriver } from './sandbox.js';
import { selectSandboxDriver } from './select-driver.js';
import { createRedisSemaphore, type Semaphore } from './semaphore.js';

/** Test hooks; nothing derived from the environment or a request sets them. */
export interface OpenCodeServiceHooks {
  /** Accept local git origins (file://, absolute paths, http://127.0.0.1) in requests and runs. */
  unsafeAllowLocalOrigins?: boolean;
  /** Parent of the per-job directories. */
  workRoot?: string;
  /** Use this driver instead of selecting one. */
  driver?: SandboxDriver;
  process?: ProcessDriverOptions;
}

export interface OpenCodeServiceOptions {
  env: Env;
  log: Logger;
  secrets: readonly string[];
  /** For the cross-worker slot limit; without it the limit holds per process only. */
  redis?: Redis;
  /** Labels this process's containers; see `defaultWorkerId`. */
  workerId?: string;
  hooks?: OpenCodeServiceHooks;
}

export interface OpenCodeService {
  /** OPENCODE_ENABLED. */
  readonly enabled: boolean;
  /** The parsed configuration; throws `OpenCodeError` `opencode_config` naming each missing variable. */
  config(): OpenCodeConfig;
  /** Validates `repos` (hosts, count, branch names) without cloning; throws `invalid_repos`. */
  checkRepos(repos: readonly RepoSpec[]): RepoRef[];
  /** The sandbox driver, selected on first call and shared afterwards (a failed selection is retried). */
  driver(): Promise<SandboxDriver>;
  /** Starts driver selection in the background (worker start); problems are logged, never thrown. */
  warmUp(): void;
  run<T>(opts: RunOpenCodeOptions<T>): Promise<OpenCodeRunResult<T>>;
}

/**
 * Unique among the workers sharing a Docker host, so the start-up clean-up of "this worker's" leftovers
 * can never remove a running sibling's container. A crashed worker's containers are removed by the age
 * rule instead (older than OPENCODE_TIMEOUT + 10 min) or as soon as they have stopped.
 */
export const defaultWorkerId = () => `${hostname()}-${process.pid}`;

export function createOpenCodeService(opts: OpenCodeServiceOptions): OpenCodeService {
  const log = opts.log.child({ component: 'opencode' });
  const hooks = opts.hooks ?? {};
  let config: OpenCodeConfig | undefined;
  let semaphore: Semaphore | undefined;
  let driver: Promise<SandboxDriver> | undefined;

  const getConfig = (): OpenCodeConfig => {
    config ??= openCodeConfigFromEnv(opts.env);
    return config;
  };

  const getDriver = (): Promise<SandboxDriver> => {
    if (hooks.driver) return Promise.resolve(hooks.driver);
    if (!driver) {
      const pending = selectSandboxDriver(getConfig(), {
        log,
        workerId: opts.workerId ?? defaultWorkerId(),
        ...(hooks.process ? { process: hooks.process } : {}),
      });
      driver = pending;
      // A Docker engine that was down may be up for the next job: do not keep the failure.
      pending.catch(() => {
        if (driver === pending) driver = undefined;
      });
    }
    return driver;
  };

  const getSemaphore = (c: OpenCodeConfig): Semaphore | undefined => {
    if (!opts.redis) return undefined;
    semaphore ??= createRedisSemaphore({
      redis: opts.redis,
      key: `${opts.env.QUEUE_PREFIX}:opencode:slots`,
      limit: c.maxConcurrent,
    });
    return semaphore;
  };

  return {
    enabled: opts.env.OPENCODE_ENABLED,
    config: getConfig,
    checkRepos(repos) {
      return normalizeRepos(repos, {
        allowedHosts: opts.env.OPENCODE_ALLOWED_GIT_HOSTS.map((h) => h.toLowerCase()),
        maxRepos: opts.env.OPENCODE_MAX_REPOS,
        ...(hooks.unsafeAllowLocalOrigins ? { unsafeAllowLocalOrigins: true } : {}),
      });
    },
    driver: getDriver,
    warmUp() {
      let c: OpenCodeConfig;
      try {
        c = getConfig();
      } catch (err) {
        log.warn(
          { err: err instanceof Error ? err.message : String(err) },
          'OpenCode is enabled but not configured; code-aware requests will be refused',
        );
        return;
      }
      log.info({ driver: c.driver }, 'preparing the OpenCode sandbox');
      getDriver().catch((err: unknown) =>
        log.error(
          { err: err instanceof Error ? err.message : String(err) },
          'OpenCode sandbox is not available; code-aware jobs will retry selecting it',
        ),
      );
    },
    async run(runOpts) {
      const c = getConfig();
      // An image pull on first use can take minutes; a cancelled job must not wait for it.
      const d = await untilAborted(getDriver(), runOpts.signal);
      const sem = getSemaphore(c);
      return runOpenCode(runOpts, {
        config: c,
        driver: d,
        log,
        secrets: opts.secrets,
        ...(sem ? { semaphore: sem } : {}),
        ...(hooks.workRoot ? { workRoot: hooks.workRoot } : {}),
        ...(hooks.unsafeAllowLocalOrigins ? { unsafeAllowLocalOrigins: true } : {}),
      });
    },
  };
}

function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  const cancelled = () => new OpenCodeError('cancelled', 'The job was cancelled');
  if (signal.aborted) return Promise.reject(cancelled());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(cancelled());
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
