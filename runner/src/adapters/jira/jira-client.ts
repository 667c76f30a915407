/**
 * JiraClient over jira.js 5 (Version3Client + AgileClient). Every request goes through the call runner
 * (site concurrency limit, retries, error mapping); every create has a find-first variant.
 */
import { isIssueKey } from '@augment/shared';
import { AgileClient, type Config, Version3Client } from 'jira.js';
import { type AtlassianAuth, authSecrets, checkAuth, jiraBaseUrl, siteKey } from '../http/atlassian-auth.js';
import { AtlassianError, type CallContext } from '../http/atlassian-error.js';
import { type AdapterLogger, type CallRunner, type CallSpec, createCallRunner } from '../http/call-runner.js';
import { backoffDelay, type RetryOptions, resolveRetryOptions } from '../http/retry.js';
import { defaultSiteLimiters, type SiteLimiters } from '../http/site-limiter.js';
import { adfToText, extractUrl, isAdfDocument, linkParagraph, markdownToAdf } from './adf.js';
import { IDEMPOTENCY_PROPERTY, idempotencyLabel, jqlString, markerMatches } from './idempotency.js';
import { toJiraError } from './jira-errors.js';
import { FieldCatalog, isRichTextField, type JiraFieldInfo, toFieldInfo } from './jira-fields.js';
import {
  type BlocksLink,
  type CreatedIssue,
  type CreatedOnce,
  DEFAULT_FIELD_NAMES,
  type IssuePatch,
  type JiraBoard,
  type JiraClient,
  type JiraFieldNames,
  type JiraFieldNamesInput,
  type JiraIssue,
  type JiraSprint,
  type NewIssue,
  type NewSprint,
  type SearchOptions,
  type SprintPatch,
  type SprintState,
} from './jira-types.js';

export interface JiraClientOptions {
  fieldNames?: Partial<JiraFieldNamesInput>;
  retry?: Partial<RetryOptions>;
  /** Requests in flight at once per site (shared with Confluence of the same site). Default 4. */
  maxConcurrency?: number;
  /** Per-request timeout. Default 30 s. */
  timeoutMs?: number;
  log?: AdapterLogger;
  limiters?: SiteLimiters;
  /** Name of the link type used for dependencies. Default "Blocks". */
  blocksLinkType?: string;
}

/** Jira's limit for bulk create and for moving issues to a sprint or the backlog. */
export const JIRA_BATCH_LIMIT = 50;

const BASE_FIELDS = [
  'summary',
  'description',
  'issuetype',
  'project',
  'status',
  'labels',
  'parent',
  'issuelinks',
  'timetracking',
  'timeoriginalestimate',
  'assignee',
  'created',
  'updated',
];

const ISSUE_ID = /^\d+$/;

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function assertIssueKey(key: string): void {
  // Keys follow Jira's rule (upper-case project key, see @augment/shared issue-key.ts); ids are digits.
  if (typeof key !== 'string' || !(isIssueKey(key) || ISSUE_ID.test(key))) {
    throw new AtlassianError({
      service: 'jira',
      upstreamStatus: 0,
      code: 'invalid_input',
      message: `Malformed Jira issue key ${JSON.stringify(key)}: expected PROJECT-123 (upper-case project key)`,
    });
  }
}

function invalid(message: string): AtlassianError {
  return new AtlassianError({ service: 'jira', upstreamStatus: 0, code: 'invalid_input', message });
}

type Raw = Record<string, unknown>;
const obj = (v: unknown): Raw => (v && typeof v === 'object' ? (v as Raw) : {});
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

interface ResolvedFields {
  prd?: JiraFieldInfo;
  rfc?: JiraFieldInfo;
  storyPoints?: JiraFieldInfo;
  sprint?: JiraFieldInfo;
}

export class JsJiraClient implements JiraClient {
  readonly #v3: Version3Client;
  readonly #agile: AgileClient;
  readonly #call: CallRunner;
  readonly #retry: RetryOptions;
  readonly #fields: FieldCatalog;
  readonly #names: JiraFieldNames;
  readonly #log: AdapterLogger | undefined;
  readonly #linkType: string;

