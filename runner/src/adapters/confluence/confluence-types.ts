/** The Confluence port of the runner: pages in storage format, through REST v2. */

export interface ConfluencePage {
  id: string;
  title: string;
  spaceId: string | null;
  status: string;
  /** Version number; an update must send this + 1. */
  version: number;
  /** Body in storage format (XHTML). */
  storage: string;
  /** Absolute link to the page when the server gave one. */
  webUrl: string | null;
}

export type PageMutation = (storage: string, page: ConfluencePage) => string | Promise<string>;

export interface UpdatePageOptions {
  /** Version message shown in the page history. */
  message?: string;
  /** New title; default keeps the current one. */
  title?: string;
  /** How many times a version conflict (409) is met by re-reading and re-applying. Default 5. */
  maxConflictRetries?: number;
}

export interface UpdatePageResult {
  page: ConfluencePage;
  /** False when the mutation left the page as it was (nothing was written). */
  changed: boolean;
  /** Read-mutate-write rounds used (1 unless a conflict happened). */
  rounds: number;
}

export interface ConfluenceClient {
  /** Accepts a page id or any URL form resolvePageId accepts. */
  getPage(idOrUrl: string): Promise<ConfluencePage>;
  /**
   * Read, apply `mutate` to the storage body, write version + 1. On 409 (someone saved in between) the
   * page is read again and `mutate` re-applied, so `mutate` must be a pure function of its input.
   */
  updatePage(idOrUrl: string, mutate: PageMutation, opts?: UpdatePageOptions): Promise<UpdatePageResult>;
  /** Page id from an id or a page URL; invalid_input (before any request) when there is none. */
  resolvePageId(ref: string): Promise<string>;
}
