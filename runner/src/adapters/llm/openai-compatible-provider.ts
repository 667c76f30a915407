import OpenAI from 'openai';
import type { ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import { type SdkLogTarget, sdkLogger } from './sdk-errors.js';
import type { LlmProvider, ProviderName, ProviderReply, ProviderRequest, StructuredMode } from './types.js';

export interface SdkClientOptions {
  apiKey: string;
  baseUrl: string;
  maxRetries: number;
  timeoutMs: number;
  log: SdkLogTarget;
  secrets: readonly string[];
}

// Reasoning models accept only their default temperature.
const FIXED_TEMPERATURE = /^(gpt-5(?!-chat)|o\d)/i;

/**
 * OpenAI chat completions, also used for Gemini and Kimi through their OpenAI-compatible endpoints.
 * Every option the SDK would otherwise read from process.env is passed explicitly.
 */
export function createOpenAiCompatibleProvider(
  name: Exclude<ProviderName, 'claude'>,
  structuredMode: Exclude<StructuredMode, 'tool'>,
  options: SdkClientOptions,
): LlmProvider {
  const client = new OpenAI({
    apiKey: options.apiKey,
    baseURL: options.baseUrl,
    organization: null,
    project: null,
    webhookSecret: null,
    maxRetries: options.maxRetries,
    timeout: options.timeoutMs,
    logLevel: 'warn',
    logger: sdkLogger(options.log, name, options.secrets),
  });

  return {
    name,
    structuredMode,
    async complete(request: ProviderRequest): Promise<ProviderReply> {
      const params: ChatCompletionCreateParamsNonStreaming = {
        model: request.model,
        messages: [
          { role: 'system', content: request.system },
          { role: 'user', content: request.prompt },
        ],
        response_format:
          structuredMode === 'json_schema'
            ? {
                type: 'json_schema',
                json_schema: { name: request.schemaName, schema: request.jsonSchema, strict: request.strict },
              }
            : { type: 'json_object' },
      };
      // OpenAI deprecated max_tokens in favour of max_completion_tokens; the compatible APIs of
      // Gemini and Kimi document max_tokens.
      if (name === 'openai') params.max_completion_tokens = request.maxOutputTokens;
      else params.max_tokens = request.maxOutputTokens;
      if (!(name === 'openai' && FIXED_TEMPERATURE.test(request.model)))
        params.temperature = request.temperature;

      const completion = await client.chat.completions.create(params, { signal: request.signal });
      const message = completion.choices[0]?.message;
      return {
        raw: message?.content ?? message?.refusal ?? '',
        model: completion.model || request.model,
        usage: {
          input_tokens: completion.usage?.prompt_tokens ?? 0,
          output_tokens: completion.usage?.completion_tokens ?? 0,
        },
      };
    },
  };
}
