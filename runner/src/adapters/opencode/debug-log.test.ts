import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConversationLog } from './debug-log.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'augment-debuglog-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('ConversationLog', () => {
  it('writes {job_id}.json and {job_id}.log in the documented shapes, with secrets redacted', async () => {
    let t = Date.UTC(2024, 0, 1, 12, 0, 0);
    const log = new ConversationLog(
      'job/7',
      'Break down PROJ-1 using key sk-live-secret-99',
      ['sk-live-secret-99'],
      () => t,
    );
    t += 1123;
    log.record({
      type: 'message.part.updated',
      properties: { part: { type: 'text', text: 'Reading the code' } },
    });
    t += 500;
    log.record({
      type: 'session.error',
      properties: { error: { name: 'ApiError', data: { message: 'Bearer abcdefghijklmnop rejected' } } },
    });
    t += 1000;
    const files = await log.write(join(dir, 'logs'), { status: 'failed', error: 'boom' });

    expect(files.jsonPath).toBe(join(dir, 'logs', 'job_7.json'));
    const doc = JSON.parse(readFileSync(files.jsonPath, 'utf8'));
    expect(doc).toMatchObject({
      job_id: 'job/7',
      start_time: '2024-01-01T12:00:00.000Z',
      end_time: '2024-01-01T12:00:02.623Z',
      duration_seconds: 2.623,
      status: 'failed',
      prompt: 'Break down PROJ-1 using key [REDACTED]',
    });
    expect(doc.events).toHaveLength(2);
    expect(doc.events[0]).toMatchObject({
      timestamp: 1704110401.123,
      event_type: 'message.part.updated',
      data: 'Reading the code',
    });
    expect(doc.events[0].raw_event.type).toBe('message.part.updated');

    const text = readFileSync(files.logPath, 'utf8');
    expect(text).toContain('OpenCode Conversation Log - Job: job/7');
    expect(text).toContain('Duration: 2.623s');
    expect(text).toContain('[2024-01-01 12:00:01.123] [message.part.updated] Reading the code');
    for (const body of [text, readFileSync(files.jsonPath, 'utf8')]) {
      expect(body).not.toContain('sk-live-secret-99');
      expect(body).not.toContain('abcdefghijklmnop');
    }
  });
});
