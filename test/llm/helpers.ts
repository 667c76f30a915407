import { z } from 'zod';
import type { LlmConfig, ProviderName } from '../../runner/src/adapters/llm/index.js';
import { createLogger } from '../../runner/src/logger.js';

export const KEYS = {
  openai: 'sk-test-openai-4f9a2c71e0b3d8',
  claude: 'sk-ant-test-claude-77c1d0e5a9b2',
  gemini: 'AIza-test-gemini-31b7e9f2c4d6',
  kimi: 'sk-test-kimi-8e2f4a6c1b3d5',
} as const;

/** A config whose providers point at local stand-ins (only those given are configured). */
export function testConfig(
  baseUrls: Partial<Record<ProviderName, string>>,
  overrides: Partial<LlmConfig> = {},
): LlmConfig {
  const models: Record<ProviderName, string> = {
    openai: 'gpt-5-mini',
    claude: 'claude-sonnet-4-6',
    gemini: 'gemini-2.5-flash',
    kimi: 'moonshot-v1-8k',
  };
  const providers: LlmConfig['providers'] = {};
  for (const name of Object.keys(models) as ProviderName[]) {
    const baseUrl = baseUrls[name];
    providers[name] = {
      model: models[name],
      baseUrl: baseUrl ?? 'http://127.0.0.1:9',
      apiKey: baseUrl ? KEYS[name] : undefined,
    };
  }
  return {
    defaultProvider: 'openai',
    temperature: 0.2,
    maxConcurrency: 4,
    // Short retries keep 5xx/429 tests quick; the SDK still backs off between attempts.
    maxRetries: 1,
    timeoutMs: 5_000,
    providers,
    ...overrides,
  };
}

/** A pino logger (the runner's own, with no secrets to scrub) whose output is kept in memory. */
export function captureLogger() {
  const chunks: string[] = [];
  const log = createLogger('trace', [], {
    write(chunk: string) {
      chunks.push(chunk);
    },
  });
  return { log, text: () => chunks.join('') };
}

export const Story = z.object({
  title: z.string().min(1),
  points: z.number().int().min(1).max(13),
  labels: z.array(z.string()),
  notes: z.string().optional(),
});
export type Story = z.infer<typeof Story>;

export const validStory: Story = { title: 'Export invoices as CSV', points: 3, labels: ['billing'] };
export const ruleStory: Story = { title: 'Rule-based story', points: 1, labels: ['rules'] };
