/**
 * OpenCode's own configuration, built from the OPENCODE_* variables only. It never falls back to the
 * main LLM configuration: a missing variable is an error that names it.
 */
import type { Env } from '../../env.js';
import { OpenCodeError } from './errors.js';

export type OpenCodeProvider = 'openai' | 'claude' | 'gemini' | 'kimi';

/** Per provider: the infix of its OPENCODE_<P>_* variables and the key variable the sandbox receives. */
export const OPENCODE_PROVIDERS: Record<
  OpenCodeProvider,
  { envPrefix: 'OPENAI' | 'ANTHROPIC' | 'GOOGLE' | 'MOONSHOT'; sandboxKeyVar: string }
> = {
  openai: { envPrefix: 'OPENAI', sandboxKeyVar: 'OPENAI_API_KEY' },
  claude: { envPrefix: 'ANTHROPIC', sandboxKeyVar: 'ANTHROPIC_API_KEY' },
  gemini: { envPrefix: 'GOOGLE', sandboxKeyVar: 'GOOGLE_API_KEY' },
  kimi: { envPrefix: 'MOONSHOT', sandboxKeyVar: 'MOONSHOT_API_KEY' },
};

export interface OpenCodeLlmConfig {
  provider: OpenCodeProvider;
  apiKey: string;
  model: string;
  /** OpenAI-compatible endpoint override (OPENCODE_OPENAI_BASE_URL); kimi uses Moonshot's endpoint. */
  baseUrl?: string;
  temperature: number;
  maxTokens?: number;
}

export interface OpenCodeConfig {
  llm: OpenCodeLlmConfig;
  driver: 'auto' | 'docker' | 'process';
  dockerImage: string;
  maxConcurrent: number;
  maxRepos: number;
  /** The whole run: clone, sandbox start, session, result. */
  timeoutMs: number;
  cloneTimeoutMs: number;
  shallowClone: boolean;
  maxResultBytes: number;
  debugLogging: boolean;
  logDir: string;
  /** Hosts repositories may be cloned from (https or ssh). */
  allowedGitHosts: string[];
  git: { username?: string; password?: string };
  mcp: {
    /** Bitbucket workspaces with an MCP server each (ports 7001, 7002, ... in this order). */
    bitbucketWorkspaces: string[];
    /** Whether the Atlassian (Jira/Confluence) MCP server is configured. */
    atlassian: boolean;
  };
}

export const KIMI_DEFAULT_BASE_URL = 'https://api.moonshot.ai/v1';
const MB = 1024 * 1024;

type ProviderVar<S extends 'API_KEY' | 'MODEL'> =
  `OPENCODE_${(typeof OPENCODE_PROVIDERS)[OpenCodeProvider]['envPrefix']}_${S}`;

/**
 * Builds the OpenCode configuration from the parsed environment. Throws an `OpenCodeError`
 * (`opencode_config`) naming every missing variable: OPENCODE_LLM_PROVIDER, then the provider's
 * OPENCODE_<P>_API_KEY and OPENCODE_<P>_MODEL.
 */
export function openCodeConfigFromEnv(env: Env): OpenCodeConfig {
  const raw = env.OPENCODE_LLM_PROVIDER?.trim().toLowerCase();
  if (!raw) {
    throw new OpenCodeError(
      'opencode_config',
      'OpenCode is not configured: missing OPENCODE_LLM_PROVIDER (one of openai, claude, gemini, kimi), ' +
        'and the matching OPENCODE_<P>_API_KEY and OPENCODE_<P>_MODEL. OpenCode does not use the main LLM configuration.',
      { missing: ['OPENCODE_LLM_PROVIDER'] },
    );
  }
  if (!(raw in OPENCODE_PROVIDERS)) {
    throw new OpenCodeError(
      'opencode_config',
      `OPENCODE_LLM_PROVIDER="${raw}" is not supported; use one of openai, claude, gemini, kimi.`,
      { invalid: ['OPENCODE_LLM_PROVIDER'] },
    );
  }
  const provider = raw as OpenCodeProvider;
  const { envPrefix } = OPENCODE_PROVIDERS[provider];
  const keyVar = `OPENCODE_${envPrefix}_API_KEY` as ProviderVar<'API_KEY'>;
  const modelVar = `OPENCODE_${envPrefix}_MODEL` as ProviderVar<'MODEL'>;
  const apiKey = env[keyVar];
  const model = env[modelVar];
  const missing = [...(apiKey ? [] : [keyVar]), ...(model ? [] : [modelVar])];
  if (missing.length > 0 || !apiKey || !model) {
    throw new OpenCodeError(
      'opencode_config',
      `OpenCode is not fully configured for provider "${provider}": missing ${missing.join(' and ')}. ` +
        'OpenCode does not fall back to the main LLM configuration.',
      { missing },
    );
  }
  const baseUrl =
    provider === 'openai'
      ? env.OPENCODE_OPENAI_BASE_URL
      : provider === 'kimi'
        ? KIMI_DEFAULT_BASE_URL
        : undefined;

  return {
    llm: {
      provider,
      apiKey,
      model,
      ...(baseUrl ? { baseUrl } : {}),
      temperature: env.OPENCODE_LLM_TEMPERATURE,
      ...(env.OPENCODE_LLM_MAX_TOKENS ? { maxTokens: Math.floor(env.OPENCODE_LLM_MAX_TOKENS) } : {}),
    },
    driver: env.OPENCODE_DRIVER,
    dockerImage: env.OPENCODE_DOCKER_IMAGE,
    maxConcurrent: env.OPENCODE_MAX_CONCURRENT,
    maxRepos: env.OPENCODE_MAX_REPOS,
    timeoutMs: Math.round(env.OPENCODE_TIMEOUT * 60_000),
    cloneTimeoutMs: Math.round(env.OPENCODE_CLONE_TIMEOUT * 1000),
    shallowClone: env.OPENCODE_SHALLOW_CLONE,
    maxResultBytes: Math.round(env.OPENCODE_MAX_RESULT_SIZE * MB),
    debugLogging: env.OPENCODE_DEBUG_LOGGING,
    logDir: env.OPENCODE_LOG_DIR,
    allowedGitHosts: env.OPENCODE_ALLOWED_GIT_HOSTS.map((h) => h.toLowerCase()),
    git: {
      ...(env.GIT_USERNAME ? { username: env.GIT_USERNAME } : {}),
      ...(env.GIT_PASSWORD ? { password: env.GIT_PASSWORD } : {}),
    },
    mcp: {
      bitbucketWorkspaces: env.BITBUCKET_WORKSPACES,
      atlassian: Boolean(env.JIRA_SERVER_URL || env.CONFLUENCE_SERVER_URL),
    },
  };
}

/** Every secret value of the configuration, for scrubbing logs, errors and debug files. */
export function openCodeSecrets(config: OpenCodeConfig): string[] {
  return [config.llm.apiKey, config.git.password].filter(
    (s): s is string => typeof s === 'string' && s.length >= 4,
  );
}
