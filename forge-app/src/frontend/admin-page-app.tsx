/** Jira admin page: is the runner reachable, who is on the team with what capacity, which LLM to use. */
import {
  Button,
  DynamicTable,
  Heading,
  Inline,
  Label,
  LoadingButton,
  Lozenge,
  SectionMessage,
  Select,
  Stack,
  Text,
  Textfield,
} from '@forge/react';
import { useCallback, useEffect, useState } from 'react';
import type { AdminApi, AppFailure, LlmSettings, TeamMember } from '../types.js';
import { FailureMessage } from './components/failure-message.js';
import { createCaller } from './lib/call.js';
import { isRecord, text } from './lib/format.js';

const call = createCaller<AdminApi>();

type Provider = NonNullable<LlmSettings['provider']>;
const PROVIDERS: Provider[] = ['openai', 'claude', 'gemini', 'kimi'];
const DEFAULT = '__runner_default__';

/** Models per provider from GET /models, whichever of the usual shapes the runner uses. */
function modelsByProvider(data: unknown): Map<string, { models: string[]; configured?: boolean }> {
  const out = new Map<string, { models: string[]; configured?: boolean }>();
  const names = (v: unknown) =>
    Array.isArray(v) ? v.map((m) => (isRecord(m) ? text(m.id ?? m.name) : text(m))) : [];
  const list = isRecord(data) ? data.providers : data;
  if (Array.isArray(list)) {
    for (const p of list) {
      if (!isRecord(p)) continue;
      const name = text(p.name ?? p.provider ?? p.id);
      if (name)
        out.set(name, {
          models: names(p.models),
          configured: typeof p.configured === 'boolean' ? p.configured : undefined,
        });
    }
  } else if (isRecord(list)) {
    for (const [name, v] of Object.entries(list)) {
      out.set(name, { models: names(isRecord(v) ? v.models : v) });
    }
  }
  return out;
}

const emptyMember = { id: '', name: '', role: '', team: '', capacity: '' };

function RunnerCheck() {
  const [result, setResult] = useState<{ health: unknown; latencyMs: number } | null>(null);
  const [failure, setFailure] = useState<AppFailure | null>(null);
  const [busy, setBusy] = useState(false);

  const check = useCallback(async () => {
    setBusy(true);
    const res = await call('checkRunner', {});
    setBusy(false);
    if (res.ok) {
      setResult(res.data);
      setFailure(null);
    } else {
      setResult(null);
      setFailure(res.error);
    }
  }, []);

  useEffect(() => {
    void check();
  }, [check]);

  const health = isRecord(result?.health) ? result.health : {};
  const status = text(health.status ?? 'ok');
  const healthy = ['ok', 'healthy', 'up'].includes(status.toLowerCase());
  return (
    <Stack space="space.100">
      <Heading size="small">Runner</Heading>
      <Text>Augment calls the runner at the remote URL set in the app manifest (remotes: runner).</Text>
      {result ? (
        <Inline space="space.100" alignBlock="center">
          <Lozenge appearance={healthy ? 'success' : 'moved'}>
            {healthy ? 'Reachable' : `Status: ${status}`}
          </Lozenge>
          <Text>{`Answered in ${result.latencyMs} ms${health.version ? `, version ${text(health.version)}` : ''}`}</Text>
        </Inline>
      ) : null}
      {failure ? <FailureMessage failure={failure} /> : null}
      <Inline space="space.100">
        <LoadingButton isLoading={busy} onClick={check}>
          Check runner
        </LoadingButton>
      </Inline>
    </Stack>
  );
}

function LlmChoice() {
  const [models, setModels] = useState<Map<string, { models: string[]; configured?: boolean }>>(new Map());
  const [provider, setProvider] = useState<string>(DEFAULT);
  const [model, setModel] = useState('');
  const [failure, setFailure] = useState<AppFailure | null>(null);
  const [saved, setSaved] = useState<LlmSettings | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    void (async () => {
      const [settings, listed] = await Promise.all([call('getSettings', {}), call('listModels', {})]);
      if (settings.ok) {
        setProvider(settings.data.provider ?? DEFAULT);
        setModel(settings.data.model ?? '');
        setSaved(settings.data);
      } else setFailure(settings.error);
      if (listed.ok) setModels(modelsByProvider(listed.data));
      else setFailure(listed.error);
    })();
  }, []);

  async function save() {
    setBusy(true);
    const chosen = provider === DEFAULT ? null : (provider as Provider);
    const res = await call('saveSettings', { provider: chosen, model: chosen ? model : null });
    setBusy(false);
    if (res.ok) {
      setSaved(res.data);
      setFailure(null);
    } else setFailure(res.error);
  }

  const providerOptions = [
    { label: 'Runner default', value: DEFAULT },
    ...PROVIDERS.map((p) => {
      const configured = models.get(p)?.configured;
      return { label: configured === false ? `${p} (no API key on the runner)` : p, value: p };
    }),
  ];
  const modelOptions = (models.get(provider)?.models ?? []).map((m) => ({ label: m, value: m }));

  return (
    <Stack space="space.100">
      <Heading size="small">LLM provider and model</Heading>
      <Text>Used for descriptions, tasks and PRD sync started from Jira and Confluence.</Text>
      <Label labelFor="provider">Provider</Label>
      <Select
        id="provider"
        name="provider"
        options={providerOptions}
        value={providerOptions.find((o) => o.value === provider)}
        onChange={(o: { value: string } | null) => {
          setProvider(o?.value ?? DEFAULT);
          setModel('');
        }}
      />
      {provider !== DEFAULT ? (
        <>
          <Label labelFor="model">Model</Label>
          {modelOptions.length > 0 ? (
            <Select
              id="model"
              name="model"
              options={modelOptions}
              value={modelOptions.find((o) => o.value === model)}
              onChange={(o: { value: string } | null) => setModel(o?.value ?? '')}
            />
          ) : (
            <Textfield
              id="model"
              name="model"
              value={model}
              onChange={(e) => setModel(String(e.target.value ?? ''))}
            />
          )}
        </>
      ) : null}
      {failure ? <FailureMessage failure={failure} /> : null}
      {saved ? (
        <Text>{`Saved: ${saved.provider ? `${saved.provider}${saved.model ? ` / ${saved.model}` : ''}` : 'runner default'}`}</Text>
      ) : null}
      <Inline space="space.100">
        <LoadingButton appearance="primary" isLoading={busy} onClick={save}>
          Save LLM choice
        </LoadingButton>
      </Inline>
    </Stack>
  );
}

