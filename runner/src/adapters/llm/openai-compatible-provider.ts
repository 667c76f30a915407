import OpenAI from 'openai';
import type { ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import type { ResponseCreateParamsNonStreaming } from 'openai/resources/responses/responses';
import { type SdkLogTarget, sdkLogger } from './sdk-errors.js';
import type { LlmProvider, ProviderName, ProviderReply, ProviderRequest } from './types.js';

export interface SdkClientOptions {
  apiKey: string;
  baseUrl: string;
  maxRetries: number;
  timeoutMs: number;
  log: SdkLogTarget;
  secrets: readonly string[];
}

/**
 * OpenAI chat completions (or the Responses API for the models served only there), also used for
 * Gemini and Kimi through their OpenAI-compatible endpoints. The mode, temperature and cap of each call
 * come from the model catalog through the request. Every option the SDK would otherwise read from
 * process.env is passed explicitly.
 */
export function createOpenAiCompatibleProvider(
  name: Exclude<ProviderName, 'claude'>,
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

  async function chat(request: ProviderRequest): Promise<ProviderReply> {
    const params: ChatCompletionCreateParamsNonStreaming = {
      model: request.model,
      messages: [
        { role: 'system', content: request.system },
        { role: 'user', content: request.prompt },
      ],
      response_format:
        request.mode === 'json_schema'
          ? {
              type: 'json_schema',
              json_schema: {
                name: request.schemaName,
                schema: request.jsonSchema,
                // Gemini's compatible endpoint has no strict mode; the dialect already fits its subset.
                ...(name === 'openai' ? { strict: request.strict } : {}),
              },
            }
          : { type: 'json_object' },
    };
    // OpenAI deprecated max_tokens in favour of max_completion_tokens; the compatible APIs of
    // Gemini and Kimi document max_tokens.
    if (name === 'openai') params.max_completion_tokens = request.maxOutputTokens;
    else params.max_tokens = request.maxOutputTokens;
    if (request.temperature !== undefined) params.temperature = request.temperature;

    const completion = await client.chat.completions.create(params, { signal: request.signal });
    const choice = completion.choices[0];
    const message = choice?.message;
    return {
      raw: message?.content ?? message?.refusal ?? '',
      model: completion.model || request.model,
      usage: {
        input_tokens: completion.usage?.prompt_tokens ?? 0,
        output_tokens: completion.usage?.completion_tokens ?? 0,
      },
      truncated: choice?.finish_reason === 'length',
    };
  }

  async function responses(request: ProviderRequest): Promise<ProviderReply> {
    const params: ResponseCreateParamsNonStreaming = {
      model: request.model,
      instructions: request.system,
      input: request.prompt,
      max_output_tokens: request.maxOutputTokens,
      store: false,
      text: {
        format:
          request.mode === 'json_schema'
            ? {
                type: 'json_schema',
                name: request.schemaName,
                schema: request.jsonSchema,
                strict: request.strict,
              }
            : { type: 'json_object' },
      },
    };
    if (request.temperature !== undefined) params.temperature = request.temperature;
    const response = await client.responses.create(params, { signal: request.signal });
    return {
      raw: response.output_text ?? '',
      model: response.model || request.model,
      usage: {
        input_tokens: response.usage?.input_tokens ?? 0,
        output_tokens: response.usage?.output_tokens ?? 0,
      },
      truncated:
        response.status === 'incomplete' && response.incomplete_details?.reason === 'max_output_tokens',
    };
  }

  return {
    name,
    complete(request: ProviderRequest): Promise<ProviderReply> {
      return name === 'openai' && request.api === 'responses' ? responses(request) : chat(request);
    },
  };
}
