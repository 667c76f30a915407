export { createClaudeProvider } from './claude-provider.js';
export {
  DEFAULT_BASE_URLS,
  defaultContextWindow,
  defaultMaxTokens,
  llmConfigFromEnv,
  llmSecrets,
  parseModelName,
  parseProviderName,
  resolveLimits,
} from './config.js';
export {
  BUDGET_BUFFER_TOKENS,
  type FitInput,
  type FitResult,
  fitAdditionalContext,
  promptTokenLimit,
  RESPONSE_RESERVE,
  UNKNOWN_BUDGET_CHARS,
} from './context-budget.js';
export { LlmError, LlmOutputError, LlmProviderError } from './errors.js';
export { parseJsonReply, toStructuredSchema } from './json-schema.js';
export { createLlm, type Llm, type LlmDeps } from './llm.js';
export { LlmMetrics } from './metrics.js';
export { createOpenAiCompatibleProvider } from './openai-compatible-provider.js';
export { type CountTokens, countTokens, tokenCounter } from './tokens.js';
export * from './types.js';
