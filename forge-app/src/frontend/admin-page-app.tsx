/** Jira admin page: is the runner reachable, who is on the team with what capacity, which LLM to use. */
import { isTeamLevel, isTeamRole, TEAM_LEVELS, TEAM_ROLES } from '@augment/shared/core';
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
import type { AdminApi, AppFailure, LlmSettings, RunnerIdentity, TeamMember } from '../types';
import { FailureMessage } from './components/failure-message';
import { createCaller } from './lib/call';
import { isRecord, text } from './lib/format';

const call = createCaller<AdminApi>();

type Provider = NonNullable<LlmSettings['provider']>;
const PROVIDERS: Provider[] = ['openai', 'claude', 'gemini', 'kimi', 'rules'];
const DEFAULT = '__runner_default__';

/** Models per provider from GET /models (`providers: [{ provider, model, configured }]`, or lists). */
function modelsByProvider(data: unknown): Map<string, { models: string[]; configured?: boolean }> {
  const out = new Map<string, { models: string[]; configured?: boolean }>();
  const add = (name: string, models: string[], configured?: boolean) => {
    if (!name) return;
    const entry = out.get(name) ?? { models: [] };
    for (const m of models) if (m && !entry.models.includes(m)) entry.models.push(m);
    if (configured !== undefined) entry.configured = (entry.configured ?? false) || configured;
    out.set(name, entry);
  };
  const names = (v: unknown) =>
    Array.isArray(v) ? v.map((m) => (isRecord(m) ? text(m.id ?? m.name) : text(m))) : [];
  const list = isRecord(data) ? data.providers : data;
  if (Array.isArray(list)) {
    for (const p of list) {
      if (!isRecord(p)) continue;
      const models = [...names(p.models), ...(typeof p.model === 'string' ? [p.model] : [])];
      add(
        text(p.provider ?? p.name ?? p.id),
        models,
        typeof p.configured === 'boolean' ? p.configured : undefined,
      );
    }
  } else if (isRecord(list)) {
    for (const [name, v] of Object.entries(list)) add(name, names(isRecord(v) ? v.models : v));
  }
  return out;
}

const emptyMember = { id: '', name: '', email: '', role: '', level: '', teamId: '', capacity: '' };
type MemberForm = typeof emptyMember;

/** The member to send, or what is missing. */
function readMember(form: MemberForm): TeamMember | string {
  if (form.name.trim() === '') return 'Name is required.';
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(form.email.trim())) return 'Email is required.';
  if (!isTeamRole(form.role)) return 'Choose a role.';
  const teamId = form.teamId.trim() === '' ? null : Number(form.teamId);
  if (teamId !== null && !(Number.isInteger(teamId) && teamId > 0)) return 'Team id is a whole number.';
  const capacity = form.capacity.trim() === '' ? undefined : Number(form.capacity);
  if (capacity !== undefined && !(capacity >= 0 && capacity <= 60)) return 'Days per sprint is 0 to 60.';
  return {
    ...(form.id ? { id: Number(form.id) } : {}),
    name: form.name.trim(),
    email: form.email.trim(),
    role: form.role,
    ...(isTeamLevel(form.level) ? { level: form.level } : {}),
    ...(teamId === null ? {} : { team_id: teamId }),
    ...(capacity === undefined ? {} : { capacity_days_per_sprint: capacity }),
  };
}

