/**
 * The sandbox runtime: where `opencode serve` runs for one job. Two drivers implement it: a hardened
 * Docker container (production) and a local child process (development and CI without a Docker engine).
 * Either way the runner only talks HTTP + SSE to the returned base URL, and `stop()` always tears the
 * sandbox down (idempotent, never throws).
 */
export interface SandboxJob {
  jobId: string;
  /** Host directory with the cloned repositories; OpenCode's working directory. */
  workspaceDir: string;
  /** Host path of the job's opencode.json. */
  configPath: string;
  /** Host directory private to this job's sandbox (HOME, caches); removed with the job. */
  stateDir: string;
  /** Provider key under its conventional name, LLM_PROVIDER, LLM_MODEL, ... */
  env: Record<string, string>;
  /** Password of the OpenCode server's HTTP basic auth (user `opencode`). */
  serverPassword: string;
  signal?: AbortSignal;
}

export interface SandboxExit {
  code: number | null;
  signal: string | null;
  /** The end of the sandbox's output (scrubbed of the job's secrets). */
  output: string;
}

export interface SandboxHandle {
  baseUrl: string;
  /** Resolves when the sandbox ends by itself or is stopped; never rejects. */
  exited: Promise<SandboxExit>;
  /** Stops and removes the sandbox. Safe to call more than once. */
  stop(): Promise<void>;
  info: { kind: 'process' | 'docker'; pid?: number; containerId?: string };
}

/** Paths as OpenCode sees them inside the sandbox. */
export interface SandboxPaths {
  workspaceDir: string;
  configPath: string;
}

export interface SandboxDriver {
  readonly kind: 'process' | 'docker';
  /** How the sandbox reaches MCP servers: their service names on the MCP network, or localhost ports. */
  readonly mcpAddressing: 'network' | 'localhost';
  sandboxPaths(job: Pick<SandboxJob, 'workspaceDir' | 'configPath'>): SandboxPaths;
  start(job: SandboxJob): Promise<SandboxHandle>;
}

/** Common environment of every OpenCode sandbox: offline, no self-update, no project-supplied config. */
export function baseSandboxEnv(configPath: string, password: string): Record<string, string> {
  return {
    OPENCODE_CONFIG: configPath,
    // A cloned repository must not be able to swap the provider, enable tools or load plugins.
    OPENCODE_DISABLE_PROJECT_CONFIG: '1',
    OPENCODE_PURE: '1',
    OPENCODE_DISABLE_MODELS_FETCH: '1',
    OPENCODE_DISABLE_AUTOUPDATE: '1',
    OPENCODE_DISABLE_LSP_DOWNLOAD: '1',
    OPENCODE_DISABLE_SHARE: '1',
    OPENCODE_DISABLE_CLAUDE_CODE: '1',
    OPENCODE_DISABLE_EXTERNAL_SKILLS: '1',
    OPENCODE_SERVER_USERNAME: 'opencode',
    OPENCODE_SERVER_PASSWORD: password,
    // OpenCode installs its plugin package into the config dir in the background; offline it logs a
    // warning and carries on, which is what we want in a sandbox.
    npm_config_offline: 'true',
    NO_COLOR: '1',
  };
}

export const SANDBOX_USER = 'opencode';
