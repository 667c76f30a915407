import { describe, expect, it } from 'vitest';
import { parseEnv, secretValues } from './env.js';

describe('environment', () => {
  it('applies the documented defaults', () => {
    const env = parseEnv({});
    expect(env.PORT).toBe(8000);
    expect(env.RUNNER_ROLE).toBe('all');
    expect(env.LLM_PROVIDER).toBe('none');
    expect(env.OPENCODE_SHALLOW_CLONE).toBe(true);
  });

  it('fails with a message naming every bad variable', () => {
    let message = '';
    try {
      parseEnv({ PORT: 'eighty', REDIS_URL: 'not a url', RUNNER_ROLE: 'boss' });
    } catch (err) {
      message = (err as Error).message;
    }
    for (const name of ['PORT', 'REDIS_URL', 'RUNNER_ROLE'])
      expect(message).toMatch(new RegExp(`^  ${name}: `, 'm'));
  });

  it('splits API keys and lists secret values for scrubbing', () => {
    const env = parseEnv({ API_KEYS: 'alpha-key, beta-key', JIRA_API_TOKEN: 'jira-token-1' });
    expect(env.API_KEYS).toEqual(['alpha-key', 'beta-key']);
    expect(secretValues(env).sort()).toEqual(['alpha-key', 'beta-key', 'jira-token-1']);
  });
});