function RunnerCheck() {
  const [result, setResult] = useState<{ whoami: RunnerIdentity; latencyMs: number } | null>(null);
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

  const who = result?.whoami;
  // Jobs call Jira back with the app system token; without it the runner can only preview nothing.
  const complete = who?.kind === 'forge' && who.system_token;
  return (
    <Stack space="space.100">
      <Heading size="small">Runner</Heading>
      <Text>
        Augment calls the runner at the remote URL set when the app was deployed (AUGMENT_RUNNER_URL). This
        check makes a signed call, as every action does.
      </Text>
      {who ? (
        <Stack space="space.050">
          <Inline space="space.100" alignBlock="center">
            <Lozenge appearance={complete ? 'success' : 'moved'}>
              {complete ? 'Connected' : 'Connected without the app token'}
            </Lozenge>
            <Text>{`Answered in ${result.latencyMs} ms, version ${text(who.version)}`}</Text>
          </Inline>
          <Text>{`The runner accepted this app (${text(who.app_id)}) for this site (${text(who.tenant)}), acting for you as ${text(who.actor)}.`}</Text>
          {complete ? null : (
            <Text>
              The runner did not receive the app system token, so jobs cannot read or write Jira: check that
              the manifest's runner remote has auth.appSystemToken enabled.
            </Text>
          )}
        </Stack>
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
      if (p === 'rules') return { label: 'rules (no model: the rule-based engine)', value: p };
      const configured = models.get(p)?.configured;
      return { label: configured === false ? `${p} (no API key on the runner)` : p, value: p };
    }),
  ];
  const modelOptions = (models.get(provider)?.models ?? []).map((m) => ({ label: m, value: m }));

  return (
    <Stack space="space.100">
      <Heading size="small">LLM provider and model</Heading>
      <Text>
        Used for descriptions, tasks, plans and PRD sync started from Jira and Confluence on this site (the
        runner keeps it per site).
      </Text>
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
      {provider !== DEFAULT && provider !== 'rules' ? (
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

  const member = readMember(form);

  async function save() {
    if (typeof member === 'string') return;
    setBusy(true);
    const res = await call('saveMember', { member });
    setBusy(false);
    if (!res.ok) {
      setFailure(res.error);
      return;
    }
    setFailure(null);
    setForm(emptyMember);
    await load();
  }

  async function remove(id: number) {
    const res = await call('deleteMember', { id });
    if (!res.ok) {
      setFailure(res.error);
      return;
    }
    setFailure(null);
    await load();
  }

  const choice = (key: 'role' | 'level', label: string, values: readonly string[]) => {
    const options = values.map((v) => ({ label: v, value: v }));
    return (
      <Stack space="space.050">
        <Label labelFor={`member-${key}`}>{label}</Label>
        <Select
          id={`member-${key}`}
          name={`member-${key}`}
          options={options}
          value={options.find((o) => o.value === form[key]) ?? null}
          onChange={(o: { value: string } | null) => setForm((f) => ({ ...f, [key]: o?.value ?? '' }))}
        />
      </Stack>
    );
  };
  const field = (key: 'name' | 'email' | 'teamId' | 'capacity', label: string, type?: 'number') => (
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
            cells: ['Name', 'Role', 'Level', 'Team', 'Days per sprint', ''].map((c, i) => ({
              key: `h${i}`,
              content: c,
            })),
          }}
          rows={members.map((m, i) => ({
            key: `m${text(m.id) || i}`,
            cells: [
              { key: 'n', content: text(m.name) },
              { key: 'r', content: text(m.role) },
              { key: 'l', content: text(m.level) },
              { key: 't', content: text(m.team_id) },
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
                            email: text(m.email),
                            role: text(m.role),
                            level: text(m.level),
                            teamId: text(m.team_id),
                            capacity: text(m.capacity_days_per_sprint),
                          })
                        }
                      >
                        {`Edit ${text(m.name)}`}
                      </Button>
                      <Button appearance="subtle" onClick={() => remove(m.id as number)}>
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
      {field('email', 'Email')}
      {choice('role', 'Role', TEAM_ROLES)}
      {choice('level', 'Level (sets the default capacity)', TEAM_LEVELS)}
      {field('teamId', 'Team id (optional)', 'number')}
      {field('capacity', 'Days per sprint (optional: default by level)', 'number')}
      {typeof member === 'string' && form.name !== '' ? <Text>{member}</Text> : null}
      {failure ? <FailureMessage failure={failure} /> : null}
      <Inline space="space.100">
        <LoadingButton
          appearance="primary"
          isLoading={busy}
          isDisabled={typeof member === 'string'}
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
