export { createClaudeProvider } from './claude-provider.js';
export {
  DEFAULT_BASE_URLS,
  llmConfigFromEnv,
  llmSecrets,
  type ModelProfile,
  parseModelName,
  parseProviderName,
  resolveModel,
} from './config.js';
export {
  ANSWER_HEADROOM,
  DEFAULT_EXPECTED_OUTPUT_TOKENS,
  type FitInput,
  type FitResult,
  fitAdditionalContext,
  outputCapFor,
  promptBudget,
  safetyMargin,
  UNKNOWN_BUDGET_CHARS,
} from './context-budget.js';
export { LlmError, LlmOutputError, LlmProviderError } from './errors.js';
export { parseJsonReply, toStructuredSchema } from './json-schema.js';
export { createLlm, type Llm, type LlmDeps } from './llm.js';
export { LlmMetrics, type StoryUsage } from './metrics.js';
export { findModelSpec, MODEL_CATALOG, type ModelSpec, type SchemaDialect } from './model-catalog.js';
export { createOpenAiCompatibleProvider } from './openai-compatible-provider.js';
export { checkDialect, DIALECTS, toDialect } from './schema-dialects.js';
export { type CountTokens, countTokens, tokenCounter } from './tokens.js';
export * from './types.js';
