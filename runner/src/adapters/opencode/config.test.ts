import { describe, expect, it } from 'vitest';
import { parseEnv } from '../../env.js';
import { openCodeConfigFromEnv, openCodeSecrets } from './config.js';
import { OpenCodeError } from './errors.js';

const configError = (vars: Record<string, string>) => {
  try {
    openCodeConfigFromEnv(parseEnv(vars));
  } catch (err) {
    return err as OpenCodeError;
  }
  throw new Error('expected a configuration error');
};

describe('openCodeConfigFromEnv', () => {
  it('names OPENCODE_LLM_PROVIDER when no provider is set, even if the main LLM is configured', () => {
    const err = configError({
      LLM_PROVIDER: 'openai',
      OPENAI_API_KEY: 'sk-main-key',
      OPENAI_MODEL: 'gpt-5-mini',
    });
    expect(err).toBeInstanceOf(OpenCodeError);
    expect(err.code).toBe('opencode_config');
    expect(err.message).toContain('OPENCODE_LLM_PROVIDER');
    expect(err.details).toEqual({ missing: ['OPENCODE_LLM_PROVIDER'] });
  });

  it('rejects an unknown provider by name', () => {
    const err = configError({ OPENCODE_LLM_PROVIDER: 'mistral' });
    expect(err.message).toContain('OPENCODE_LLM_PROVIDER="mistral"');
  });

  it.each([
    ['openai', 'OPENCODE_OPENAI_API_KEY', 'OPENCODE_OPENAI_MODEL'],
    ['claude', 'OPENCODE_ANTHROPIC_API_KEY', 'OPENCODE_ANTHROPIC_MODEL'],
    ['gemini', 'OPENCODE_GOOGLE_API_KEY', 'OPENCODE_GOOGLE_MODEL'],
    ['kimi', 'OPENCODE_MOONSHOT_API_KEY', 'OPENCODE_MOONSHOT_MODEL'],
  ])('for %s names both %s and %s when both are missing', (provider, keyVar, modelVar) => {
    const err = configError({ OPENCODE_LLM_PROVIDER: provider });
    expect(err.details).toEqual({ missing: [keyVar, modelVar] });
    expect(err.message).toContain(keyVar);
    expect(err.message).toContain(modelVar);
  });

  it.each([
    ['openai', 'OPENCODE_OPENAI_API_KEY', 'OPENCODE_OPENAI_MODEL'],
    ['claude', 'OPENCODE_ANTHROPIC_API_KEY', 'OPENCODE_ANTHROPIC_MODEL'],
    ['gemini', 'OPENCODE_GOOGLE_API_KEY', 'OPENCODE_GOOGLE_MODEL'],
    ['kimi', 'OPENCODE_MOONSHOT_API_KEY', 'OPENCODE_MOONSHOT_MODEL'],
  ])('for %s names only the missing one of %s and %s', (provider, keyVar, modelVar) => {
    expect(configError({ OPENCODE_LLM_PROVIDER: provider, [keyVar]: 'key-1234' }).details).toEqual({
      missing: [modelVar],
    });
    expect(configError({ OPENCODE_LLM_PROVIDER: provider, [modelVar]: 'm' }).details).toEqual({
      missing: [keyVar],
    });
  });

  it('does not fall back to the main provider key of the same provider', () => {
    const err = configError({
      OPENCODE_LLM_PROVIDER: 'claude',
      ANTHROPIC_API_KEY: 'sk-ant-main',
      ANTHROPIC_MODEL: 'claude-x',
    });
    expect(err.details).toEqual({ missing: ['OPENCODE_ANTHROPIC_API_KEY', 'OPENCODE_ANTHROPIC_MODEL'] });
    expect(err.message).not.toContain('sk-ant-main');
  });

  it('converts the documented units (minutes, seconds, megabytes) and keeps the rest', () => {
    const c = openCodeConfigFromEnv(
      parseEnv({
        OPENCODE_LLM_PROVIDER: 'claude',
        OPENCODE_ANTHROPIC_API_KEY: 'sk-ant-oc',
        OPENCODE_ANTHROPIC_MODEL: 'claude-haiku-4-5',
        OPENCODE_TIMEOUT: '20',
        OPENCODE_CLONE_TIMEOUT: '300',
        OPENCODE_MAX_RESULT_SIZE: '10',
        OPENCODE_LLM_MAX_TOKENS: '4096',
        OPENCODE_ALLOWED_GIT_HOSTS: 'GitHub.com, git.example.org',
        BITBUCKET_WORKSPACES: 'acme,beta',
        JIRA_SERVER_URL: 'https://acme.atlassian.net',
        GIT_PASSWORD: 'git-secret',
      }),
    );
    expect(c.llm).toEqual({
      provider: 'claude',
      apiKey: 'sk-ant-oc',
      model: 'claude-haiku-4-5',
      temperature: 0.7,
      maxTokens: 4096,
    });
    expect(c.timeoutMs).toBe(1_200_000);
    expect(c.cloneTimeoutMs).toBe(300_000);
    expect(c.maxResultBytes).toBe(10 * 1024 * 1024);
    expect(c.allowedGitHosts).toEqual(['github.com', 'git.example.org']);
    expect(c.mcp).toEqual({ bitbucketWorkspaces: ['acme', 'beta'], atlassian: true });
    expect(c.maxConcurrent).toBe(2);
    expect(c.maxRepos).toBe(5);
    expect(c.shallowClone).toBe(true);
    expect(openCodeSecrets(c)).toEqual(['sk-ant-oc', 'git-secret']);
  });

  it('uses the OpenCode base URL for openai and the Moonshot endpoint for kimi', () => {
    const openai = openCodeConfigFromEnv(
      parseEnv({
        OPENCODE_LLM_PROVIDER: 'openai',
        OPENCODE_OPENAI_API_KEY: 'sk-1234',
        OPENCODE_OPENAI_MODEL: 'gpt-5-mini',
        OPENCODE_OPENAI_BASE_URL: 'http://127.0.0.1:9999/v1',
        OPENAI_BASE_URL: 'http://main-llm/v1',
      }),
    );
    expect(openai.llm.baseUrl).toBe('http://127.0.0.1:9999/v1');
    const kimi = openCodeConfigFromEnv(
      parseEnv({
        OPENCODE_LLM_PROVIDER: 'kimi',
        OPENCODE_MOONSHOT_API_KEY: 'k-1234',
        OPENCODE_MOONSHOT_MODEL: 'moonshot-v1-8k',
      }),
    );
    expect(kimi.llm.baseUrl).toBe('https://api.moonshot.ai/v1');
  });
});
