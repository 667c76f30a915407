export { startAnthropicStub } from './anthropic-stub.js';
export { type OpenAiStubOptions, startOpenAiStub } from './openai-stub.js';
export type {
  RecordedRequest,
  StubOptions,
  StubReply,
  StubResponder,
  StubServer,
  StubToolCall,
  StubUsage,
} from './stub-server.js';
