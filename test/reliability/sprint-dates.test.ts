/**
 * Issue 18 #3: an invalid sprint date is a 400 naming the field, never a 500, and an impossible calendar date
 * (30 February) is refused instead of being sent to Jira.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runner } from '../../runner/src/server.js';
import { type Emulator, startEmulator } from '../emulator/index.js';
import { api, cleanPrefix, testEnv, withRunner } from '../helpers/runner.js';
import { MANUAL_BOARD, sprintSeed } from '../sprint/seed.js';

let emu: Emulator;
let runner: Runner;
let prefix: string;
let c: ReturnType<typeof api>;

beforeAll(async () => {
  emu = await startEmulator({ seed: sprintSeed() });
  const { email, apiToken } = emu.credentials.admin;
  const env = testEnv({
    JIRA_SERVER_URL: emu.url,
    JIRA_USERNAME: email,
    JIRA_API_TOKEN: apiToken,
    CONFLUENCE_SERVER_URL: `${emu.url}/wiki`,
  });
  prefix = env.QUEUE_PREFIX;
  runner = await withRunner(env, { role: 'api' });
  c = api(runner);
});
afterAll(async () => {
  await runner?.stop();
  await emu?.close();
  await cleanPrefix(prefix);
});

const BAD_DATES: [string, string][] = [
  ['a word', 'tomorrow'],
  ['empty', ''],
  ['blank', '   '],
  ['hour 25', '2027-01-04T25:00:00Z'],
  ['minute 61', '2027-01-04T10:61:00Z'],
  ['30 February', '2027-02-30'],
  ['29 February of a common year', '2027-02-29'],
  ['31 April', '2027-04-31T09:00:00Z'],
  ['month 13', '2027-13-01'],
  ['day 0', '2027-01-00'],
  ['unicode digits', '２０２７-０１-０４'],
  ['emoji', '2027-01-04📅'],
  ['a 300 kB string', `2027-01-04${'x'.repeat(300_000)}`],
  ['date-time without a time', '2027-01-04T'],
  ['offset out of range', '2027-01-04T10:00:00+25:00'],
];

describe('sprint dates', () => {
  for (const field of ['start_date', 'end_date'] as const) {
    for (const [what, value] of BAD_DATES) {
      it(`POST /sprint/create refuses ${field} ${what} with a 400 naming the field`, async () => {
        const r = await c.post('/sprint/create', {
          board_id: MANUAL_BOARD,
          name: 'Bad date',
          [field]: value,
        });
        expect(r.status, r.text.slice(0, 300)).toBe(400);
        expect(r.body.error.code).toBe('validation_error');
        expect(r.body.error.details.field).toBe(field);
      });
      it(`PUT /sprint/{id} refuses ${field} ${what} with a 400 naming the field`, async () => {
        const r = await c.call('PUT', '/sprint/1', { [field]: value });
        expect(r.status, r.text.slice(0, 300)).toBe(400);
        expect(r.body.error.details.field).toBe(field);
      });
    }
  }

  it('reports a bad field even when the other date is fine, and checks the order only of valid dates', async () => {
    const bad = await c.post('/sprint/create', {
      board_id: MANUAL_BOARD,
      name: 'Bad end',
      start_date: '2027-01-04',
      end_date: 'next friday',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.field).toBe('end_date');
    const reversed = await c.post('/sprint/create', {
      board_id: MANUAL_BOARD,
      name: 'Reversed',
      start_date: '2027-01-18',
      end_date: '2027-01-04',
    });
    expect(reversed.status).toBe(400);
    expect(reversed.body.error.details.field).toBe('end_date');
  });

  it('accepts real dates and date-times, leap days included', async () => {
    for (const [start, end] of [
      ['2028-02-29', '2028-03-10'],
      ['2027-01-04T08:30:00Z', '2027-01-15T17:00:00.000+02:00'],
      ['2027-01-04T08:30Z', '2027-01-15'],
    ]) {
      const r = await c.post('/sprint/create', {
        board_id: MANUAL_BOARD,
        name: 'Good dates',
        start_date: start,
        end_date: end,
      });
      expect(r.status, r.text).toBe(200);
      expect(r.body.action).toBe('would_create');
      expect(Date.parse(r.body.sprint.start_date)).not.toBeNaN();
    }
    const leap = await c.post('/sprint/create', {
      board_id: MANUAL_BOARD,
      name: 'Leap',
      start_date: '2028-02-29',
    });
    expect(leap.body.sprint.start_date).toBe('2028-02-29T09:00:00.000Z');
  });
});
