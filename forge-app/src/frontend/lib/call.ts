/** Typed `invoke` for the UI: every answer is an Envelope, including bridge failures. */
import { invoke } from '@forge/bridge';
import type { AppFailure, Envelope } from '../../types';

type ApiOf<A> = { [K in keyof A]: { payload: unknown; data: unknown } };

function isEnvelope(v: unknown): v is Envelope<unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const e = v as { ok?: unknown; error?: unknown };
  return e.ok === true || (e.ok === false && typeof e.error === 'object' && e.error !== null);
}

export type Caller<A extends ApiOf<A>> = <K extends keyof A & string>(
  fn: K,
  payload: A[K]['payload'],
) => Promise<Envelope<A[K]['data']>>;

export function createCaller<A extends ApiOf<A>>(): Caller<A> {
  return async (fn, payload) => {
    try {
      const res = await invoke(fn, payload as Record<string, unknown>);
      if (isEnvelope(res)) return res as Envelope<never>;
      const failure: AppFailure = {
        code: 'invalid_response',
        message: `Augment's "${fn}" answered in an unexpected shape; reload the page.`,
        status: 0,
      };
      return { ok: false, error: failure };
    } catch (error) {
      const reason = error instanceof Error && error.message ? error.message.trim() : String(error);
      // A resolver acting as the user needs the user's consent first; Forge asks for it ("Allow access").
      if (/NEEDS_AUTHENTICATION_ERR|Authentication Required/i.test(`${(error as Error)?.name} ${reason}`)) {
        return {
          ok: false,
          error: {
            code: 'consent_required',
            message:
              'Augment needs your permission to check your access in Jira and Confluence. Choose "Allow access" when Atlassian asks, then try again.',
            status: 401,
          },
        };
      }
      return {
        ok: false,
        error: { code: 'bridge_error', message: `Could not call Augment (${fn}): ${reason}`, status: 0 },
      };
    }
  };
}
