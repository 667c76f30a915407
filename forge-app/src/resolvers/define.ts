/**
 * Typed resolver definitions that always answer with an Envelope: a resolver that fails (runner error,
 * bad payload, bug) still gives the UI a code and a readable message instead of a rejected `invoke`.
 */
import type Resolver from '@forge/resolver';
import type { AppFailure, Envelope } from '../types';

/** `NEEDS_AUTHENTICATION_ERR` from `asUser()`: the user has not allowed the app to act as them yet. */
export function isConsentError(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { name?: unknown }).name === 'NEEDS_AUTHENTICATION_ERR'
  );
}

/** Thrown inside a resolver to answer with this failure. */
export class ResolverFailure extends Error {
  constructor(readonly failure: AppFailure) {
    super(failure.message);
    this.name = 'ResolverFailure';
  }
}

export const badPayload = (message: string, field: string): ResolverFailure =>
  new ResolverFailure({ code: 'bad_request', message, status: 400, details: { field } });

/** The Forge context a resolver receives (module, extension data of the page or issue, site). */
export interface ForgeContext {
  moduleKey?: string;
  siteUrl?: string;
  accountId?: string;
  extension?: Record<string, unknown>;
  [k: string]: unknown;
}

type ApiOf<A> = { [K in keyof A]: { payload: unknown; data: unknown } };
export type Handlers<A extends ApiOf<A>> = {
  [K in keyof A]: (payload: A[K]['payload'], context: ForgeContext) => Promise<A[K]['data']>;
};

export function toFailure(error: unknown): AppFailure {
  if (error instanceof ResolverFailure) return error.failure;
  const message = error instanceof Error && error.message ? error.message : String(error);
  return { code: 'internal_error', message: `Augment hit an unexpected error: ${message}`, status: 500 };
}

/** Registers every handler on the resolver, wrapped so it answers `{ ok, data }` or `{ ok: false, error }`. */
export function defineAll<A extends ApiOf<A>>(resolver: Resolver, handlers: Handlers<A>): Resolver {
  for (const name of Object.keys(handlers) as (keyof A & string)[]) {
    const handler = handlers[name];
    resolver.define(name, async ({ payload, context }): Promise<Envelope<unknown>> => {
      try {
        return { ok: true, data: (await handler(payload as A[typeof name]['payload'], context)) ?? null };
      } catch (error) {
        // The platform turns Forge's consent error into its "Allow access" prompt: let it through.
        if (isConsentError(error)) throw error;
        const failure = toFailure(error);
        // Forge keeps function logs per installation; they help when a user reports a failure.
        console.error(`resolver ${name} failed: ${failure.code} (${failure.status}) ${failure.message}`);
        return { ok: false, error: failure };
      }
    });
  }
  return resolver;
}
