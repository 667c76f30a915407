/** A local JWKS server and a signer of Forge Invocation Tokens made with a test key pair. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';

export const TEST_APP_UUID = '11111111-2222-3333-4444-555555555555';
export const TEST_APP_ARI = `ari:cloud:ecosystem::app/${TEST_APP_UUID}`;

/** Claims of a test Forge Invocation Token; by default a 25 s token for site `cloud-1`, as Forge issues them. */
export interface ForgeClaims {
  aud?: string;
  iss?: string;
  apiBaseUrl?: string;
  installationId?: string;
  cloudId?: string;
  /** The invoking user (`principal`); null leaves the claim out. */
  accountId?: string | null;
  /** Lifetime in seconds from `iat` (negative: already expired). */
  expSeconds?: number;
  /** Shifts `iat` (and so `exp`) from now. */
  iatOffsetSeconds?: number;
  /** false leaves the claim out. */
  exp?: false;
  iat?: false;
}

export async function startForgeJwks() {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'test-kid', alg: 'RS256', use: 'sig' };
  const server = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  const sign = (claims: ForgeClaims = {}) => {
    const jwt = new SignJWT({
      app: {
        installationId: claims.installationId ?? 'ari:cloud:ecosystem::installation/abc',
        apiBaseUrl: claims.apiBaseUrl ?? 'https://api.atlassian.com/ex/jira/cloud-1',
        id: TEST_APP_ARI,
      },
      ...(claims.cloudId ? { context: { cloudId: claims.cloudId } } : {}),
      ...(claims.accountId === null ? {} : { principal: claims.accountId ?? '557058:user' }),
    })
      .setProtectedHeader({ alg: 'RS256', kid: 'test-kid' })
      .setIssuer(claims.iss ?? 'forge/invocation-token')
      .setAudience(claims.aud ?? TEST_APP_ARI);
    const now = Math.floor(Date.now() / 1000);
    const issuedAt = now + (claims.iatOffsetSeconds ?? 0);
    if (claims.iat !== false) jwt.setIssuedAt(issuedAt);
    if (claims.exp !== false) jwt.setExpirationTime(issuedAt + (claims.expSeconds ?? 25));
    return jwt.sign(privateKey);
  };
  return { url, sign, close: () => new Promise<void>((r) => server.close(() => r())) };
}