  constructor(auth: AtlassianAuth, opts: JiraClientOptions = {}) {
    const common = { host: jiraBaseUrl(auth), baseRequestConfig: { timeout: opts.timeoutMs ?? 30_000 } };
    // A bare access token with a host is sent as "Bearer <token>" by jira.js, with no OAuth refresh logic.
    const config: Config =
      auth.kind === 'basic'
        ? { ...common, authentication: { basic: { email: auth.email, apiToken: auth.apiToken } } }
        : { ...common, authentication: { oauth2: { accessToken: auth.systemToken } } };
    this.#v3 = new Version3Client(config);
    this.#agile = new AgileClient(config);
    this.#retry = resolveRetryOptions(opts.retry);
    this.#log = opts.log;
    this.#names = resolveFieldNames(opts.fieldNames);
    this.#linkType = opts.blocksLinkType ?? 'Blocks';
    this.#call = createCallRunner({
      service: 'jira',
      retry: this.#retry,
      limit: (opts.limiters ?? defaultSiteLimiters).get(siteKey(auth), opts.maxConcurrency ?? 4),
      secrets: authSecrets(auth),
      log: opts.log,
      toError: toJiraError,
    });
    this.#fields = new FieldCatalog(async () => {
      const raw = await this.#call({ action: 'list Jira fields', idempotent: true }, () =>
        this.#v3.issueFields.getFields(),
      );
      return (raw as unknown as Raw[])
        .map((r) => toFieldInfo(r))
        .filter((f): f is JiraFieldInfo => f !== null);
    });
  }

  // ---- fields -------------------------------------------------------------------------------------

  async #resolved(): Promise<ResolvedFields> {
    const n = this.#names;
    return {
      prd: await this.#fields.find(n.prdUrl),
      rfc: await this.#fields.find(n.rfcUrl),
      storyPoints: await this.#fields.findFirst(n.storyPoints),
      sprint: await this.#fields.find(n.sprint),
    };
  }

  async #fieldList(extra?: string[]): Promise<string[]> {
    const r = await this.#resolved();
    const ids = [r.prd, r.rfc, r.storyPoints, r.sprint].flatMap((f) => (f ? [f.id] : []));
    const extraIds: string[] = [];
    for (const e of extra ?? []) extraIds.push((await this.#fields.find(e))?.id ?? e);
    return [...new Set([...BASE_FIELDS, ...ids, ...extraIds])];
  }

  async #requireField(name: string, what: string): Promise<JiraFieldInfo> {
    const f = await this.#fields.find(name);
    if (!f)
      throw invalid(`Jira has no field named "${name}" (the ${what} field); check the configured field name`);
    return f;
  }

  #toIssue(raw: unknown, r: ResolvedFields): JiraIssue {
    const issue = obj(raw);
    const f = obj(issue.fields);
    const key = str(issue.key) ?? '';
    const description = isAdfDocument(f.description) ? f.description : null;
    const status = obj(f.status);
    const parent = obj(f.parent);
    const assignee = f.assignee ? obj(f.assignee) : null;
    const tt = obj(f.timetracking);
    const sprints = r.sprint ? f[r.sprint.id] : undefined;
    return {
      id: str(issue.id) ?? '',
      key,
      summary: str(f.summary) ?? '',
      description,
      descriptionText: description ? adfToText(description) : (str(f.description) ?? ''),
      issueType: str(obj(f.issuetype).name) ?? '',
      projectKey: str(obj(f.project).key) ?? key.replace(/-\d+$/, ''),
      status: str(status.name) ?? '',
      statusCategory: str(obj(status.statusCategory).key),
      labels: Array.isArray(f.labels) ? f.labels.filter((l): l is string => typeof l === 'string') : [],
      parentKey: str(parent.key),
      assignee: assignee
        ? { accountId: str(assignee.accountId) ?? '', displayName: str(assignee.displayName) ?? '' }
        : null,
      prdUrl: r.prd ? extractUrl(f[r.prd.id]) : null,
      rfcUrl: r.rfc ? extractUrl(f[r.rfc.id]) : null,
      storyPoints: r.storyPoints ? num(f[r.storyPoints.id]) : null,
      originalEstimateSeconds: num(tt.originalEstimateSeconds) ?? num(f.timeoriginalestimate),
      blocks: Array.isArray(f.issuelinks) ? this.#blocksOf(key, f.issuelinks) : [],
      sprintIds: Array.isArray(sprints)
        ? sprints.map((s) => num(obj(s).id)).filter((id): id is number => id !== null)
        : [],
      created: str(f.created),
      updated: str(f.updated),
      fields: f,
    };
  }

  /**
   * On an issue's own view, the other issue of a link appears under the role it had when the link was
   * created: `inwardIssue` = the blocker of this issue, `outwardIssue` = an issue this one blocks.
   */
  #blocksOf(key: string, links: unknown[]): BlocksLink[] {
    const out: BlocksLink[] = [];
    for (const l of links.map(obj)) {
      if (str(obj(l.type).name)?.toLowerCase() !== this.#linkType.toLowerCase()) continue;
      const id = str(l.id) ?? '';
      const inward = str(obj(l.inwardIssue).key);
      const outward = str(obj(l.outwardIssue).key);
      if (inward) out.push({ id, blocker: inward, blocked: key });
      else if (outward) out.push({ id, blocker: key, blocked: outward });
    }
    return out;
  }

  async #buildFields(input: Partial<NewIssue>, creating: boolean): Promise<Raw> {
    const fields: Raw = {};
    if (creating) {
      if (!input.projectKey) throw invalid('A new Jira issue needs a project key');
      if (!input.issueType) throw invalid('A new Jira issue needs an issue type');
      if (!input.summary?.trim()) throw invalid('A new Jira issue needs a summary');
      fields.project = { key: input.projectKey };
      fields.issuetype = { name: input.issueType };
    }
    if (input.summary !== undefined) {
      // Jira refuses summaries with line breaks or over 255 characters.
      fields.summary = input.summary.replace(/\s*\n\s*/g, ' ').slice(0, 255);
    }
    if (input.descriptionAdf) fields.description = input.descriptionAdf;
    else if (input.description !== undefined) fields.description = markdownToAdf(input.description);
    if (input.parentKey) {
      assertIssueKey(input.parentKey);
      fields.parent = { key: input.parentKey };
    }
    if (input.labels) fields.labels = [...new Set(input.labels)];
    if (input.originalEstimate) fields.timetracking = { originalEstimate: input.originalEstimate };
    if (input.storyPoints !== undefined) {
      const f = await this.#fields.findFirst(this.#names.storyPoints);
      if (!f) throw invalid(`Jira has no story points field (tried ${this.#names.storyPoints.join(', ')})`);
      fields[f.id] = input.storyPoints;
    }
    for (const [name, value, what] of [
      [this.#names.prdUrl, input.prdUrl, 'PRD'],
      [this.#names.rfcUrl, input.rfcUrl, 'RFC'],
    ] as const) {
      if (value === undefined) continue;
      const f = await this.#requireField(name, what);
      fields[f.id] = isRichTextField(f) ? linkParagraph(value) : value;
    }
    for (const [name, value] of Object.entries(input.extraFields ?? {})) {
      const f = await this.#requireField(name, name);
      fields[f.id] = value;
    }
    return fields;
  }

  #run<T>(spec: CallSpec, send: () => Promise<T>): Promise<T> {
    return this.#call(spec, send);
  }

  /**
   * Find-then-create, repeated while a create ends ambiguously (5xx, dropped connection): the next
   * round's find sees the issue if the server did create it, so nothing is created twice.
   */
  async #once<T>(
    what: string,
    find: () => Promise<T | null>,
    create: () => Promise<T>,
  ): Promise<{ value: T; created: boolean }> {
    // After a create whose answer was lost, what the check finds is what that create made: this call's.
    let sent = false;
    for (let round = 1; ; round++) {
      const found = await find();
      if (found !== null) return { value: found, created: sent };
      sent = true;
      try {
        return { value: await create(), created: true };
      } catch (err) {
        if (!(err instanceof AtlassianError && err.ambiguous) || round >= this.#retry.maxAttempts) throw err;
        const delayMs = backoffDelay(round, this.#retry, err.retryAfterMs);
        this.#log?.warn(
          { service: 'jira', action: what, round, delayMs, code: err.code },
          'create outcome unknown, checking before retrying',
        );
        await this.#retry.sleep(delayMs);
      }
    }
  }

  // ---- issues -------------------------------------------------------------------------------------

  async getIssue(key: string, opts: { fields?: string[] } = {}): Promise<JiraIssue> {
    assertIssueKey(key);
    const fields = await this.#fieldList(opts.fields);
    const raw = await this.#run(
      {
        action: `read issue ${key}`,
        notFound: `Issue ${key} does not exist or is not visible to this account`,
        idempotent: true,
      },
      () => this.#v3.issues.getIssue({ issueIdOrKey: key, fields }),
    );
    return this.#toIssue(raw, await this.#resolved());
  }

  async searchJql(jql: string, opts: SearchOptions = {}): Promise<JiraIssue[]> {
    if (!jql.trim()) throw invalid('JQL must not be empty');
    const fields = await this.#fieldList(opts.fields);
    const r = await this.#resolved();
    const out: JiraIssue[] = [];
    const limit = opts.limit ?? Number.POSITIVE_INFINITY;
    let nextPageToken: string | undefined;
    do {
      const page = await this.#run({ action: 'search issues with JQL', idempotent: true }, () =>
        this.#v3.issueSearch.searchForIssuesUsingJqlEnhancedSearchPost({
          jql,
          nextPageToken,
          maxResults: Math.min(opts.pageSize ?? 100, limit - out.length),
          fields,
        }),
      );
      for (const raw of page.issues ?? []) out.push(this.#toIssue(raw, r));
      nextPageToken = page.nextPageToken ?? undefined;
    } while (nextPageToken && out.length < limit);
    return out.slice(0, Number.isFinite(limit) ? limit : undefined);
  }

  getEpicChildren(epicKey: string, opts?: SearchOptions): Promise<JiraIssue[]> {
    assertIssueKey(epicKey);
    return this.searchJql(`parent = ${epicKey} ORDER BY created ASC`, opts);
  }

  async #sendCreate(input: NewIssue, properties?: { key: string; value: unknown }[]): Promise<CreatedIssue> {
    const fields = await this.#buildFields(input, true);
    const res = await this.#run(
      {
        action: `create an issue in ${input.projectKey}`,
        notFound: `Project ${input.projectKey} or parent ${input.parentKey ?? ''} does not exist`.trim(),
        idempotent: false,
      },
      () =>
        this.#v3.issues.createIssue({
          fields: fields as Parameters<Version3Client['issues']['createIssue']>[0]['fields'],
          properties,
        }),
    );
    return { id: String(res.id), key: String(res.key) };
  }

  createIssue(input: NewIssue): Promise<CreatedIssue> {
    return this.#sendCreate(input);
  }

  async #bulk(
    inputs: NewIssue[],
    properties?: ({ key: string; value: unknown }[] | undefined)[],
  ): Promise<CreatedIssue[]> {
    const issueUpdates = await Promise.all(
      inputs.map(async (input, i) => ({
        fields: await this.#buildFields(input, true),
        ...(properties?.[i] ? { properties: properties[i] } : {}),
      })),
    );
    const res = await this.#run({ action: `create ${inputs.length} issues`, idempotent: false }, () =>
      this.#v3.issues.createIssues({ issueUpdates }),
    );
    const failed = new Set((res.errors ?? []).map((e) => e.failedElementNumber));
    const created = [...(res.issues ?? [])];
    const out: CreatedIssue[] = [];
    inputs.forEach((_, i) => {
      if (failed.has(i)) return;
      const c = created.shift();
      if (c) out[i] = { id: String(c.id), key: String(c.key) };
    });
    if (failed.size > 0) {
      const details = (res.errors ?? []).map((e) => {
        const msgs = [
          ...(e.elementErrors?.errorMessages ?? []),
          ...Object.entries(e.elementErrors?.errors ?? {}).map(([k, v]) => `${k}: ${v}`),
        ];
        const n = e.failedElementNumber ?? -1;
        return `issue ${n + 1} "${inputs[n]?.summary ?? '?'}": ${msgs.join('; ') || 'failed'}`;
      });
      throw new AtlassianError({
        service: 'jira',
        upstreamStatus: 400,
        code: 'bad_request',
        message: `Jira created ${inputs.length - failed.size} of ${inputs.length} issues; it rejected: ${details.join(' | ')}`,
        serverMessages: details,
      });
    }
    return out;
  }

  async createIssues(inputs: NewIssue[]): Promise<CreatedIssue[]> {
    const out: CreatedIssue[] = [];
    for (const part of chunk(inputs, JIRA_BATCH_LIMIT)) out.push(...(await this.#bulk(part)));
    return out;
  }

  async findByIdempotencyKey(idempotencyKey: string): Promise<CreatedIssue | null> {
    const found = await this.#findMarked([idempotencyKey]);
    return found.get(idempotencyKey) ?? null;
  }

  /** Issues carrying the markers of `keys`, oldest first when a marker was ever duplicated. */
  async #findMarked(keys: string[]): Promise<Map<string, CreatedIssue>> {
    const byLabel = new Map(keys.map((k) => [idempotencyLabel(k), k]));
    const out = new Map<string, CreatedIssue>();
    for (const labels of chunk([...byLabel.keys()], JIRA_BATCH_LIMIT)) {
      const jql = `labels in (${labels.map(jqlString).join(', ')}) ORDER BY created ASC`;
      let nextPageToken: string | undefined;
      do {
        const page = await this.#run({ action: 'look for issues created earlier', idempotent: true }, () =>
          this.#v3.issueSearch.searchForIssuesUsingJqlEnhancedSearchPost({
            jql,
            nextPageToken,
            maxResults: 100,
            fields: ['labels'],
            properties: [IDEMPOTENCY_PROPERTY],
          }),
        );
        for (const raw of page.issues ?? []) {
          const issue = obj(raw);
          const issueLabels = obj(issue.fields).labels;
          const marker = obj(issue.properties)[IDEMPOTENCY_PROPERTY];
          for (const label of Array.isArray(issueLabels) ? issueLabels : []) {
            const k = byLabel.get(label as string);
            if (!k || out.has(k) || markerMatches(marker, k) === false) continue;
            out.set(k, { id: String(issue.id), key: String(issue.key) });
          }
        }
        nextPageToken = page.nextPageToken ?? undefined;
      } while (nextPageToken);
    }
    return out;
  }

  #marked(
    input: NewIssue,
    idempotencyKey: string,
  ): { input: NewIssue; properties: { key: string; value: unknown }[] } {
    const label = idempotencyLabel(idempotencyKey);
    return {
      input: { ...input, labels: [...new Set([...(input.labels ?? []), label])] },
      properties: [{ key: IDEMPOTENCY_PROPERTY, value: { key: idempotencyKey } }],
    };
  }

  async createIssueOnce(input: NewIssue, idempotencyKey: string): Promise<CreatedOnce> {
    const marked = this.#marked(input, idempotencyKey);
    const { value, created } = await this.#once(
      `create issue "${input.summary}"`,
      () => this.findByIdempotencyKey(idempotencyKey),
      () => this.#sendCreate(marked.input, marked.properties),
    );
    return { ...value, created };
  }

  async createIssuesOnce(items: { input: NewIssue; idempotencyKey: string }[]): Promise<CreatedOnce[]> {
    const keys = items.map((i) => i.idempotencyKey);
    if (new Set(keys).size !== keys.length)
      throw invalid('Idempotency keys of one bulk create must be distinct');
    const results: CreatedOnce[] = new Array(items.length);
    for (const part of chunk(
      items.map((item, index) => ({ ...item, index })),
      JIRA_BATCH_LIMIT,
    )) {
      let missing = part;
      // Items of a bulk create whose answer was lost: found afterwards, they are this call's.
      const sent = new Set<string>();
      await this.#once(
        `create ${part.length} issues`,
        async () => {
          const found = await this.#findMarked(missing.map((m) => m.idempotencyKey));
          for (const m of missing) {
            const f = found.get(m.idempotencyKey);
            if (f) results[m.index] = { ...f, created: sent.has(m.idempotencyKey) };
          }
          missing = missing.filter((m) => !found.has(m.idempotencyKey));
          return missing.length === 0 ? true : null;
        },
        async () => {
          for (const m of missing) sent.add(m.idempotencyKey);
          const marked = missing.map((m) => this.#marked(m.input, m.idempotencyKey));
          const created = await this.#bulk(
            marked.map((m) => m.input),
            marked.map((m) => m.properties),
          );
          missing.forEach((m, i) => {
            const c = created[i];
            if (c) results[m.index] = { ...c, created: true };
          });
          return true;
        },
      );
    }
    return results;
  }

  async updateIssue(key: string, patch: IssuePatch): Promise<void> {
    assertIssueKey(key);
    const fields = await this.#buildFields(patch, false);
    const labelOps = [
      ...(patch.addLabels ?? []).map((l) => ({ add: l })),
      ...(patch.removeLabels ?? []).map((l) => ({ remove: l })),
    ];
    if (labelOps.length > 0 && patch.labels)
      throw invalid('Give either labels or addLabels/removeLabels, not both');
    await this.#run(
      {
        action: `update issue ${key}`,
        notFound: `Issue ${key} does not exist or is not visible to this account`,
        idempotent: true,
      },
      () =>
        this.#v3.issues.editIssue({
          issueIdOrKey: key,
          fields,
          ...(labelOps.length > 0 ? { update: { labels: labelOps } } : {}),
        }),
    );
  }

  // ---- links --------------------------------------------------------------------------------------

  async getBlocksLinks(key: string): Promise<BlocksLink[]> {
    assertIssueKey(key);
    const raw = await this.#run(
      {
        action: `read the links of ${key}`,
        notFound: `Issue ${key} does not exist or is not visible to this account`,
        idempotent: true,
      },
      () => this.#v3.issues.getIssue({ issueIdOrKey: key, fields: ['issuelinks'] }),
    );
    return this.#blocksOf(key, (obj(obj(raw).fields).issuelinks as unknown[] | undefined) ?? []);
  }

  async linkBlocks(blocker: string, blocked: string): Promise<void> {
    this.#checkLink(blocker, blocked);
    await this.#run(
      {
        action: `link ${blocker} blocks ${blocked}`,
        notFound: `Cannot link ${blocker} to ${blocked}: one of them does not exist or is not visible`,
        idempotent: false,
      },
      () =>
        this.#v3.issueLinks.linkIssues({
          type: { name: this.#linkType },
          inwardIssue: { key: blocker },
          outwardIssue: { key: blocked },
        }),
    );
  }

  #checkLink(blocker: string, blocked: string): void {
    assertIssueKey(blocker);
    assertIssueKey(blocked);
    if (blocker.toUpperCase() === blocked.toUpperCase())
      throw invalid(`An issue cannot block itself (${blocker})`);
  }

  async linkOnce(blocker: string, blocked: string): Promise<{ created: boolean }> {
    this.#checkLink(blocker, blocked);
    const { created } = await this.#once(
      `link ${blocker} blocks ${blocked}`,
      async () =>
        (await this.getBlocksLinks(blocked)).some((l) => l.blocker.toUpperCase() === blocker.toUpperCase())
          ? true
          : null,
      async () => {
        await this.linkBlocks(blocker, blocked);
        return true;
      },
    );
    return { created };
  }

  async deleteLink(linkId: string): Promise<void> {
    if (!/^\d+$/.test(linkId)) throw invalid(`Malformed Jira link id ${JSON.stringify(linkId)}`);
    try {
      await this.#run({ action: `delete link ${linkId}`, idempotent: true }, () =>
        this.#v3.issueLinks.deleteIssueLink({ linkId }),
      );
    } catch (err) {
      // Already gone (a retried delete whose first answer was lost): the goal is reached.
      if (!(err instanceof AtlassianError && err.code === 'not_found')) throw err;
    }
  }

  // ---- comments and properties -------------------------------------------------------------------

  async addComment(
    key: string,
    markdown: string,
    opts: { idempotencyKey?: string } = {},
  ): Promise<{ id: string; created: boolean }> {
    assertIssueKey(key);
    const ctx: CallContext = {
      action: `comment on ${key}`,
      notFound: `Issue ${key} does not exist or is not visible to this account`,
    };
    const send = async () => {
      const c = await this.#run({ ...ctx, idempotent: false }, () =>
        this.#v3.issueComments.addComment({
          issueIdOrKey: key,
          comment: markdownToAdf(markdown),
          ...(opts.idempotencyKey
            ? { properties: [{ key: IDEMPOTENCY_PROPERTY, value: { key: opts.idempotencyKey } }] }
            : {}),
        }),
      );
      return String(c.id);
    };
    const idemKey = opts.idempotencyKey;
    if (!idemKey) return { id: await send(), created: true };
    const { value, created } = await this.#once(
      ctx.action,
      async () => {
        for (let startAt = 0; ; ) {
          const page = await this.#run({ ...ctx, idempotent: true }, () =>
            this.#v3.issueComments.getComments({
              issueIdOrKey: key,
              startAt,
              maxResults: 100,
              expand: 'properties',
            }),
          );
          const comments = page.comments ?? [];
          for (const c of comments) {
            const marker = (c.properties ?? []).find((p) => p.key === IDEMPOTENCY_PROPERTY)?.value;
            if (markerMatches(marker, idemKey)) return String(c.id);
          }
          startAt += comments.length;
          if (comments.length === 0 || startAt >= (page.total ?? 0)) return null;
        }
      },
      send,
    );
    return { id: value, created };
  }

  async getIssueProperty<T = unknown>(key: string, property: string): Promise<T | null> {
    assertIssueKey(key);
    try {
      const res = await this.#run({ action: `read property ${property} of ${key}`, idempotent: true }, () =>
        this.#v3.issueProperties.getIssueProperty({ issueIdOrKey: key, propertyKey: property }),
      );
      return (res.value ?? null) as T | null;
    } catch (err) {
      if (err instanceof AtlassianError && err.code === 'not_found') {
        // Jira answers 404 both for a missing property and for a missing issue; only the first is "no value".
        if (!/issue does not exist/i.test(err.message)) return null;
        throw new AtlassianError({
          service: 'jira',
          upstreamStatus: 404,
          code: 'not_found',
          message: `Issue ${key} does not exist or is not visible to this account`,
          cause: err,
        });
      }
      throw err;
    }
  }

  async setIssueProperty(key: string, property: string, value: unknown): Promise<void> {
    assertIssueKey(key);
    await this.#run(
      {
        action: `set property ${property} of ${key}`,
        notFound: `Issue ${key} does not exist or is not visible to this account`,
        idempotent: true,
      },
      () =>
        this.#v3.issueProperties.setIssueProperty({
          issueIdOrKey: key,
          propertyKey: property,
          propertyValue: value,
        }),
    );
  }

  // ---- agile --------------------------------------------------------------------------------------

  async getBoards(opts: { projectKey?: string; name?: string } = {}): Promise<JiraBoard[]> {
    const out: JiraBoard[] = [];
    for (let startAt = 0; ; ) {
      const page = await this.#run({ action: 'list boards', idempotent: true }, () =>
        this.#agile.board.getAllBoards({
          startAt,
          maxResults: 50,
          projectKeyOrId: opts.projectKey,
          name: opts.name,
        }),
      );
      const values = page.values ?? [];
      for (const b of values) {
        out.push({
          id: Number(b.id),
          name: String(b.name ?? ''),
          type: String(b.type ?? ''),
          projectKey: str(obj(b.location).projectKey),
        });
      }
      startAt += values.length;
      if (page.isLast !== false || values.length === 0) return out;
    }
  }

  #toSprint(raw: unknown): JiraSprint {
    const s = obj(raw);
    return {
      id: Number(s.id),
      name: str(s.name) ?? '',
      state: (str(s.state) ?? 'future') as SprintState,
      boardId: num(s.originBoardId),
      startDate: str(s.startDate),
      endDate: str(s.endDate),
      completeDate: str(s.completeDate),
      goal: str(s.goal),
    };
  }

  async getBoardSprints(boardId: number, opts: { states?: SprintState[] } = {}): Promise<JiraSprint[]> {
    const out: JiraSprint[] = [];
    for (let startAt = 0; ; ) {
      const page = await this.#run(
        {
          action: `list the sprints of board ${boardId}`,
          notFound: `Board ${boardId} does not exist`,
          idempotent: true,
        },
        () =>
          this.#agile.board.getAllSprints({
            boardId,
            startAt,
            maxResults: 50,
            state: opts.states?.join(','),
          }),
      );
      const values = page.values ?? [];
      out.push(...values.map((v) => this.#toSprint(v)));
      startAt += values.length;
      if (page.isLast !== false || values.length === 0) return out;
    }
  }

  async getSprint(sprintId: number): Promise<JiraSprint> {
    const raw = await this.#run(
      { action: `read sprint ${sprintId}`, notFound: `Sprint ${sprintId} does not exist`, idempotent: true },
      () => this.#agile.sprint.getSprint({ sprintId }),
    );
    return this.#toSprint(raw);
  }

  async createSprint(input: NewSprint): Promise<JiraSprint> {
    if (!input.name.trim()) throw invalid('A sprint needs a name');
    const raw = await this.#run(
      {
        action: `create sprint "${input.name}" on board ${input.boardId}`,
        notFound: `Board ${input.boardId} does not exist`,
        idempotent: false,
      },
      () =>
        this.#agile.sprint.createSprint({
          name: input.name,
          originBoardId: input.boardId,
          startDate: input.startDate,
          endDate: input.endDate,
          goal: input.goal,
        }),
    );
    return this.#toSprint(raw);
  }

  async createSprintOnce(input: NewSprint): Promise<JiraSprint & { created: boolean }> {
    const { value, created } = await this.#once(
      `create sprint "${input.name}"`,
      async () => (await this.getBoardSprints(input.boardId)).find((s) => s.name === input.name) ?? null,
      () => this.createSprint(input),
    );
    return { ...value, created };
  }

  async updateSprint(sprintId: number, patch: SprintPatch): Promise<JiraSprint> {
    const raw = await this.#run(
      {
        action: `update sprint ${sprintId}`,
        notFound: `Sprint ${sprintId} does not exist`,
        idempotent: true,
      },
      () => this.#agile.sprint.partiallyUpdateSprint({ sprintId, ...patch }),
    );
    return this.#toSprint(raw);
  }

  async moveIssuesToSprint(sprintId: number, keys: string[]): Promise<void> {
    keys.forEach(assertIssueKey);
    for (const part of chunk([...new Set(keys)], JIRA_BATCH_LIMIT)) {
      await this.#run(
        {
          action: `move ${part.length} issues to sprint ${sprintId}`,
          notFound: `Sprint ${sprintId} does not exist`,
          idempotent: true,
        },
        () => this.#agile.sprint.moveIssuesToSprintAndRank({ sprintId, issues: part }),
      );
    }
  }

  async moveIssuesToBacklog(keys: string[]): Promise<void> {
    keys.forEach(assertIssueKey);
    for (const part of chunk([...new Set(keys)], JIRA_BATCH_LIMIT)) {
      await this.#run({ action: `move ${part.length} issues to the backlog`, idempotent: true }, () =>
        this.#agile.backlog.moveIssuesToBacklog({ issues: part }),
      );
    }
  }

  async getSprintIssues(sprintId: number, opts: SearchOptions = {}): Promise<JiraIssue[]> {
    const fields = await this.#fieldList(opts.fields);
    const r = await this.#resolved();
    const out: JiraIssue[] = [];
    const limit = opts.limit ?? Number.POSITIVE_INFINITY;
    for (let startAt = 0; out.length < limit; ) {
      const page = await this.#run(
        {
          action: `list the issues of sprint ${sprintId}`,
          notFound: `Sprint ${sprintId} does not exist`,
          idempotent: true,
        },
        () =>
          this.#agile.sprint.getIssuesForSprint({
            sprintId,
            startAt,
            maxResults: opts.pageSize ?? 50,
            fields,
          }),
      );
      const issues = page.issues ?? [];
      for (const raw of issues) out.push(this.#toIssue(raw, r));
      startAt += issues.length;
      if (issues.length === 0 || startAt >= (page.total ?? 0)) break;
    }
    return out.slice(0, Number.isFinite(limit) ? limit : undefined);
  }
}

export function resolveFieldNames(input: Partial<JiraFieldNamesInput> = {}): JiraFieldNames {
  const sp = input.storyPoints;
  const storyPoints =
    sp === undefined
      ? DEFAULT_FIELD_NAMES.storyPoints
      : Array.isArray(sp)
        ? sp
        : [...new Set([sp, ...DEFAULT_FIELD_NAMES.storyPoints])];
  return {
    prdUrl: input.prdUrl ?? DEFAULT_FIELD_NAMES.prdUrl,
    rfcUrl: input.rfcUrl ?? DEFAULT_FIELD_NAMES.rfcUrl,
    sprint: input.sprint ?? DEFAULT_FIELD_NAMES.sprint,
    storyPoints,
  };
}

export function createJiraClient(auth: AtlassianAuth, opts?: JiraClientOptions): JiraClient {
  return new JsJiraClient(checkAuth(auth, 'jira'), opts);
}
