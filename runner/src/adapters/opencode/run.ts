/**
 * One code-aware OpenCode run: validate repositories, take a slot (OPENCODE_MAX_CONCURRENT across all
 * workers), clone, write Agents.md and opencode.json, start the sandbox, follow the session, read and
 * check result.json. OPENCODE_TIMEOUT covers everything after the slot is taken; whatever happens
 * (success, error, timeout, cancel, sandbox crash) the sandbox is stopped, the job's directory removed
 * and the slot released.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { RepoSpec } from '@augment/shared';
import type { z } from 'zod';
import { redactedCause } from '../../errors.js';
import { type Logger, scrubSecrets } from '../../logger.js';
import { type McpServerSpec, planMcpServers } from '../mcp/servers.js';
import { distributeAgentsMd, renderAgentsSection } from './agents-md.js';
import { cloneRepos } from './clone.js';
import { type OpenCodeConfig, openCodeSecrets } from './config.js';
import { ConversationLog, type ConversationLogFiles } from './debug-log.js';
import { OpenCodeError } from './errors.js';
import { buildOpenCodeJson, mcpServersForRepos, providerSetup } from './opencode-json.js';
import { buildRunPrompt } from './prompt.js';
import { normalizeRepos } from './repos.js';
import { readResultFile } from './result.js';
import type { SandboxDriver, SandboxHandle } from './sandbox.js';
import { createLocalSemaphore, type Lease, type Semaphore } from './semaphore.js';
import { runSession } from './session.js';

export type OpenCodeStage =
  | 'queued'
  | 'cloning'
  | 'preparing'
  | 'starting'
  | 'running'
  | 'reading_result'
  | 'done';

export interface OpenCodeProgress {
  stage: OpenCodeStage;
  /** 0-100, for the job's progress. */
  percent: number;
  message: string;
  detail?: Record<string, unknown>;
}

export interface OpenCodeRuntime {
  config: OpenCodeConfig;
  driver: SandboxDriver;
  /** Cross-worker limit (createRedisSemaphore); without it the limit holds per process only. */
  semaphore?: Semaphore;
  log: Logger;
  /** Parent of the per-job directories (default: <os tmp>/augment-opencode). */
  workRoot?: string;
  /** Extra literal secrets to scrub (the runner's own); the OpenCode key and git password are added. */
  secrets?: readonly string[];
  /** PATH for git and the local-process sandbox. */
  pathEnv?: string;
  /** All MCP servers of the installation (default: from config.mcp). */
  mcpServers?: readonly McpServerSpec[];
  /** Test-only: allow local git origins (file://, paths, http://127.0.0.1). Never set from a request. */
  unsafeAllowLocalOrigins?: boolean;
}

export interface RunOpenCodeOptions<T> {
  jobId: string;
  prompt: string;
  repos?: readonly RepoSpec[];
  resultSchema: z.ZodType<T>;
  /** Cancels the run (DELETE /jobs/{id}); the sandbox is stopped and the workspace removed. */
  signal?: AbortSignal;
  onProgress?: (progress: OpenCodeProgress) => void | Promise<void>;
}

export interface OpenCodeRunResult<T> {
  result: T;
  sessionId: string;
  repos: { url: string; branch?: string; dir: string }[];
  durationMs: number;
  /** Paths of the debug conversation log, when OPENCODE_DEBUG_LOGGING is on. */
  debugLog?: ConversationLogFiles;
}

const localSemaphores = new WeakMap<OpenCodeConfig, Semaphore>();

function abortedWith(signal: AbortSignal | undefined): OpenCodeError | undefined {
  if (!signal?.aborted) return undefined;
  const r: unknown = signal.reason;
  return r instanceof OpenCodeError ? r : new OpenCodeError('cancelled', 'The job was cancelled');
}

