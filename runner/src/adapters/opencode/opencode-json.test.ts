import { describe, expect, it } from 'vitest';
import { planMcpServers } from '../mcp/servers.js';
import type { OpenCodeLlmConfig } from './config.js';
import { buildOpenCodeJson, mcpServersForRepos, providerSetup } from './opencode-json.js';

const llm = (over: Partial<OpenCodeLlmConfig>): OpenCodeLlmConfig => ({
  provider: 'claude',
  apiKey: 'sk-ant-secret-1',
  model: 'claude-haiku-4-5',
  temperature: 0.2,
  ...over,
});

describe('opencode.json', () => {
  it.each([
    ['claude', {}, 'anthropic', '@ai-sdk/anthropic', 'ANTHROPIC_API_KEY'],
    ['gemini', {}, 'google', '@ai-sdk/google', 'GOOGLE_API_KEY'],
    [
      'kimi',
      { baseUrl: 'https://api.moonshot.ai/v1' },
      'moonshot',
      '@ai-sdk/openai-compatible',
      'MOONSHOT_API_KEY',
    ],
    ['openai', {}, 'openai', '@ai-sdk/openai', 'OPENAI_API_KEY'],
    [
      'openai',
      { baseUrl: 'http://127.0.0.1:1/v1' },
      'augment-openai',
      '@ai-sdk/openai-compatible',
      'OPENAI_API_KEY',
    ],
  ] as const)('maps %s %o to provider %s (%s) with the key from %s', (provider, extra, id, npm, keyVar) => {
    const setup = providerSetup(llm({ provider, model: 'm-1', ...extra }));
    expect(setup.id).toBe(id);
    expect(setup.modelRef).toBe(`${id}/m-1`);
    expect(setup.providerConfig.npm).toBe(npm);
    expect(setup.providerConfig.options?.apiKey).toBe(`{env:${keyVar}}`);
    expect(setup.providerConfig.models).toHaveProperty('m-1');
    expect(setup.env).toMatchObject({
      [keyVar]: 'sk-ant-secret-1',
      LLM_PROVIDER: provider,
      LLM_MODEL: 'm-1',
    });
    if ('baseUrl' in extra) expect(setup.providerConfig.options?.baseURL).toBe(extra.baseUrl);
  });

  it('never writes the API key into the file', () => {
    const json = JSON.stringify(
      buildOpenCodeJson({ llm: llm({}), mcpServers: [], mcpAddressing: 'localhost', instructions: [] }),
    );
    expect(json).not.toContain('sk-ant-secret-1');
  });

  it('passes OPENCODE_LLM_MAX_TOKENS as the output token limit and the temperature to the agent', () => {
    const setup = providerSetup(llm({ maxTokens: 2048 }));
    expect(setup.env.OPENCODE_EXPERIMENTAL_OUTPUT_TOKEN_MAX).toBe('2048');
    const json = buildOpenCodeJson({
      llm: llm({}),
      mcpServers: [],
      mcpAddressing: 'localhost',
      instructions: [],
    });
    expect(json.agent?.build?.temperature).toBe(0.2);
  });

  it('configures the Bitbucket MCP of each repository workspace and the Atlassian MCP', () => {
    const all = planMcpServers({ bitbucketWorkspaces: ['acme', 'beta', 'gamma'], atlassian: true });
    const servers = mcpServersForRepos(
      [
        { host: 'bitbucket.org', path: 'gamma/api' },
        { host: 'bitbucket.org', path: 'acme/web' },
        { host: 'github.com', path: 'beta/tool' },
      ],
      all,
    );
    const json = buildOpenCodeJson({
      llm: llm({}),
      mcpServers: servers,
      mcpAddressing: 'network',
      instructions: ['/workspace/Agents.md'],
    });
    expect(json.mcp).toEqual({
      'bitbucket-acme': {
        type: 'remote',
        url: 'http://bitbucket-mcp-acme:7001/mcp',
        enabled: true,
        oauth: false,
        timeout: 10_000,
      },
      'bitbucket-gamma': {
        type: 'remote',
        url: 'http://bitbucket-mcp-gamma:7003/mcp',
        enabled: true,
        oauth: false,
        timeout: 10_000,
      },
      atlassian: {
        type: 'remote',
        url: 'http://atlassian-mcp:7000/mcp',
        enabled: true,
        oauth: false,
        timeout: 10_000,
      },
    });
    expect(json.instructions).toEqual(['/workspace/Agents.md']);
    const local = buildOpenCodeJson({
      llm: llm({}),
      mcpServers: servers,
      mcpAddressing: 'localhost',
      instructions: [],
    });
    expect(Object.values(local.mcp ?? {}).map((m) => ('url' in m ? m.url : ''))).toEqual([
      'http://127.0.0.1:7001/mcp',
      'http://127.0.0.1:7003/mcp',
      'http://127.0.0.1:7000/mcp',
    ]);
  });

  it('leaves no permission on "ask" and denies shell and web access', () => {
    const json = buildOpenCodeJson({
      llm: llm({}),
      mcpServers: [],
      mcpAddressing: 'localhost',
      instructions: [],
    });
    const perms = JSON.stringify(json.permission);
    expect(perms).not.toContain('"ask"');
    expect(json.permission).toMatchObject({
      bash: 'deny',
      webfetch: 'deny',
      websearch: 'deny',
      external_directory: 'deny',
      edit: 'allow',
    });
    expect(json).toMatchObject({ share: 'disabled', autoupdate: false, enabled_providers: ['anthropic'] });
  });
});
