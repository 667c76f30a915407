/**
 * Previews that can be applied as reviewed. A dry-run job that completes leaves a preview: its input, a
 * hash of what it would create, and the model's answers. Applying names the preview (and the hash the
 * reviewer saw); the apply job first rebuilds the preview with the same answers and refuses when the result
 * differs (the issues, pages or settings it was built from changed), then writes exactly that.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { AppError, notFound } from '../errors.js';
import type { LlmExchange } from './job-llm.js';

export interface PreviewRecord {
  preview_id: string;
  tenant: string;
  job_type: string;
  /** The dry run's validated input (`dry_run: true`). */
  input: Record<string, unknown>;
  ticket_keys: string[];
  preview_hash: string;
  preview_job_id: string;
  requested_by: string;
  created_at: string;
  expires_at: string;
  llm: LlmExchange[];
}

/** What a job result says about its preview. */
export interface PreviewRef {
  preview_id: string;
  preview_hash: string;
  expires_at: string;
}

/** Seen ids are remembered this much longer than the preview, so an expired one is told from an unknown one. */
const TOMBSTONE_SECONDS = 7 * 24 * 3600;

/** Result fields that differ between two runs of the same preview without changing what would be written. */
const VOLATILE = new Set(['llm_usage', 'preview', 'applied_preview']);

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value as Record<string, unknown>)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});

/**
 * What a preview shows, for job types whose dry run also reports its own side effects. A PRD sync preview
 * writes markers into the page, so a second dry run reports other write-back details: the rows and the
 * page version they were read from (after the preview's own markers) are what was reviewed.
 */
const SHOWN: Record<string, (result: Obj) => unknown> = {
  prd_story_sync: (r) => ({
    epic_key: r.epic_key,
    project_key: r.project_key,
    existing_ticket_action: r.existing_ticket_action,
    section: r.section,
    halt_reason: r.halt_reason,
    page: { id: obj(r.page).id, version: obj(r.write_back).version ?? obj(r.page).version },
    rows: (Array.isArray(r.rows) ? r.rows : []).map((row) => {
      const { outcome: _o, write_back: _w, ...shown } = obj(row);
      return shown;
    }),
  }),
};

/** SHA-256 of what a dry run of `jobType` shows (key order and run-specific fields aside). */
export function previewHash(jobType: string, result: unknown): string {
  const r = obj(result);
  const shown =
    SHOWN[jobType]?.(r) ?? Object.fromEntries(Object.entries(r).filter(([k]) => !VOLATILE.has(k)));
  return createHash('sha256')
    .update(JSON.stringify(canonical(shown)))
    .digest('hex');
}

/** Job types whose dry runs can be applied: those whose request has `dry_run`. */
export const isPreview = (input: Record<string, unknown>): boolean => input.dry_run === true;

export class PreviewStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlSeconds: number,
  ) {}

  private key = (id: string) => `${this.prefix}:preview:${id}`;
  private seenKey = (id: string) => `${this.prefix}:preview-seen:${id}`;
  private appliedKey = (id: string) => `${this.prefix}:preview-applied:${id}`;

  /** Keeps a completed dry run as a preview; its id and hash go into the job's result. */
  async save(
    record: Omit<PreviewRecord, 'preview_id' | 'created_at' | 'expires_at' | 'preview_hash'>,
    result: unknown,
  ): Promise<PreviewRef> {
    const now = Date.now();
    const full: PreviewRecord = {
      ...record,
      preview_id: randomUUID(),
      preview_hash: previewHash(record.job_type, result),
      created_at: new Date(now).toISOString(),
      expires_at: new Date(now + this.ttlSeconds * 1000).toISOString(),
    };
    await this.redis
      .multi()
      .set(this.key(full.preview_id), JSON.stringify(full), 'EX', this.ttlSeconds)
      .set(this.seenKey(full.preview_id), full.tenant, 'EX', this.ttlSeconds + TOMBSTONE_SECONDS)
      .exec();
    return { preview_id: full.preview_id, preview_hash: full.preview_hash, expires_at: full.expires_at };
  }

  /** The tenant's preview; 404 when unknown (or another tenant's), 409 `preview_expired` when it lapsed. */
  async require(id: string, tenant: string): Promise<PreviewRecord> {
    const [raw, seenBy] = await Promise.all([this.redis.get(this.key(id)), this.redis.get(this.seenKey(id))]);
    const record = raw ? (JSON.parse(raw) as PreviewRecord) : null;
    if ((record ? record.tenant : seenBy) !== tenant) throw notFound(`preview ${id}`);
    if (!record) {
      throw new AppError(409, 'preview_expired', 'this preview has expired: preview again, then apply', {
        field: 'preview_id',
      });
    }
    return record;
  }

  /** The preview, if it still exists (for the apply job, which checks the tenant through its own record). */
  async find(id: string): Promise<PreviewRecord | null> {
    const raw = await this.redis.get(this.key(id));
    return raw ? (JSON.parse(raw) as PreviewRecord) : null;
  }

  /**
   * Reserves the preview for one apply (a second click, or a retried request, must not apply it twice).
   * Returns a claim token, or throws 409 `preview_applied` with the job that applied it.
   */
  async claim(id: string): Promise<string> {
    const token = `claim:${randomUUID()}`;
    const ttl = this.ttlSeconds + TOMBSTONE_SECONDS;
    if (await this.redis.set(this.appliedKey(id), token, 'EX', ttl, 'NX')) return token;
    const by = await this.redis.get(this.appliedKey(id));
    throw new AppError(409, 'preview_applied', 'this preview has already been applied', {
      field: 'preview_id',
      ...(by && !by.startsWith('claim:') ? { existing_job_id: by } : {}),
    });
  }

  /** The job that applied the preview, if any. */
  async appliedBy(id: string): Promise<string | null> {
    const by = await this.redis.get(this.appliedKey(id));
    return by && !by.startsWith('claim:') ? by : null;
  }

  /** Records the job that applies the preview, or frees the claim when no job could be queued. */
  async settle(id: string, token: string, jobId: string | null): Promise<void> {
    if ((await this.redis.get(this.appliedKey(id))) !== token) return;
    if (jobId) await this.redis.set(this.appliedKey(id), jobId, 'KEEPTTL');
    else await this.redis.del(this.appliedKey(id));
  }
}