/** Runs OpenCode for one job. Errors are `OpenCodeError`s with scrubbed messages. */
export async function runOpenCode<T>(
  opts: RunOpenCodeOptions<T>,
  rt: OpenCodeRuntime,
): Promise<OpenCodeRunResult<T>> {
  const { config, driver } = rt;
  const log = rt.log.child({ job_id: opts.jobId, component: 'opencode' });
  const secrets = [...(rt.secrets ?? []), ...openCodeSecrets(config)];
  const scrub = (s: string) => scrubSecrets(s, secrets);
  const startedAt = Date.now();
  let lastPercent = -1;
  const progress = (
    stage: OpenCodeStage,
    percent: number,
    message: string,
    detail?: Record<string, unknown>,
  ) => {
    const p = Math.max(lastPercent, Math.min(100, Math.round(percent)));
    lastPercent = p;
    if (!opts.onProgress) return;
    Promise.resolve(
      opts.onProgress({ stage, percent: p, message: scrub(message), ...(detail ? { detail } : {}) }),
    ).catch((err) => log.warn({ err: scrub(String(err)) }, 'progress report failed'));
  };

  const refs = normalizeRepos(opts.repos, {
    allowedHosts: config.allowedGitHosts,
    maxRepos: config.maxRepos,
    ...(rt.unsafeAllowLocalOrigins ? { unsafeAllowLocalOrigins: true } : {}),
  });
  const early = abortedWith(opts.signal);
  if (early) throw early;

  const semaphore =
    rt.semaphore ??
    localSemaphores.get(config) ??
    (localSemaphores.set(config, createLocalSemaphore(config.maxConcurrent)).get(config) as Semaphore);
  progress('queued', 1, 'waiting for an OpenCode slot');
  const lease: Lease = await semaphore.acquire(opts.jobId, {
    ...(opts.signal ? { signal: opts.signal } : {}),
    timeoutMs: config.timeoutMs,
    onWait: () => log.info({ max: config.maxConcurrent }, 'all OpenCode slots busy; waiting'),
  });

  // One signal for the whole run; its reason says why it stopped.
  const stop = new AbortController();
  const timer = setTimeout(
    () =>
      stop.abort(
        new OpenCodeError(
          'opencode_timeout',
          `OpenCode did not finish within ${Math.round((config.timeoutMs / 60_000) * 10) / 10} min`,
        ),
      ),
    config.timeoutMs,
  );
  const onCancel = () => stop.abort(new OpenCodeError('cancelled', 'The job was cancelled'));
  opts.signal?.addEventListener('abort', onCancel, { once: true });
  if (opts.signal?.aborted) onCancel();

  const debug = config.debugLogging ? new ConversationLog(opts.jobId, opts.prompt, secrets) : undefined;
  let handle: SandboxHandle | undefined;
  let stopping = false;
  let jobRoot: string | undefined;
  let outcome: { status: 'succeeded' | 'failed' | 'cancelled'; error?: string } = { status: 'failed' };

  try {
    const workRoot = rt.workRoot ?? join(tmpdir(), 'augment-opencode');
    await mkdir(workRoot, { recursive: true });
    jobRoot = await mkdtemp(join(workRoot, `${opts.jobId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 60)}-`));
    const workspaceDir = join(jobRoot, 'workspace');
    const stateDir = join(jobRoot, 'state');
    const configPath = join(jobRoot, 'opencode.json');
    await mkdir(workspaceDir, { recursive: true });
    await mkdir(stateDir, { recursive: true });

    progress(
      'cloning',
      5,
      refs.length ? `cloning ${refs.length} repositor${refs.length === 1 ? 'y' : 'ies'}` : 'no repositories',
    );
    const cloned = await cloneRepos(refs, {
      workspaceDir,
      gitHomeDir: join(stateDir, 'git-home'),
      shallow: config.shallowClone,
      timeoutMs: config.cloneTimeoutMs,
      credentials: config.git,
      signal: stop.signal,
      secrets,
      ...(rt.pathEnv ? { pathEnv: rt.pathEnv } : {}),
      ...(rt.unsafeAllowLocalOrigins ? { unsafeAllowLocalOrigins: true } : {}),
      onRepo: (repo, i, n) =>
        progress('cloning', 5 + (20 * i) / Math.max(1, n), `cloning ${repo.dir}`, { repo: repo.dir }),
    });
    log.info({ repos: cloned.map((r) => r.dir) }, 'repositories cloned');

    progress('preparing', 25, 'writing Agents.md and opencode.json');
    const paths = driver.sandboxPaths({ workspaceDir, configPath });
    const toSandbox = (hostPath: string) => join(paths.workspaceDir, relative(workspaceDir, hostPath));
    const servers = mcpServersForRepos(refs, rt.mcpServers ?? planMcpServers(config.mcp));
    const agents = await distributeAgentsMd(
      workspaceDir,
      cloned.map((r) => r.localPath),
      renderAgentsSection(servers, paths.configPath),
      (message, detail) => log.warn(detail, message),
    );
    const instructions = agents.filter((a) => a.status !== 'skipped').map((a) => toSandbox(a.path));
    const openCodeJson = buildOpenCodeJson({
      llm: config.llm,
      mcpServers: servers,
      mcpAddressing: driver.mcpAddressing,
      instructions,
    });
    await writeFile(configPath, JSON.stringify(openCodeJson, null, 2), { mode: 0o644 });

    progress('starting', 30, `starting OpenCode (${driver.kind})`);
    const password = randomBytes(24).toString('base64url');
    handle = await driver.start({
      jobId: opts.jobId,
      workspaceDir,
      configPath,
      stateDir,
      env: providerSetup(config.llm).env,
      serverPassword: password,
      signal: stop.signal,
    });
    const started = handle;
    log.info({ sandbox: started.info }, 'OpenCode sandbox started');
    void started.exited.then((exit) => {
      if (stopping) return;
      const tail = exit.output.trim().split('\n').slice(-3).join(' ').slice(-400);
      stop.abort(
        new OpenCodeError(
          'sandbox_crashed',
          `OpenCode stopped unexpectedly (exit code ${exit.code ?? 'none'}, signal ${exit.signal ?? 'none'})${tail ? `: ${tail}` : ''}`,
        ),
      );
    });

    progress('running', 35, 'OpenCode is analysing the repositories');
    const resultPath = join(paths.workspaceDir, 'result.json');
    const session = await runSession({
      baseUrl: started.baseUrl,
      password,
      directory: paths.workspaceDir,
      title: `augment ${opts.jobId}`,
      prompt: buildRunPrompt({
        task: opts.prompt,
        resultPath,
        workspaceDir: paths.workspaceDir,
        repos: cloned.map((r) => ({ dir: r.dir, url: r.url, ...(r.branch ? { branch: r.branch } : {}) })),
        resultSchema: opts.resultSchema,
      }),
      signal: stop.signal,
      ...(debug ? { onEvent: (e) => debug.record(e) } : {}),
      onProgress: (p) =>
        progress('running', 35 + 55 * (1 - 0.9 ** p.steps), p.message, p.tool ? { tool: p.tool } : undefined),
    });

    progress('reading_result', 92, 'reading result.json');
    const aborted = abortedWith(stop.signal);
    if (aborted) throw aborted;
    const result = await readResultFile(join(workspaceDir, 'result.json'), opts.resultSchema, {
      maxBytes: config.maxResultBytes,
      ...(session.lastText ? { lastText: scrub(session.lastText) } : {}),
    });
    outcome = { status: 'succeeded' };
    progress('done', 100, 'OpenCode finished');
    return {
      result,
      sessionId: session.sessionId,
      repos: cloned.map((r) => ({ url: r.url, ...(r.branch ? { branch: r.branch } : {}), dir: r.dir })),
      durationMs: Date.now() - startedAt,
      ...(debug ? { debugLog: await writeDebug() } : {}),
    };
  } catch (err) {
    // A dying server usually closes the event stream a moment before its exit is noticed: give the exit
    // a moment to arrive so the error names the real cause.
    if (handle && !stop.signal.aborted && err instanceof OpenCodeError && err.code === 'session_failed') {
      await Promise.race([handle.exited, new Promise((r) => setTimeout(r, 1_500))]);
      await new Promise((r) => setImmediate(r));
    }
    const e =
      abortedWith(stop.signal) && !(err instanceof OpenCodeError && err.code.startsWith('result_'))
        ? (abortedWith(stop.signal) as OpenCodeError)
        : err instanceof OpenCodeError
          ? new OpenCodeError(
              err.code,
              scrub(err.message),
              err.details,
              err.cause === undefined ? undefined : redactedCause(err.cause, scrub),
            )
          : new OpenCodeError(
              'sandbox_failed',
              scrub(err instanceof Error ? err.message : String(err)),
              undefined,
              redactedCause(err, scrub),
            );
    outcome = { status: e.code === 'cancelled' ? 'cancelled' : 'failed', error: e.message };
    log.warn({ code: e.code, err: e.message }, 'OpenCode run failed');
    if (debug) await writeDebug();
    throw e;
  } finally {
    stopping = true;
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onCancel);
    if (handle)
      await handle
        .stop()
        .catch((err) => log.error({ err: scrub(String(err)) }, 'stopping the sandbox failed'));
    if (jobRoot)
      await rm(jobRoot, { recursive: true, force: true, maxRetries: 3 }).catch((err) =>
        log.error({ err: String(err) }, 'removing the job directory failed'),
      );
    await lease.release();
  }

  async function writeDebug(): Promise<ConversationLogFiles | undefined> {
    if (!debug) return undefined;
    try {
      const files = await debug.write(config.logDir, outcome);
      log.info(files, 'OpenCode conversation log written');
      return files;
    } catch (err) {
      log.warn({ err: scrub(String(err)) }, 'OpenCode conversation log could not be written');
      return undefined;
    }
  }
}

/** Binds a runtime once (per worker) and returns `runOpenCode` for processors. */
export function createOpenCodeRunner(rt: OpenCodeRuntime) {
  return <T>(opts: RunOpenCodeOptions<T>) => runOpenCode(opts, rt);
}
