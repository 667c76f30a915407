/**
 * The opencode.json of one job: the OpenCode-specific provider and model, the MCP servers of the
 * repositories' workspaces, the Agents.md files as instructions, and permissions that keep the agent
 * read-only apart from writing its result (nothing is left on "ask", which would stall a headless run).
 * API keys are referenced as `{env:NAME}` so the file itself never holds a secret.
 */
import type { Config } from '@opencode-ai/sdk/v2/client';
import { type McpServerSpec, mcpServerUrl } from '../mcp/servers.js';
import { OPENCODE_PROVIDERS, type OpenCodeLlmConfig } from './config.js';
import type { RepoRef } from './repos.js';

export interface ProviderSetup {
  /** Provider id inside opencode.json. */
  id: string;
  /** `provider/model` reference. */
  modelRef: string;
  providerConfig: NonNullable<Config['provider']>[string];
  /** Environment the sandbox needs for this provider (the key under its conventional name, etc.). */
  env: Record<string, string>;
}

/** Maps the OpenCode LLM configuration to an opencode provider block and the sandbox environment. */
export function providerSetup(llm: OpenCodeLlmConfig): ProviderSetup {
  const keyVar = OPENCODE_PROVIDERS[llm.provider].sandboxKeyVar;
  const apiKeyRef = `{env:${keyVar}}`;
  const models = { [llm.model]: { name: llm.model, tool_call: true } };
  let id: string;
  let providerConfig: ProviderSetup['providerConfig'];
  switch (llm.provider) {
    case 'openai':
      // A base URL means an OpenAI-compatible gateway (or a local stand-in): chat completions, not Responses.
      id = llm.baseUrl ? 'augment-openai' : 'openai';
      providerConfig = llm.baseUrl
        ? {
            npm: '@ai-sdk/openai-compatible',
            name: 'OpenAI (Augment)',
            options: { baseURL: llm.baseUrl, apiKey: apiKeyRef },
            models,
          }
        : { npm: '@ai-sdk/openai', options: { apiKey: apiKeyRef }, models };
      break;
    case 'claude':
      id = 'anthropic';
      providerConfig = { npm: '@ai-sdk/anthropic', options: { apiKey: apiKeyRef }, models };
      break;
    case 'gemini':
      id = 'google';
      providerConfig = { npm: '@ai-sdk/google', options: { apiKey: apiKeyRef }, models };
      break;
    case 'kimi':
      id = 'moonshot';
      providerConfig = {
        npm: '@ai-sdk/openai-compatible',
        name: 'Moonshot AI',
        options: { baseURL: llm.baseUrl ?? 'https://api.moonshot.ai/v1', apiKey: apiKeyRef },
        models,
      };
      break;
  }
  const env: Record<string, string> = {
    [keyVar]: llm.apiKey,
    LLM_PROVIDER: llm.provider,
    LLM_MODEL: llm.model,
  };
  if (llm.maxTokens) env.OPENCODE_EXPERIMENTAL_OUTPUT_TOKEN_MAX = String(llm.maxTokens);
  return { id, modelRef: `${id}/${llm.model}`, providerConfig, env };
}

/** The Bitbucket workspace a repository belongs to (first path segment of a bitbucket.org URL). */
export function bitbucketWorkspaceOf(repo: Pick<RepoRef, 'host' | 'path'>): string | undefined {
  if (repo.host !== 'bitbucket.org') return undefined;
  return repo.path.split('/')[0]?.toLowerCase() || undefined;
}

/** The MCP servers a job gets: the Bitbucket servers of its repositories' workspaces, and Atlassian. */
export function mcpServersForRepos(
  repos: readonly Pick<RepoRef, 'host' | 'path'>[],
  all: readonly McpServerSpec[],
) {
  const workspaces = new Set(repos.map(bitbucketWorkspaceOf).filter((w): w is string => Boolean(w)));
  return all.filter(
    (s) => s.kind === 'atlassian' || (s.workspace !== undefined && workspaces.has(s.workspace)),
  );
}

export interface OpenCodeJsonInput {
  llm: OpenCodeLlmConfig;
  mcpServers: readonly McpServerSpec[];
  mcpAddressing: 'network' | 'localhost';
  /** Instruction files (Agents.md) as paths the sandbox sees. */
  instructions: readonly string[];
}

export function buildOpenCodeJson(input: OpenCodeJsonInput): Config {
  const setup = providerSetup(input.llm);
  const mcp: NonNullable<Config['mcp']> = {};
  for (const s of input.mcpServers) {
    mcp[s.name] = {
      type: 'remote',
      url: mcpServerUrl(s, input.mcpAddressing),
      enabled: true,
      oauth: false,
      timeout: 10_000,
    };
  }
  return {
    $schema: 'https://opencode.ai/config.json',
    provider: { [setup.id]: setup.providerConfig },
    enabled_providers: [setup.id],
    model: setup.modelRef,
    small_model: setup.modelRef,
    agent: { build: { temperature: input.llm.temperature } },
    autoupdate: false,
    share: 'disabled',
    snapshot: false,
    lsp: false,
    formatter: false,
    instructions: [...input.instructions],
    permission: {
      read: { '*': 'allow', '*.env': 'deny', '*.env.*': 'deny' },
      edit: 'allow',
      glob: 'allow',
      grep: 'allow',
      list: 'allow',
      todowrite: 'allow',
      task: 'allow',
      bash: 'deny',
      external_directory: 'deny',
      question: 'deny',
      webfetch: 'deny',
      websearch: 'deny',
      lsp: 'deny',
      skill: 'deny',
      doom_loop: 'deny',
    },
    mcp,
  };
}
