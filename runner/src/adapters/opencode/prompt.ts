/**
 * The prompt sent to OpenCode: the caller's task, where the repositories are, and the contract for the
 * answer (a JSON file at a fixed path matching a JSON schema derived from the caller's zod schema).
 */
import { z } from 'zod';

export interface PromptRepo {
  dir: string;
  url: string;
  branch?: string;
}

export interface RunPromptInput {
  task: string;
  /** Absolute path of result.json as OpenCode sees it. */
  resultPath: string;
  workspaceDir: string;
  repos: readonly PromptRepo[];
  resultSchema: z.ZodType;
}

export function resultJsonSchema(schema: z.ZodType): string {
  try {
    return JSON.stringify(z.toJSONSchema(schema, { unrepresentable: 'any' }), null, 2);
  } catch {
    return '{ "type": "object" }';
  }
}

export function buildRunPrompt(input: RunPromptInput): string {
  const repoLines = input.repos.length
    ? input.repos.map(
        (r) =>
          `- ${input.workspaceDir}/${r.dir} (cloned from ${r.url}${r.branch ? `, branch ${r.branch}` : ''})`,
      )
    : ['- (no repositories)'];
  return [
    input.task.trim(),
    '',
    '## Workspace',
    `The repositories to analyse are cloned under ${input.workspaceDir}:`,
    ...repoLines,
    'Read the code to ground your answer in real file paths, modules and patterns. Do not modify repository files.',
    'Agents.md in the workspace and in each repository describes the MCP servers you may use (read-only).',
    '',
    '## Output',
    `Write your final answer as a single JSON document to ${input.resultPath} using the write tool.`,
    'The file must contain only JSON (no markdown fences, no comments) and must match this JSON schema:',
    '```json',
    resultJsonSchema(input.resultSchema),
    '```',
    'When the file is written, reply with one short sentence and stop.',
  ].join('\n');
}
