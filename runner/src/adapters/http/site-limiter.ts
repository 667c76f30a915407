/**
 * One concurrency limit per Atlassian site, shared by every client of that site in the process, so that
 * parallel jobs against the same site do not add up to a burst that trips its rate limit.
 */
import pLimit, { type LimitFunction } from 'p-limit';

export class SiteLimiters {
  readonly #limits = new Map<string, LimitFunction>();

  /** The limiter of `siteKey`; a later call with another concurrency re-sizes it. */
  get(siteKey: string, concurrency: number): LimitFunction {
    const existing = this.#limits.get(siteKey);
    if (existing) {
      if (existing.concurrency !== concurrency) existing.concurrency = concurrency;
      return existing;
    }
    const created = pLimit(concurrency);
    this.#limits.set(siteKey, created);
    return created;
  }
}

/** The process-wide registry used when a caller does not bring its own. */
export const defaultSiteLimiters = new SiteLimiters();
