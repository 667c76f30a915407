/** A local JWKS server and a signer of Forge Invocation Tokens made with a test key pair. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';

export const TEST_APP_UUID = '11111111-2222-3333-4444-555555555555';
export const TEST_APP_ARI = `ari:cloud:ecosystem::app/${TEST_APP_UUID}`;

export async function startForgeJwks() {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'test-kid', alg: 'RS256', use: 'sig' };
  const server = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  const sign = (claims: { aud?: string; iss?: string; apiBaseUrl?: string; expSeconds?: number } = {}) =>
    new SignJWT({
      app: {
        installationId: 'ari:cloud:ecosystem::installation/abc',
        apiBaseUrl: claims.apiBaseUrl ?? 'https://api.atlassian.com/ex/jira/cloud-1',
        id: TEST_APP_ARI,
      },
      principal: '557058:user',
    })
      .setProtectedHeader({ alg: 'RS256', kid: 'test-kid' })
      .setIssuer(claims.iss ?? 'forge/invocation-token')
      .setAudience(claims.aud ?? TEST_APP_ARI)
      .setIssuedAt()
      .setExpirationTime(`${claims.expSeconds ?? 300}s`)
      .sign(privateKey);
  return { url, sign, close: () => new Promise<void>((r) => server.close(() => r())) };
}
