/**
 * Custom field ids differ per site ("Story Points" is customfield_10016 on one, 10026 on another), so
 * fields are configured by display name and resolved through GET /rest/api/3/field, once per client.
 */
export interface JiraFieldInfo {
  id: string;
  name: string;
  custom: boolean;
  /** schema.type: string, number, array, option, any... */
  type: string | null;
  /** schema.custom, e.g. com.atlassian.jira.plugin.system.customfieldtypes:url */
  customType: string | null;
}

interface RawField {
  id?: string;
  name?: string;
  custom?: boolean;
  schema?: { type?: string; custom?: string };
}

export function toFieldInfo(raw: RawField): JiraFieldInfo | null {
  if (!raw.id || !raw.name) return null;
  return {
    id: raw.id,
    name: raw.name,
    custom: raw.custom === true,
    type: raw.schema?.type ?? null,
    customType: raw.schema?.custom ?? null,
  };
}

export class FieldCatalog {
  #loading: Promise<JiraFieldInfo[]> | undefined;

  constructor(private readonly load: () => Promise<JiraFieldInfo[]>) {}

  all(): Promise<JiraFieldInfo[]> {
    if (!this.#loading) {
      this.#loading = this.load();
      // A failed load must not poison the cache: the next call asks again.
      this.#loading.catch(() => {
        this.#loading = undefined;
      });
    }
    return this.#loading;
  }

  /** A field by id (customfield_10016, summary) or by display name (case-insensitive). */
  async find(nameOrId: string): Promise<JiraFieldInfo | undefined> {
    const fields = await this.all();
    const byId = fields.find((f) => f.id === nameOrId);
    if (byId) return byId;
    const wanted = nameOrId.trim().toLowerCase();
    // Prefer custom fields: a site may have a system field with the same display name.
    return (
      fields.find((f) => f.custom && f.name.toLowerCase() === wanted) ??
      fields.find((f) => f.name.toLowerCase() === wanted)
    );
  }

  async findFirst(names: readonly string[]): Promise<JiraFieldInfo | undefined> {
    for (const n of names) {
      const f = await this.find(n);
      if (f) return f;
    }
    return undefined;
  }
}

/** Whether a field takes rich text (ADF) in REST v3 rather than a plain string. */
export function isRichTextField(f: JiraFieldInfo): boolean {
  return f.customType !== null && /:textarea$/.test(f.customType);
}
