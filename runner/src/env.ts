/**
 * The only reader of process.env. Parsed once; a bad value stops the process with a readable message.
 * Everything else receives the typed `Env` (or a slice of it) as a parameter.
 */
import { ProtectedPaths, YoloPolicy } from '@augment/shared';
import { z } from 'zod';
import { AppError } from './errors.js';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const csv = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v));
/** A JSON value checked against `schema`; unset or empty means undefined. */
const optionalJson = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v, ctx) => {
    if (v === undefined || (typeof v === 'string' && v.trim() === '')) return undefined;
    if (typeof v !== 'string') return v;
    try {
      return JSON.parse(v);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be valid JSON' });
      return z.NEVER;
    }
  }, schema.optional());
const optionalNumber = z.preprocess(
  (v) => (v === undefined || v === '' ? undefined : v),
  z.coerce.number().positive().optional(),
);

export const Env = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8000),
  HOST: z.string().default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** api+worker in one process (default), or one role only. */
  RUNNER_ROLE: z.enum(['all', 'api', 'worker']).default('all'),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/[^\s]+$/, 'must be a redis:// or rediss:// URL')
    .default('redis://127.0.0.1:6379'),
  QUEUE_PREFIX: z.string().min(1).default('augment'),
  /**
   * How long the HTTP API waits for one Redis command, ms; past it (or at once while Redis is unreachable) the
   * request answers 503 redis_unavailable. Workers wait for Redis instead.
   */
  REDIS_COMMAND_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(3_000),
  WORKER_CONCURRENCY: z.coerce.number().int().positive().default(4),
  /** How long a stopping worker waits for its active jobs before handing them back to the queue, seconds. */
  WORKER_DRAIN_SECONDS: z.coerce.number().min(0).max(3600).default(30),
  /** How long a preview (a dry run's result) can be applied as reviewed, seconds. */
  PREVIEW_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .max(7 * 24 * 3600)
    .default(24 * 3600),
  MAX_BODY_BYTES: z.coerce.number().int().positive().default(1_048_576),
  DATA_DIR: z.string().default('data'),
  DATABASE_PATH: optionalString,

  /** Comma-separated API keys for automation callers (Authorization: Bearer <key>). */
  API_KEYS: csv.default([]),
  /** Shared secret for HMAC-signed webhook bodies (x-augment-signature: sha256=<hex>). */
  WEBHOOK_SECRET: optionalString,
  FORGE_APP_ID: optionalString,
  FORGE_JWKS_URL: z.string().url().default('https://forge.cdn.prod.atlassian-dev.net/.well-known/jwks.json'),
  FORGE_ISSUER: z.string().default('forge/invocation-token'),

  JIRA_SERVER_URL: optionalString,
  JIRA_USERNAME: optionalString,
  JIRA_API_TOKEN: optionalString,
  JIRA_PRD_FIELD: z.string().default('PRD'),
  JIRA_RFC_FIELD: z.string().default('RFC'),
  JIRA_STORY_POINTS_FIELD: z.string().default('Story Points'),
  JIRA_MAX_CONCURRENCY: z.coerce.number().int().positive().default(4),
  CONFLUENCE_SERVER_URL: optionalString,
  CONFLUENCE_USERNAME: optionalString,
  CONFLUENCE_API_TOKEN: optionalString,

  /** 'none' and 'rules' both mean the rule-based engine only. */
  LLM_PROVIDER: z.enum(['openai', 'claude', 'gemini', 'kimi', 'none', 'rules']).default('none'),
  /** Planning wants the same plan for the same story: low by default (models that take none get none). */
  LLM_TEMPERATURE: z.coerce.number().min(0).max(2).default(0.2),
  /** Caps every answer below the model's maximum; larger answers are split into more calls. */
  LLM_MAX_TOKENS: optionalNumber,
  /** The context window of a model the catalog does not know (replaces the catalog's figure). */
  LLM_CONTEXT_WINDOW: optionalNumber,
  LLM_MAX_CONCURRENCY: z.coerce.number().int().positive().default(4),
  OPENAI_API_KEY: optionalString,
  OPENAI_MODEL: z.string().default('gpt-5-mini'),
  OPENAI_BASE_URL: optionalString,
  ANTHROPIC_API_KEY: optionalString,
  ANTHROPIC_MODEL: z.string().default('claude-sonnet-4-6'),
  ANTHROPIC_BASE_URL: optionalString,
  GEMINI_API_KEY: optionalString,
  GEMINI_MODEL: z.string().default('gemini-2.5-flash'),
  GEMINI_BASE_URL: z.string().default('https://generativelanguage.googleapis.com/v1beta/openai/'),
  KIMI_API_KEY: optionalString,
  KIMI_MODEL: z.string().default('moonshot-v1-8k'),
  KIMI_BASE_URL: z.string().default('https://api.moonshot.ai/v1'),

  OPENCODE_ENABLED: bool.default(false),
  OPENCODE_LLM_PROVIDER: optionalString,
  OPENCODE_OPENAI_API_KEY: optionalString,
  OPENCODE_OPENAI_MODEL: optionalString,
  OPENCODE_OPENAI_BASE_URL: optionalString,
  OPENCODE_ANTHROPIC_API_KEY: optionalString,
  OPENCODE_ANTHROPIC_MODEL: optionalString,
  OPENCODE_GOOGLE_API_KEY: optionalString,
  OPENCODE_GOOGLE_MODEL: optionalString,
  OPENCODE_MOONSHOT_API_KEY: optionalString,
  OPENCODE_MOONSHOT_MODEL: optionalString,
  OPENCODE_LLM_TEMPERATURE: z.coerce.number().min(0).max(2).default(0.7),
  OPENCODE_LLM_MAX_TOKENS: optionalNumber,
  OPENCODE_DRIVER: z.enum(['auto', 'docker', 'process']).default('auto'),
  OPENCODE_DOCKER_IMAGE: z.string().default('ghcr.io/anomalyco/opencode'),
  OPENCODE_MAX_CONCURRENT: z.coerce.number().int().positive().default(2),
  OPENCODE_MAX_REPOS: z.coerce.number().int().positive().default(5),
  OPENCODE_TIMEOUT: z.coerce.number().positive().default(20),
  OPENCODE_CLONE_TIMEOUT: z.coerce.number().positive().default(300),
  OPENCODE_SHALLOW_CLONE: bool.default(true),
  OPENCODE_MAX_RESULT_SIZE: z.coerce.number().positive().default(10),
  OPENCODE_DEBUG_LOGGING: bool.default(false),
  OPENCODE_LOG_DIR: z.string().default('logs/opencode'),
  OPENCODE_ALLOWED_GIT_HOSTS: csv.default(['github.com', 'bitbucket.org', 'gitlab.com']),
  GIT_USERNAME: optionalString,
  GIT_PASSWORD: optionalString,
  BITBUCKET_EMAIL: optionalString,
  BITBUCKET_API_TOKEN: optionalString,
  BITBUCKET_WORKSPACES: csv.default([]),
  BITBUCKET_API_URL: z.string().default('https://api.bitbucket.org/2.0'),
  GITHUB_TOKEN: optionalString,
  GITHUB_API_URL: z.string().default('https://api.github.com'),

  DRAFT_PR_TEST_COMMAND: optionalString,
  DRAFT_PR_LINT_COMMAND: optionalString,
  DRAFT_PR_BUILD_COMMAND: optionalString,
  DRAFT_PR_SECURITY_COMMAND: optionalString,
  DRAFT_PR_VERIFY_TIMEOUT_SECONDS: z.coerce.number().positive().default(600),
  /** JSON YoloPolicy (max_files, max_loc_delta, allow_paths, deny_paths, require_tests); default: the spec's. */
  DRAFT_PR_YOLO_POLICY: optionalJson(YoloPolicy),
  /** JSON `{"billing/**": {"require": "finance_team"}}`, merged into the policy's protected_paths. */
  DRAFT_PR_PROTECTED_PATHS: optionalJson(ProtectedPaths),
  /** JSON `{"<principal id>": ["finance_team"]}`: teams of each approver, for protected paths. */
  DRAFT_PR_APPROVER_TEAMS: optionalJson(z.record(z.string(), z.array(z.string().trim().min(1)))),
  /** Where job workspaces are cloned (default `<DATA_DIR>/workspaces`). */
  DRAFT_PR_WORKSPACE_DIR: optionalString,
  /**
   * JSON `{"https://github.com/": "https://git-mirror.internal/github/"}`: clone/push through another URL,
   * like git's `url.<base>.insteadOf` (longest prefix wins). Configuration only, never from requests.
   */
  DRAFT_PR_GIT_URL_REWRITES: optionalJson(z.record(z.string().min(1), z.string().min(1))),
});
export type Env = z.infer<typeof Env>;

