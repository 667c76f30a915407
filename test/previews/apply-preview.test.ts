/**
 * Previews applied as reviewed, end to end: runner + queue + real Redis + the emulator, with a model that
 * answers differently every time it is asked. Applying a preview creates exactly what the preview showed
 * (the model is not asked again), or refuses: 409 when the preview expired, is not the one reviewed or was
 * applied already, and a failed job writing nothing when the issue it was built from changed.
 */

import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markdownToAdf } from '../../runner/src/adapters/jira/adf.js';
import { DEMO_PRD_PAGE_ID, demoSeed } from '../emulator/index.js';
import { startForgeJwks, TEST_APP_UUID } from '../helpers/forge-jwks.js';
import { api, cleanPrefix, REDIS_URL } from '../helpers/runner.js';
import { adfText, childrenIn, finished, type Harness, startHarness } from '../planning/helpers.js';
import { schemaOf, taskPlanFor } from '../planning/llm-stand-in.js';
import { type RecordedRequest, type StubReply, type StubServer, startOpenAiStub } from '../stubs/index.js';

let h: Harness;
let stub: StubServer;
let jwks: Awaited<ReturnType<typeof startForgeJwks>>;
let answer = 0;

/** Every answer is new: "Version 1", "Version 2", ... so a second generation never matches the first. */
function changingModel(r: RecordedRequest): StubReply {
  answer += 1;
  switch (schemaOf(r)) {
    case 'ticket_description':
      return {
        json: {
          summary: 'Guest checkout',
          description_markdown: `## Context\nVersion ${answer} of the description.\n\n## Scope\n- Guest payment`,
          acceptance_criteria: [`Given a guest, when paying (version ${answer}), then the order is placed`],
          technical_notes: [`Note ${answer}`],
        },
      };
    case 'story_task_plan': {
      const plan = taskPlanFor('DEMO-3', `saved cards v${answer}`, ['Cards are saved'], false);
      return { json: plan };
    }
    case 'cross_story_dependencies':
      return { json: { dependencies: [] } };
    default:
      return { status: 500 };
  }
}

beforeAll(async () => {
  stub = await startOpenAiStub({ responder: changingModel });
  jwks = await startForgeJwks();
  h = await startHarness(demoSeed(), {
    LLM_PROVIDER: 'openai',
    OPENAI_API_KEY: 'sk-test-previews',
    OPENAI_BASE_URL: stub.baseUrl,
    FORGE_APP_ID: TEST_APP_UUID,
    FORGE_JWKS_URL: jwks.url,
  });
}, 60_000);
afterAll(async () => {
  await h?.runner.stop();
  await h?.emu.close();
  await stub?.close();
  await jwks?.close();
  if (h) await cleanPrefix(h.prefix);
});

async function preview(path: string, body: Record<string, unknown>) {
  const res = await h.client.post(path, { ...body, async_mode: true });
  expect(res.status, res.text).toBe(202);
  const view = await finished(h, res.body.job_id);
  expect(view.status, view.error).toBe('completed');
  expect(view.result.preview).toMatchObject({
    preview_id: expect.any(String),
    preview_hash: expect.stringMatching(/^[a-f0-9]{64}$/),
    expires_at: expect.any(String),
  });
  return view.result;
}
const apply = (id: string, hash: string) => h.client.post(`/previews/${id}/apply`, { preview_hash: hash });
const descriptionOf = (key: string) => adfText(h.emu.state.issues.get(key)!.description);

