/**
 * The two ways a job reaches Jira and Confluence: the Forge app system token from the invocation
 * (Bearer, at the invocation's apiBaseUrl) or a configured site URL with an e-mail and API token (Basic).
 */
import { z } from 'zod';
import { AtlassianError } from './atlassian-error.js';

export const ForgeAtlassianAuth = z.object({
  kind: z.literal('forge'),
  /** `app.apiBaseUrl` of the Forge Invocation Token; product paths (`/rest/api/3/...`, `/wiki/api/v2/...`) go below it. */
  apiBaseUrl: z.url(),
  /** The `x-forge-oauth-system` header of the invocation. */
  systemToken: z.string().min(1),
  /** Confluence base when it cannot be derived from apiBaseUrl (see confluenceBaseUrl). */
  confluenceApiBaseUrl: z.url().optional(),
});
export type ForgeAtlassianAuth = z.infer<typeof ForgeAtlassianAuth>;

export const BasicAtlassianAuth = z.object({
  kind: z.literal('basic'),
  /** e.g. https://acme.atlassian.net (a trailing /wiki is accepted and ignored). */
  siteUrl: z.url(),
  email: z.string().min(1),
  apiToken: z.string().min(1),
});
export type BasicAtlassianAuth = z.infer<typeof BasicAtlassianAuth>;

export const AtlassianAuth = z.discriminatedUnion('kind', [ForgeAtlassianAuth, BasicAtlassianAuth]);
export type AtlassianAuth = z.infer<typeof AtlassianAuth>;

const GATEWAY = /\/ex\/(jira|confluence)\/([^/]+)/;

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

function siteRoot(siteUrl: string): string {
  return trimSlash(trimSlash(siteUrl).replace(/\/wiki$/, ''));
}

/** Base URL below which `/rest/api/3` and `/rest/agile/1.0` live. */
export function jiraBaseUrl(auth: AtlassianAuth): string {
  if (auth.kind === 'basic') return siteRoot(auth.siteUrl);
  return trimSlash(auth.apiBaseUrl).replace(GATEWAY, '/ex/jira/$2');
}

/**
 * Base URL below which `/wiki/api/v2` lives. On the api.atlassian.com gateway Jira and Confluence of
 * one site differ only in the product segment (`/ex/jira/<cloudId>` vs `/ex/confluence/<cloudId>`), so
 * an invocation from either product can reach both.
 */
export function confluenceBaseUrl(auth: AtlassianAuth): string {
  if (auth.kind === 'basic') return siteRoot(auth.siteUrl);
  if (auth.confluenceApiBaseUrl) return trimSlash(auth.confluenceApiBaseUrl);
  return trimSlash(auth.apiBaseUrl).replace(GATEWAY, '/ex/confluence/$2');
}

/** Identity of the site, shared by its Jira and Confluence, for the per-site concurrency limit. */
export function siteKey(auth: AtlassianAuth): string {
  if (auth.kind === 'basic') return new URL(siteRoot(auth.siteUrl)).origin;
  const m = GATEWAY.exec(auth.apiBaseUrl);
  return m ? `cloud:${m[2]}` : trimSlash(auth.apiBaseUrl);
}

export function authorizationHeader(auth: AtlassianAuth): string {
  if (auth.kind === 'forge') return `Bearer ${auth.systemToken}`;
  return `Basic ${Buffer.from(`${auth.email}:${auth.apiToken}`).toString('base64')}`;
}

/** Literal values that must never leave the process: the token and its encoded forms. */
export function authSecrets(auth: AtlassianAuth): string[] {
  if (auth.kind === 'forge') return [auth.systemToken];
  const basic = Buffer.from(`${auth.email}:${auth.apiToken}`).toString('base64');
  return [auth.apiToken, basic, encodeURIComponent(auth.apiToken)];
}

/** Removes every secret (and anything that looks like an Authorization value) from a text. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join('[REDACTED]');
  // Token-shaped only (has a digit or base64 punctuation), so "Basic authentication" survives.
  return out.replace(/\b(Bearer|Basic)\s+(?=[A-Za-z._~-]*[0-9+/=])[A-Za-z0-9._~+/=-]{12,}/g, '$1 [REDACTED]');
}

/**
 * Validates an auth object; the error names the bad fields only (zod issues could echo the values,
 * and one of them is a token).
 */
export function checkAuth(auth: unknown, service: 'jira' | 'confluence'): AtlassianAuth {
  const parsed = AtlassianAuth.safeParse(auth);
  if (parsed.success) return parsed.data;
  const paths = [...new Set(parsed.error.issues.map((i) => i.path.join('.') || '(root)'))];
  throw new AtlassianError({
    service,
    upstreamStatus: 0,
    code: 'invalid_input',
    message: `Invalid Atlassian credentials object: check ${paths.join(', ')}`,
  });
}
