/**
 * The calling user's own permissions, checked in code before any write: the runner writes with the app's
 * system token, so without these checks anyone who can view an issue or page could change it through
 * Augment. Jira: `POST /rest/api/3/permissions/check` as the user (project permissions on the issue,
 * global ADMINISTER); Confluence: `POST /wiki/rest/api/content/{id}/permission/check` for the user.
 * Every check fails closed: an answer that cannot be read refuses.
 */
import { isConsentError, ResolverFailure } from '../resolvers/define';

/** The parts of `@forge/api`'s `asUser().requestJira` / `requestConfluence` answer read here. */
export interface ProductResponse {
  ok: boolean;
  status: number;
  json(): Promise<unknown>;
}
export type ProductRequest = (
  path: string,
  init: { method: 'POST'; headers: Record<string, string>; body: string },
) => Promise<ProductResponse>;

/** Jira project permissions by their REST keys, with the words a user sees in Jira. */
export const JIRA_PERMISSION_NAMES = {
  EDIT_ISSUES: 'Edit issues',
  CREATE_ISSUES: 'Create issues',
  LINK_ISSUES: 'Link issues',
  ADD_COMMENTS: 'Add comments',
  SCHEDULE_ISSUES: 'Schedule issues',
  MANAGE_SPRINTS_PERMISSION: 'Manage sprints',
} as const;
export type JiraPermission = keyof typeof JIRA_PERMISSION_NAMES;

export interface PermissionChecker {
  /** Refuses (403) unless the user holds every permission on the issue. */
  requireOnIssue(
    accountId: string,
    issue: { key: string; id: string },
    permissions: JiraPermission[],
  ): Promise<void>;
  /** Refuses (403) unless the user is a Jira administrator (global ADMINISTER). */
  requireJiraAdmin(accountId: string): Promise<void>;
  /** Refuses (403) unless the user may edit the Confluence page. */
  requirePageEdit(accountId: string, pageId: string): Promise<void>;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const denied = (message: string, details: Record<string, unknown>) =>
  new ResolverFailure({ code: 'permission_denied', message, status: 403, details });

const unchecked = (what: string, reason: string) =>
  new ResolverFailure({
    code: 'permission_check_failed',
    message: `Augment could not check your ${what} (${reason}), so nothing was changed. Try again in a moment.`,
    status: 503,
  });

async function post(request: ProductRequest, path: string, body: unknown, what: string): Promise<unknown> {
  let res: ProductResponse;
  try {
    res = await request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
    });
  } catch (error) {
    if (isConsentError(error)) throw error;
    throw unchecked(what, error instanceof Error ? error.message : String(error));
  }
  if (!res.ok) throw unchecked(what, `HTTP ${res.status}`);
  try {
    return await res.json();
  } catch {
    throw unchecked(what, 'an unreadable answer');
  }
}

export function createPermissionChecker(jira: ProductRequest, confluence: ProductRequest): PermissionChecker {
  return {
    async requireOnIssue(_accountId, issue, permissions) {
      const issueId = Number(issue.id);
      if (!Number.isInteger(issueId) || issueId < 1)
        throw unchecked('Jira permissions', 'no issue id in the context');
      // Without accountId the check is for the calling user (the request is made as that user).
      const answer = await post(
        jira,
        '/rest/api/3/permissions/check',
        { projectPermissions: [{ issues: [issueId], permissions }] },
        'Jira permissions',
      );
      const granted = new Set<string>();
      const list =
        isRecord(answer) && Array.isArray(answer.projectPermissions) ? answer.projectPermissions : [];
      for (const p of list) {
        if (isRecord(p) && Array.isArray(p.issues) && p.issues.map(Number).includes(issueId)) {
          granted.add(String(p.permission));
        }
      }
      const missing = permissions.filter((p) => !granted.has(p));
      if (missing.length > 0) {
        const names = missing.map((p) => JIRA_PERMISSION_NAMES[p]);
        throw denied(
          `You need the Jira permission${names.length > 1 ? 's' : ''} ${names.join(', ')} on ${issue.key} to do this. Ask a project administrator.`,
          { missing_permissions: missing, issue_key: issue.key },
        );
      }
    },

    async requireJiraAdmin() {
      const answer = await post(
        jira,
        '/rest/api/3/permissions/check',
        { globalPermissions: ['ADMINISTER'] },
        'Jira permissions',
      );
      const global =
        isRecord(answer) && Array.isArray(answer.globalPermissions) ? answer.globalPermissions : [];
      if (!global.includes('ADMINISTER')) {
        throw denied('Only Jira administrators can view or change Augment settings.', {
          missing_permissions: ['ADMINISTER'],
        });
      }
    },

    async requirePageEdit(accountId, pageId) {
      const answer = await post(
        confluence,
        `/wiki/rest/api/content/${encodeURIComponent(pageId)}/permission/check`,
        { subject: { type: 'user', identifier: accountId }, operation: 'update' },
        'Confluence permissions',
      );
      if (!(isRecord(answer) && answer.hasPermission === true)) {
        throw denied(
          'You need permission to edit this page to sync its stories: Augment writes the links into it.',
          {
            missing_permissions: ['update'],
            page_id: pageId,
          },
        );
      }
    },
  };
}
