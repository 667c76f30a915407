/**
 * Authentication of every route but /health. Three ways in:
 *  - an API key (`Authorization: Bearer <key>`, or HTTP Basic with the key as password for browsers),
 *    compared in constant time against the configured keys;
 *  - a Forge Invocation Token (JWT from Forge Remote), verified against Forge's JWKS, issuer and audience;
 *  - an HMAC-signed body (`x-augment-timestamp` + `x-augment-signature: sha256=<hex>`) for webhooks.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { createRemoteJWKSet, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { AppError } from '../errors.js';
import { LOCAL_TENANT } from '../jobs/keys.js';

export interface AuthConfig {
  apiKeys: readonly string[];
  webhookSecret?: string;
  /** The Forge app id (uuid or `ari:cloud:ecosystem::app/<uuid>`); Forge tokens are refused without it. */
  forgeAppId?: string;
  jwksUrl: string;
  issuer: string;
  /** Maximum clock skew for signed webhooks, seconds. */
  webhookToleranceSeconds?: number;
}

/**
 * Who called. `tenant` scopes everything the caller may see or collide with (jobs, duplicate keys, team
 * members, timelines, draft PRs, previews, settings): one per Atlassian site for Forge callers, and one
 * shared by API-key and webhook callers, which all act on the site configured in the environment.
 */
export type Principal =
  | { kind: 'api_key'; id: string; tenant: string }
  | { kind: 'hmac'; id: 'webhook'; tenant: string }
  | {
      kind: 'forge';
      id: string;
      tenant: string;
      appId: string;
      installationId?: string;
      apiBaseUrl?: string;
      accountId?: string;
      /** App system token from `x-forge-oauth-system`: used to call Jira/Confluence back. Never logged. */
      systemToken?: string;
    };

export type AuthVariables = { principal: Principal };

export { LOCAL_TENANT };

/** A Forge Invocation Token may live at most this long (Forge's own live about 25 s), clock skew aside. */
export const FORGE_TOKEN_MAX_LIFETIME_SECONDS = 300;
const CLOCK_TOLERANCE_SECONDS = 30;

const GATEWAY_SITE = /\/ex\/(?:jira|confluence)\/([A-Za-z0-9-]{1,100})(?:\/|$)/;
const CLOUD_ID = /^[A-Za-z0-9-]{1,100}$/;

/**
 * The tenant a Forge Invocation Token names: the Atlassian site (cloud id) whose APIs the invocation may
 * call, so the Jira and the Confluence installation of one site share it and no two sites ever do. The
 * site comes from `app.apiBaseUrl` (`https://api.atlassian.com/ex/<product>/<cloudId>`), where the
 * invocation's jobs write, else `context.cloudId`; without either, the installation (`app.installationId`).
 */
export function forgeTenant(claims: {
  apiBaseUrl?: string;
  cloudId?: string;
  installationId?: string;
}): string | undefined {
  const site = (claims.apiBaseUrl && GATEWAY_SITE.exec(claims.apiBaseUrl)?.[1]) || claims.cloudId;
  if (site && CLOUD_ID.test(site)) return `site-${site.toLowerCase()}`;
  if (claims.installationId) return `inst-${digest(claims.installationId).toString('hex').slice(0, 32)}`;
  return undefined;
}

