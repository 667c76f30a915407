/**
 * Optional debug conversation log (OPENCODE_DEBUG_LOGGING): every SSE event of a run, written as
 * `{job_id}.json` (structured) and `{job_id}.log` (readable) in the log directory when the run ends,
 * whether it succeeded, failed or was cancelled. Secrets are scrubbed from both files; a failure to
 * write is reported to the caller and never fails the job.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { scrubSecrets } from '../../logger.js';
import { writeFileAtomic } from './agents-md.js';
import type { OpenCodeEvent } from './session.js';

interface LoggedEvent {
  /** Seconds since the epoch, with milliseconds. */
  timestamp: number;
  event_type: string;
  data: string;
  raw_event: unknown;
}

export interface ConversationLogOutcome {
  status: 'succeeded' | 'failed' | 'cancelled';
  error?: string;
}

export interface ConversationLogFiles {
  jsonPath: string;
  logPath: string;
}

const RULE = '='.repeat(80);

function summarize(event: OpenCodeEvent): string {
  const props = (event.properties ?? {}) as Record<string, unknown>;
  const part = props.part as Record<string, unknown> | undefined;
  if (part?.type === 'text' && typeof part.text === 'string') return part.text;
  if (part?.type === 'tool') {
    const state = (part.state ?? {}) as Record<string, unknown>;
    return `${String(part.tool)} ${String(state.status ?? '')} ${JSON.stringify(state.input ?? {})}${
      typeof state.output === 'string' ? `\n${state.output}` : ''
    }`;
  }
  if (typeof props.delta === 'string') return props.delta;
  return Object.keys(props).length ? JSON.stringify(props) : '';
}

function stamp(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

export const safeLogName = (jobId: string) => jobId.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 200) || 'job';

export class ConversationLog {
  private readonly events: LoggedEvent[] = [];
  private readonly startMs: number;

  constructor(
    readonly jobId: string,
    readonly prompt: string,
    private readonly secrets: readonly string[],
    private readonly now: () => number = Date.now,
  ) {
    this.startMs = now();
  }

  record(event: OpenCodeEvent): void {
    this.events.push({
      timestamp: this.now() / 1000,
      event_type: event.type,
      data: summarize(event),
      raw_event: event,
    });
  }

  get size(): number {
    return this.events.length;
  }

  /** Writes both files; returns their paths, or throws (callers log and carry on). */
  async write(dir: string, outcome: ConversationLogOutcome): Promise<ConversationLogFiles> {
    const endMs = this.now();
    const scrub = (s: string) => scrubSecrets(s, this.secrets);
    const doc = {
      job_id: this.jobId,
      start_time: new Date(this.startMs).toISOString(),
      end_time: new Date(endMs).toISOString(),
      duration_seconds: (endMs - this.startMs) / 1000,
      status: outcome.status,
      ...(outcome.error ? { error: outcome.error } : {}),
      prompt: this.prompt,
      events: this.events,
    };
    const text = [
      `OpenCode Conversation Log - Job: ${this.jobId}`,
      `Started: ${doc.start_time}`,
      `Ended: ${doc.end_time}`,
      `Duration: ${doc.duration_seconds.toFixed(3)}s`,
      `Status: ${outcome.status}${outcome.error ? ` (${outcome.error})` : ''}`,
      '',
      RULE,
      'PROMPT',
      RULE,
      this.prompt,
      '',
      RULE,
      'EVENTS',
      RULE,
      ...this.events.map(
        (e) => `[${stamp(e.timestamp * 1000)}] [${e.event_type}]${e.data ? ` ${e.data}` : ''}`,
      ),
      '',
    ].join('\n');

    await mkdir(dir, { recursive: true });
    const base = safeLogName(this.jobId);
    const files = { jsonPath: join(dir, `${base}.json`), logPath: join(dir, `${base}.log`) };
    await writeFileAtomic(files.jsonPath, scrub(JSON.stringify(doc, null, 2)), 0o600);
    await writeFileAtomic(files.logPath, scrub(text), 0o600);
    return files;
  }
}