describe('applying a preview', () => {
  it('writes exactly the previewed description, without asking the model again', async () => {
    const shown = await preview('/generate/single', { ticket_key: 'DEMO-2' });
    expect(shown.description_markdown).toContain('Version 1 of the description');
    const asked = stub.requests.length;

    const res = await apply(shown.preview.preview_id, shown.preview.preview_hash);
    expect(res.status, res.text).toBe(202);
    const done = await finished(h, res.body.job_id);

    expect(done.status, done.error).toBe('completed');
    expect(done.dry_run).toBe(false);
    expect(done.result).toMatchObject({
      status: 'updated',
      description_markdown: shown.description_markdown,
      applied_preview: { preview_id: shown.preview.preview_id, preview_hash: shown.preview.preview_hash },
    });
    expect(descriptionOf('DEMO-2')).toContain('Version 1 of the description');
    expect(stub.requests.length).toBe(asked);
  });

  it('creates exactly the previewed tasks and links', async () => {
    const shown = await preview('/plan/tasks/team-based', { story_keys: ['DEMO-3'] });
    const summaries = (shown.task_details as { summary: string }[]).map((t) => t.summary);
    expect(summaries.length).toBeGreaterThan(0);
    const before = childrenIn(h, 'DEMO-3').map((i) => i.key);

    const res = await apply(shown.preview.preview_id, shown.preview.preview_hash);
    expect(res.status, res.text).toBe(202);
    const done = await finished(h, res.body.job_id);

    expect(done.status, done.error).toBe('completed');
    const created = childrenIn(h, 'DEMO-3').filter((i) => !before.includes(i.key));
    expect(created.map((i) => i.summary).sort()).toEqual([...summaries].sort());
    expect(done.result.relationships).toEqual(shown.relationships);
  });

  it.each([
    ['/plan/epic/complete', { epic_key: 'DEMO-1' }],
    [
      '/sprint/plan/epic',
      { epic_key: 'DEMO-1', board_id: 1, start_date: '2027-01-04', sprint_capacity_days: 10 },
    ],
    ['/sprint/timeline', { epic_key: 'DEMO-1', start_date: '2027-01-04', team_capacity_days: 10 }],
    ['/plan/stories/sync-from-prd', { epic_key: 'DEMO-1' }],
  ])('applies a preview of %s as it was shown', async (path, body) => {
    const shown = await preview(path, body);
    const res = await apply(shown.preview.preview_id, shown.preview.preview_hash);
    expect(res.status, res.text).toBe(202);
    const done = await finished(h, res.body.job_id);
    expect(done.status, done.error).toBe('completed');
    expect(done.dry_run).toBe(false);
    expect(done.result.applied_preview.preview_id).toBe(shown.preview.preview_id);
  });

  it('refuses a hash other than the preview’s, and a second apply, with 409', async () => {
    const shown = await preview('/generate/single', { ticket_key: 'DEMO-4' });
    const other = await apply(shown.preview.preview_id, 'f'.repeat(64));
    expect(other.status).toBe(409);
    expect(other.body.error).toMatchObject({ code: 'preview_changed', details: { field: 'preview_hash' } });

    const first = await apply(shown.preview.preview_id, shown.preview.preview_hash);
    expect(first.status).toBe(202);
    const second = await apply(shown.preview.preview_id, shown.preview.preview_hash);
    expect(second.status).toBe(409);
    expect(second.body.error).toMatchObject({
      code: 'preview_applied',
      details: { existing_job_id: first.body.job_id },
    });
    await finished(h, first.body.job_id);
  });

  it('refuses an expired preview with 409 and an unknown one with 404', async () => {
    const shown = await preview('/generate/single', { ticket_key: 'DEMO-2' });
    const redis = new Redis(REDIS_URL);
    // What Redis does when the preview's TTL runs out.
    await redis.del(`${h.prefix}:preview:${shown.preview.preview_id}`);
    await redis.quit();

    const expired = await apply(shown.preview.preview_id, shown.preview.preview_hash);
    expect(expired.status).toBe(409);
    expect(expired.body.error.code).toBe('preview_expired');
    const unknown = await apply('00000000-0000-4000-8000-000000000000', shown.preview.preview_hash);
    expect(unknown.status).toBe(404);
  });

  it('writes nothing when the issue changed since the preview, and says to preview again', async () => {
    const shown = await preview('/generate/single', { ticket_key: 'DEMO-2' });
    const before = descriptionOf('DEMO-2');
    h.emu.state.issues.get('DEMO-2')!.description = markdownToAdf('Guests pay without an account; edited.');
    const edited = descriptionOf('DEMO-2');
    expect(edited).not.toBe(before);

    const res = await apply(shown.preview.preview_id, shown.preview.preview_hash);
    expect(res.status).toBe(202);
    const done = await finished(h, res.body.job_id);

    expect(done.status).toBe('failed');
    expect(done.error).toMatch(/^preview_stale: /);
    expect(descriptionOf('DEMO-2')).toBe(edited);
  });

  it('writes nothing into the PRD or Jira when someone saved the page since the preview', async () => {
    const shown = await preview('/plan/stories/sync-from-prd', {
      epic_key: 'DEMO-1',
      existing_ticket_action: 'update',
    });
    const page = h.emu.state.pages.get(DEMO_PRD_PAGE_ID)!;
    // Someone edits the page (a new version) after the preview was shown.
    page.storage = page.storage.replace('</table>', '</table><p>Edited after the preview.</p>');
    page.version += 1;
    const seen = h.emu.state.requests.length;

    const res = await apply(shown.preview.preview_id, shown.preview.preview_hash);
    const done = await finished(h, res.body.job_id);

    expect(done.status).toBe('failed');
    expect(done.error).toMatch(/^preview_stale: /);
    const writes = h.emu.state.requests
      .slice(seen)
      .filter((r) => r.method !== 'GET' && !r.path.endsWith('/search/jql'));
    expect(writes.map((r) => `${r.method} ${r.path}`)).toEqual([]);
    expect(h.emu.state.pages.get(DEMO_PRD_PAGE_ID)!.version).toBe(page.version);
  });

  it('keeps a preview to the site that made it', async () => {
    const shown = await preview('/generate/single', { ticket_key: 'DEMO-3' });
    const token = await jwks.sign({ apiBaseUrl: `${h.emu.url}/ex/jira/other-site` });
    const site = api(h.runner, token);
    expect((await site.get(`/previews/${shown.preview.preview_id}`)).status).toBe(404);
    expect(
      (
        await site.post(`/previews/${shown.preview.preview_id}/apply`, {
          preview_hash: shown.preview.preview_hash,
        })
      ).status,
    ).toBe(404);
    expect((await h.client.get(`/previews/${shown.preview.preview_id}`)).body).toMatchObject({
      job_type: 'single',
      ticket_keys: ['DEMO-3'],
      applied_by_job_id: null,
    });
  });
});