/** Who acts, for job records and approvals: a Forge user by account id, else the caller's id. */
export function actorOf(p: Principal, named?: string): string {
  const who = p.kind === 'forge' && p.accountId ? `forge:${p.accountId}` : p.id;
  return named && named !== who ? `${named} (${who})` : who;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

interface KeyDigest {
  digest: Buffer;
  /** A short, non-reversible name of the key for logs and job records. */
  id: string;
}

/** Digests of the configured keys, computed once rather than on every request. */
export function digestApiKeys(keys: readonly string[]): KeyDigest[] {
  return keys.map((key) => {
    const d = digest(key);
    return { digest: d, id: `key:${d.toString('hex').slice(0, 8)}` };
  });
}

/** Constant-time membership test: every key is compared, whatever matches first. Returns the key's id. */
export function matchApiKey(candidate: string, keys: readonly KeyDigest[]): string | undefined {
  const c = digest(candidate);
  let found: string | undefined;
  for (const key of keys) {
    if (timingSafeEqual(c, key.digest) && found === undefined) found = key.id;
  }
  return found;
}

export function normaliseAppAri(appId: string): string {
  return appId.startsWith('ari:') ? appId : `ari:cloud:ecosystem::app/${appId}`;
}

export function createAuthenticator(cfg: AuthConfig) {
  let jwks: JWTVerifyGetKey | undefined;
  const getJwks = () => {
    jwks ??= createRemoteJWKSet(new URL(cfg.jwksUrl), { cooldownDuration: 30_000, timeoutDuration: 5_000 });
    return jwks;
  };
  const tolerance = cfg.webhookToleranceSeconds ?? 300;
  const apiKeys = digestApiKeys(cfg.apiKeys);

  async function verifyForge(token: string, systemToken: string | undefined): Promise<Principal> {
    if (!cfg.forgeAppId)
      throw unauthorized('Forge invocation tokens are not accepted: FORGE_APP_ID is not configured');
    const audience = normaliseAppAri(cfg.forgeAppId);
    try {
      // jose checks `exp` only when present: a token without one, or signed to live for days, is refused.
      const { payload } = await jwtVerify(token, getJwks(), {
        issuer: cfg.issuer,
        audience,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['exp', 'iat'],
        maxTokenAge: FORGE_TOKEN_MAX_LIFETIME_SECONDS + CLOCK_TOLERANCE_SECONDS,
      });
      const lifetime = Number(payload.exp) - Number(payload.iat);
      if (!(lifetime > 0 && lifetime <= FORGE_TOKEN_MAX_LIFETIME_SECONDS)) {
        throw Object.assign(new Error('token lifetime'), { code: 'ERR_TOKEN_LIFETIME_TOO_LONG' });
      }
      const app = (payload.app ?? {}) as Record<string, unknown>;
      const context = (payload.context ?? {}) as Record<string, unknown>;
      const principal = (payload.principal ?? undefined) as string | undefined;
      const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
      const installationId = str(app.installationId);
      const apiBaseUrl = str(app.apiBaseUrl);
      const tenant = forgeTenant({ apiBaseUrl, cloudId: str(context.cloudId), installationId });
      if (!tenant) throw Object.assign(new Error('no site'), { code: 'ERR_NO_INSTALLATION' });
      return {
        kind: 'forge',
        id: `forge:${String(installationId ?? payload.sub ?? 'unknown')}`,
        tenant,
        appId: audience,
        installationId,
        apiBaseUrl,
        accountId: str(principal),
        systemToken,
      };
    } catch (err) {
      const reason = (err as { code?: string }).code ?? 'invalid';
      throw unauthorized(`invalid Forge invocation token (${reason.replace(/^ERR_/, '').toLowerCase()})`);
    }
  }

  async function verifyHmac(timestamp: string, signature: string, rawBody: string): Promise<Principal> {
    if (!cfg.webhookSecret)
      throw unauthorized('signed requests are not accepted: WEBHOOK_SECRET is not configured');
    const ts = Number(timestamp);
    if (!Number.isFinite(ts) || Math.abs(Date.now() / 1000 - ts) > tolerance) {
      throw unauthorized('signature timestamp is missing or outside the allowed window');
    }
    const expected = createHmac('sha256', cfg.webhookSecret).update(`${timestamp}.${rawBody}`).digest();
    const given = Buffer.from(signature.replace(/^sha256=/, ''), 'hex');
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      throw unauthorized('bad signature');
    return { kind: 'hmac', id: 'webhook', tenant: LOCAL_TENANT };
  }

  const middleware: MiddlewareHandler<{ Variables: AuthVariables & { requestId: string } }> = async (
    c,
    next,
  ) => {
    const header = c.req.header('authorization') ?? '';
    const signature = c.req.header('x-augment-signature');
    let principal: Principal | undefined;
    if (header.startsWith('Bearer ')) {
      const token = header.slice(7).trim();
      const keyId = matchApiKey(token, apiKeys);
      if (keyId) principal = { kind: 'api_key', id: keyId, tenant: LOCAL_TENANT };
      else if (token.split('.').length === 3)
        principal = await verifyForge(token, c.req.header('x-forge-oauth-system'));
    } else if (header.startsWith('Basic ')) {
      const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
      const keyId = matchApiKey(decoded.slice(decoded.indexOf(':') + 1), apiKeys);
      if (keyId) principal = { kind: 'api_key', id: keyId, tenant: LOCAL_TENANT };
    } else if (signature) {
      principal = await verifyHmac(c.req.header('x-augment-timestamp') ?? '', signature, await c.req.text());
    }
    if (!principal) {
      c.header('WWW-Authenticate', 'Bearer realm="augment", Basic realm="augment"');
      throw unauthorized(header || signature ? 'invalid credentials' : 'missing credentials');
    }
    c.set('principal', principal);
    await next();
  };
  return middleware;
}

function unauthorized(message: string) {
  return new AppError(401, 'unauthorized', message);
}
