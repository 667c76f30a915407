import Anthropic from '@anthropic-ai/sdk';
import type { SdkClientOptions } from './openai-compatible-provider.js';
import { sdkLogger } from './sdk-errors.js';
import type { LlmProvider, ProviderReply, ProviderRequest } from './types.js';

/**
 * Claude through the Messages API. Structured output is a JSON output format (`output_config.format`,
 * the models from 4.5 on) or, for older models, a forced call of a single tool whose input_schema is the
 * output schema. No temperature is sent: the Messages API of this SDK generation takes none.
 */
export function createClaudeProvider(options: SdkClientOptions): LlmProvider {
  const client = new Anthropic({
    apiKey: options.apiKey,
    authToken: null,
    baseURL: options.baseUrl,
    maxRetries: options.maxRetries,
    timeout: options.timeoutMs,
    logLevel: 'warn',
    logger: sdkLogger(options.log, 'claude', options.secrets),
  });

  return {
    name: 'claude',
    async complete(request: ProviderRequest): Promise<ProviderReply> {
      const common = {
        model: request.model,
        max_tokens: request.maxOutputTokens,
        system: request.system,
        messages: [{ role: 'user' as const, content: request.prompt }],
      };
      const message = await client.messages.create(
        request.mode === 'tool'
          ? {
              ...common,
              tools: [
                {
                  name: request.schemaName,
                  description: `Record the answer as a "${request.schemaName}" object.`,
                  input_schema: request.jsonSchema as Anthropic.Tool.InputSchema,
                },
              ],
              tool_choice: { type: 'tool', name: request.schemaName },
            }
          : { ...common, output_config: { format: { type: 'json_schema', schema: request.jsonSchema } } },
        { signal: request.signal },
      );
      const tool = message.content.find((block) => block.type === 'tool_use');
      const raw = tool
        ? JSON.stringify(tool.input)
        : message.content
            .filter((block) => block.type === 'text')
            .map((block) => block.text)
            .join('');
      return {
        raw,
        model: message.model || request.model,
        usage: { input_tokens: message.usage.input_tokens, output_tokens: message.usage.output_tokens },
        truncated: message.stop_reason === 'max_tokens',
      };
    },
  };
}
