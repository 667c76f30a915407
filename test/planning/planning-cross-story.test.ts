/**
 * The optional cross-story dependency pass: with a model and two stories, ONE extra call over all tasks
 * proposes links between stories; they go through the same validation as every other link (a link
 * closing a cycle is dropped and reported) and are created blocker-as-inwardIssue. No model, no call.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SeedData } from '../emulator/index.js';
import { cleanPrefix } from '../helpers/runner.js';
import type { RecordedRequest, StubReply } from '../stubs/index.js';
import { type StubServer, startOpenAiStub } from '../stubs/index.js';
import { blocksLinks, type Harness, startHarness } from './helpers.js';
import { schemaOf, taskPlanFor } from './llm-stand-in.js';

const seed = (p: string): SeedData => ({
  projects: [{ key: p, name: `Cross ${p}` }],
  issues: [
    { key: `${p}-1`, projectKey: p, issueType: 'Epic', summary: 'Invoicing', description: 'Invoices.' },
    {
      key: `${p}-2`,
      projectKey: p,
      issueType: 'Story',
      summary: 'Create invoices',
      description: 'As a finance manager I can create an invoice with line items.',
      parentKey: `${p}-1`,
    },
    {
      key: `${p}-3`,
      projectKey: p,
      issueType: 'Story',
      summary: 'Send invoices',
      description: 'As a finance manager I can email an invoice to a customer.',
      parentKey: `${p}-1`,
    },
  ],
});

const CROSS = 'cross_story_dependencies';

/** Task plans per story; the cross-story answer links the stories and adds a cycle-closing link. */
function responder(r: RecordedRequest): StubReply {
  const text = JSON.stringify(r.body?.messages ?? []);
  if (schemaOf(r) === 'story_task_plan') {
    const key = /Break story (\S+) into/.exec(text)?.[1] ?? 'UNKNOWN';
    return { json: taskPlanFor(key, key === 'XS-2' ? 'Create invoices' : 'Send invoices', [], false) };
  }
  if (schemaOf(r) === CROSS) {
    return {
      json: {
        dependencies: [
          { from: 'XS-2-backend-1', to: 'XS-3-backend-1', reason: 'sending reads the invoices API' },
          // XS-2 backend -> XS-3 backend -> screen -> QA, so QA of XS-3 cannot block XS-2's backend.
          { from: 'XS-3-qa-1', to: 'XS-2-backend-1', reason: 'wrong way round' },
          // Within one story: not this pass's to make, ignored.
          { from: 'XS-2-qa-1', to: 'XS-2-backend-1', reason: 'same story' },
        ],
      },
    };
  }
  return { status: 500 };
}

let stub: StubServer;
let h: Harness;
let plain: Harness;
const calls = (schema: string) => stub.requests.filter((r) => schemaOf(r) === schema);

beforeAll(async () => {
  stub = await startOpenAiStub({ responder });
  h = await startHarness(seed('XS'), {
    LLM_PROVIDER: 'openai',
    OPENAI_API_KEY: 'sk-test',
    OPENAI_BASE_URL: stub.baseUrl,
  });
  // A key but no provider chosen: the rules plan and nothing reaches the model.
  plain = await startHarness(seed('XS'), {
    LLM_PROVIDER: 'none',
    OPENAI_API_KEY: 'sk-test',
    OPENAI_BASE_URL: stub.baseUrl,
  });
});
afterAll(async () => {
  for (const x of [h, plain]) {
    await x?.runner.stop();
    await x?.emu.close();
    if (x) await cleanPrefix(x.prefix);
  }
  await stub?.close();
});

describe('cross-story dependency pass', () => {
  it('previews a link between stories from one extra call and drops the link that closes a cycle', async () => {
    const res = await h.client.post('/plan/tasks/generate', { story_keys: ['XS-2', 'XS-3'], dry_run: true });
    expect(res.status, res.text).toBe(200);
    const r = res.body.result;
    expect(calls('story_task_plan')).toHaveLength(2);
    expect(calls(CROSS)).toHaveLength(1);
    const prompt = JSON.stringify(calls(CROSS)[0]!.body.messages);
    expect(prompt).toContain('<tasks>');
    expect(prompt).toContain('XS-3-frontend-1 | XS-3 | frontend | Build the Send invoices screen');
    expect(r.relationships).toContainEqual(
      expect.objectContaining({ from: 'XS-2-backend-1', to: 'XS-3-backend-1' }),
    );
    expect(r.added_dependencies).toContainEqual(
      expect.objectContaining({ from: 'XS-2-backend-1', to: 'XS-3-backend-1' }),
    );
    expect(r.dropped_dependencies).toEqual([
      expect.objectContaining({
        from: 'XS-3-qa-1',
        to: 'XS-2-backend-1',
        reason: 'cycle',
        source: 'proposed',
      }),
    ]);
    expect(r.relationships).not.toContainEqual(
      expect.objectContaining({ from: 'XS-2-qa-1', to: 'XS-2-backend-1' }),
    );
    expect(r.warnings.join('\n')).toContain('XS-3-qa-1 -> XS-2-backend-1 dropped (cycle)');
  });

  it('creates the cross-story link with the blocker as inwardIssue, and a re-run asks nothing more', async () => {
    const before = calls(CROSS).length;
    const res = await h.client.post('/plan/tasks/generate', { story_keys: ['XS-2', 'XS-3'], dry_run: false });
    expect(res.status, res.text).toBe(200);
    expect(calls(CROSS)).toHaveLength(before + 1);
    const keyOf = new Map<string, string>(
      res.body.result.task_details.map((t: { id: string; jira_key: string }) => [t.id, t.jira_key]),
    );
    const blocker = keyOf.get('XS-2-backend-1')!;
    const blocked = keyOf.get('XS-3-backend-1')!;
    expect(blocksLinks(h).filter((l) => l.inward === blocker && l.outward === blocked)).toHaveLength(1);
    const links = blocksLinks(h).length;

    const again = await h.client.post('/plan/tasks/generate', {
      story_keys: ['XS-2', 'XS-3'],
      dry_run: false,
    });
    expect(again.status, again.text).toBe(200);
    expect(again.body.result.engine).toBe('stored');
    expect(calls(CROSS)).toHaveLength(before + 1);
    expect(again.body.result.relationships).toContainEqual(
      expect.objectContaining({ from: 'XS-2-backend-1', to: 'XS-3-backend-1' }),
    );
    expect(blocksLinks(h).length).toBe(links);
  });

  it('makes no model call at all when no provider is configured', async () => {
    const before = stub.requests.length;
    const res = await plain.client.post('/plan/tasks/generate', {
      story_keys: ['XS-2', 'XS-3'],
      dry_run: true,
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.result.engine).toBe('rules');
    expect(stub.requests.length).toBe(before);
  });
});
