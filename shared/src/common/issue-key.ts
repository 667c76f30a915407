/**
 * Jira keys, the one rule every part of Augment reads them by. A project key is an upper-case letter
 * followed by upper-case letters, digits or underscores (Jira's rule: Jira Cloud keeps keys to 10
 * characters, a Data Center site may allow up to 255); an issue key is `<PROJECT>-<number>`, the number
 * from 1 without leading zeros. Jira shows and stores keys in upper case, so lower case is not a key here
 * (Jira's own lookups forgive it; Augment's inputs do not, so one key has one spelling everywhere).
 * No dependencies: the Forge bundles import this through `@augment/shared/core`.
 */

/** Source of a project key pattern, for building larger expressions. */
export const PROJECT_KEY_SOURCE = '[A-Z][A-Z0-9_]{0,254}';
/** Source of an issue key pattern (no anchors), for building larger expressions. */
export const ISSUE_KEY_SOURCE = `${PROJECT_KEY_SOURCE}-[1-9][0-9]{0,9}`;

/** A whole string that is a project key, e.g. `PROJ`. */
export const PROJECT_KEY = new RegExp(`^${PROJECT_KEY_SOURCE}$`);
/** A whole string that is an issue key, e.g. `PROJ-123`. */
export const ISSUE_KEY = new RegExp(`^${ISSUE_KEY_SOURCE}$`);

export function isProjectKey(value: unknown): value is string {
  return typeof value === 'string' && PROJECT_KEY.test(value);
}

export function isIssueKey(value: unknown): value is string {
  return typeof value === 'string' && ISSUE_KEY.test(value);
}
