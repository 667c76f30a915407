/** The emulator's own promises: real request shapes in, Jira/Confluence answers out, faults on demand. */
import { Version3Client } from 'jira.js';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeTinyId } from '../../runner/src/adapters/confluence/page-ref.js';
import { runEmulatorCli } from './cli.js';
import { tinyId } from './confluence.js';
import { demoSeed, type Emulator, startEmulator } from './index.js';

let emu: Emulator;
afterEach(async () => {
  await emu?.close();
});

function v3(e: Emulator, token?: string) {
  const { admin } = e.credentials;
  return new Version3Client({
    host: e.url,
    authentication: { basic: { email: admin.email, apiToken: token ?? admin.apiToken } },
  });
}

describe('emulator', () => {
  it('starts on a free port with one call and stops cleanly', async () => {
    emu = await startEmulator();
    const other = await startEmulator();
    try {
      expect(emu.port).not.toBe(other.port);
      expect(emu.url).toBe(`http://127.0.0.1:${emu.port}`);
      expect((await v3(emu).myself.getCurrentUser()).emailAddress).toBe('admin@example.com');
    } finally {
      await other.close();
    }
  });

  it('answers 401 without valid credentials', async () => {
    emu = await startEmulator({ seed: demoSeed() });
    await expect(v3(emu, 'wrong').issues.getIssue({ issueIdOrKey: 'DEMO-1' })).rejects.toMatchObject({
      status: 401,
    });
    expect(emu.state.requests.at(-1)).toMatchObject({ status: 401 });
  });

  it('refuses a v3 description that is not ADF and the removed search API, as Jira does', async () => {
    emu = await startEmulator({ seed: demoSeed() });
    const client = v3(emu);
    const created = client.sendRequest<unknown>(
      {
        url: '/rest/api/3/issue',
        method: 'POST',
        data: {
          fields: {
            project: { key: 'DEMO' },
            issuetype: { name: 'Story' },
            summary: 'x',
            description: 'plain',
          },
        },
      },
      undefined as never,
    );
    await expect(created).rejects.toMatchObject({
      status: 400,
      response: { data: { errors: { description: expect.stringContaining('Atlassian Document') } } },
    });
    await expect(client.issueSearch.searchForIssuesUsingJql({ jql: 'project = DEMO' })).rejects.toMatchObject(
      { status: 410 },
    );
  });

  it('enforces the issue hierarchy and required fields on create', async () => {
    emu = await startEmulator({ seed: demoSeed() });
    const client = v3(emu);
    await expect(
      client.issues.createIssue({
        fields: {
          project: { key: 'DEMO' },
          issuetype: { name: 'Story' },
          summary: 'x',
          parent: { key: 'DEMO-2' },
        },
      }),
    ).rejects.toMatchObject({
      status: 400,
      response: { data: { errors: { parent: expect.stringContaining('hierarchy') } } },
    });
    await expect(
      client.issues.createIssue({
        fields: { project: { key: 'DEMO' }, issuetype: { name: 'Saga' }, summary: 'x' },
      }),
    ).rejects.toMatchObject({
      status: 400,
      response: { data: { errors: { issuetype: 'The issue type selected is invalid.' } } },
    });
  });

  it('decides probabilistic faults from its seed, so a run can be replayed', async () => {
    const pattern = async (seed: number) => {
      const e = await startEmulator({
        seed: demoSeed(),
        randomSeed: seed,
        faults: [{ probability: 0.5, fault: { type: 'status', status: 503 } }],
      });
      const client = v3(e);
      const out: boolean[] = [];
      for (let i = 0; i < 20; i++) {
        out.push(
          await client.issues.getIssue({ issueIdOrKey: 'DEMO-1' }).then(
            () => true,
            () => false,
          ),
        );
      }
      await e.close();
      return out;
    };
    const a = await pattern(3);
    expect(await pattern(3)).toEqual(a);
    expect(a.filter(Boolean).length).toBeGreaterThan(0);
    expect(a.filter((x) => !x).length).toBeGreaterThan(0);
  });

  it('limits a rule to its count and its method and path', async () => {
    emu = await startEmulator({
      seed: demoSeed(),
      faults: [
        { method: 'GET', path: '/rest/api/3/issue/DEMO-2', count: 2, fault: { type: 'status', status: 500 } },
      ],
    });
    const client = v3(emu);
    const tries = [];
    for (let i = 0; i < 3; i++)
      tries.push(
        await client.issues.getIssue({ issueIdOrKey: 'DEMO-2' }).then(
          () => 'ok',
          (e) => e.status,
        ),
      );
    expect(tries).toEqual([500, 500, 'ok']);
    expect((await client.issues.getIssue({ issueIdOrKey: 'DEMO-3' })).key).toBe('DEMO-3');
  });

  it('encodes tiny links the way the runner decodes them', () => {
    for (const id of ['1', '1001', '201819180', '4294967296', '98765432101'])
      expect(decodeTinyId(tinyId(id))).toBe(id);
  });

  it('runEmulatorCli prints the URL, both accounts and the runner settings', async () => {
    const lines: string[] = [];
    emu = await runEmulatorCli(0, { print: (l) => lines.push(l) });
    const text = lines.join('\n');
    expect(text).toContain(emu.url);
    expect(text).toContain(`JIRA_SERVER_URL=${emu.url}`);
    expect(text).toContain('admin@example.com / emulator-api-token');
    expect(text).toContain('reader@example.com');
    expect(emu.state.issues.get('DEMO-1')?.custom.customfield_10050).toBe(
      `${emu.url}/wiki/spaces/DEMO/pages/1001/Checkout+revamp+PRD`,
    );
  });
});