/** Names whose values must never be printed. Used by the logger's redaction and by error scrubbing. */
export const SECRET_ENV_NAMES = [
  'API_KEYS',
  'WEBHOOK_SECRET',
  'JIRA_API_TOKEN',
  'CONFLUENCE_API_TOKEN',
  'OPENAI_API_KEY',
  'ANTHROPIC_API_KEY',
  'GEMINI_API_KEY',
  'KIMI_API_KEY',
  'OPENCODE_OPENAI_API_KEY',
  'OPENCODE_ANTHROPIC_API_KEY',
  'OPENCODE_GOOGLE_API_KEY',
  'OPENCODE_MOONSHOT_API_KEY',
  'GIT_PASSWORD',
  'BITBUCKET_API_TOKEN',
  'GITHUB_TOKEN',
] as const satisfies readonly (keyof Env)[];

/** The configuration is invalid: the message lists every bad variable by name (never a value). */
export class EnvError extends AppError {
  constructor(message: string) {
    super(500, 'invalid_configuration', message, undefined, { retryable: false });
    this.name = 'EnvError';
  }
}

/** Parses an environment record; throws EnvError listing every bad variable by name. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = Env.safeParse(source);
  if (result.success) return result.data;
  const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
  throw new EnvError(`Invalid configuration:\n${lines.join('\n')}`);
}

let cached: Env | undefined;
/** The process environment, parsed once. */
export function loadEnv(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** Every configured secret value, for scrubbing strings before they leave the process. */
export function secretValues(env: Env): string[] {
  const out: string[] = [];
  for (const name of SECRET_ENV_NAMES) {
    const v = env[name];
    if (Array.isArray(v)) out.push(...v);
    else if (typeof v === 'string') out.push(v);
  }
  return out.filter((s) => s.length >= 4);
}