function TeamMembers() {
  const [members, setMembers] = useState<TeamMember[] | null>(null);
  const [form, setForm] = useState(emptyMember);
  const [failure, setFailure] = useState<AppFailure | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    const res = await call('listMembers', {});
    if (res.ok) setMembers(res.data);
    else setFailure(res.error);
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  async function save() {
    setBusy(true);
    const capacity = form.capacity.trim() === '' ? undefined : Number(form.capacity);
    const res = await call('saveMember', {
      member: {
        ...(form.id ? { id: form.id } : {}),
        name: form.name,
        role: form.role,
        team: form.team,
        ...(capacity === undefined ? {} : { capacity_days_per_sprint: capacity }),
      },
    });
    setBusy(false);
    if (!res.ok) {
      setFailure(res.error);
      return;
    }
    setFailure(null);
    setForm(emptyMember);
    await load();
  }

  async function remove(id: number | string) {
    const res = await call('deleteMember', { id });
    if (!res.ok) {
      setFailure(res.error);
      return;
    }
    setFailure(null);
    await load();
  }

  const field = (key: keyof typeof emptyMember, label: string, type?: 'number') => (
    <Stack space="space.050">
      <Label labelFor={`member-${key}`}>{label}</Label>
      <Textfield
        id={`member-${key}`}
        name={`member-${key}`}
        type={type}
        value={form[key]}
        onChange={(e) => setForm((f) => ({ ...f, [key]: String(e.target.value ?? '') }))}
      />
    </Stack>
  );

  return (
    <Stack space="space.100">
      <Heading size="small">Team members and capacity</Heading>
      <Text>Sprint planning uses each member's days per sprint, summed per team.</Text>
      {members === null && !failure ? <Text>Loading team members…</Text> : null}
      {members ? (
        <DynamicTable
          caption={`${members.length} team member(s)`}
          head={{
            cells: ['Name', 'Role', 'Team', 'Days per sprint', ''].map((c, i) => ({
              key: `h${i}`,
              content: c,
            })),
          }}
          rows={members.map((m, i) => ({
            key: `m${text(m.id) || i}`,
            cells: [
              { key: 'n', content: text(m.name) },
              { key: 'r', content: text(m.role) },
              { key: 't', content: text(m.team) },
              { key: 'c', content: text(m.capacity_days_per_sprint) },
              {
                key: 'a',
                content:
                  m.id === undefined ? (
                    ''
                  ) : (
                    <Inline space="space.050">
                      <Button
                        appearance="subtle"
                        onClick={() =>
                          setForm({
                            id: text(m.id),
                            name: text(m.name),
                            role: text(m.role),
                            team: text(m.team),
                            capacity: text(m.capacity_days_per_sprint),
                          })
                        }
                      >
                        {`Edit ${text(m.name)}`}
                      </Button>
                      <Button appearance="subtle" onClick={() => remove(m.id as number | string)}>
                        {`Remove ${text(m.name)}`}
                      </Button>
                    </Inline>
                  ),
              },
            ],
          }))}
        />
      ) : null}
      <Heading size="xsmall">{form.id ? `Edit ${form.name}` : 'Add a team member'}</Heading>
      {field('name', 'Name')}
      {field('role', 'Role (backend, frontend, qa, …)')}
      {field('team', 'Team')}
      {field('capacity', 'Days per sprint', 'number')}
      {failure ? <FailureMessage failure={failure} /> : null}
      <Inline space="space.100">
        <LoadingButton
          appearance="primary"
          isLoading={busy}
          isDisabled={form.name.trim() === ''}
          onClick={save}
        >
          {form.id ? 'Save member' : 'Add member'}
        </LoadingButton>
        {form.id ? (
          <Button appearance="subtle" onClick={() => setForm(emptyMember)}>
            Cancel edit
          </Button>
        ) : null}
      </Inline>
    </Stack>
  );
}

export function AdminPageApp() {
  return (
    <Stack space="space.400">
      <SectionMessage appearance="information" title="Augment settings">
        <Text>These settings apply to every project on this site.</Text>
      </SectionMessage>
      <RunnerCheck />
      <LlmChoice />
      <TeamMembers />
    </Stack>
  );
}
