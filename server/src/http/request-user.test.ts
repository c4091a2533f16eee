// Token verification over HTTP per docs/API.md Authentication: Supabase JWKS (ES256, issuer pinned),
// and development auth (dev login only when Supabase is not configured).
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { CryptoKey } from 'jose';
import { startTestApp } from './test-app.ts';
import type { TestApp } from './test-app.ts';

describe('Supabase JWKS (ES256)', () => {
  let jwksServer: Server;
  let base: string;
  let key: CryptoKey;
  let otherKey: CryptoKey;
  let t: TestApp;

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256');
    key = pair.privateKey;
    otherKey = (await generateKeyPair('ES256')).privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    jwksServer = createServer((req, res) => {
      if (req.url === '/auth/v1/.well-known/jwks.json') {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ keys: [jwk] }));
      } else {
        res.statusCode = 404;
        res.end();
      }
    });
    await new Promise<void>((r) => jwksServer.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}`;
    t = await startTestApp({ auth: { supabaseUrl: base, supabaseJwtSecret: undefined } });
  });
  afterAll(async () => {
    await t.close();
    await new Promise<void>((r) => jwksServer.close(() => r()));
  });

  const sign = (o: { issuer?: string; key?: CryptoKey; aud?: string; exp?: number; role?: string; sub?: string } = {}) =>
    new SignJWT({ role: o.role ?? 'authenticated', email: 'jay@example.com' })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setSubject(o.sub ?? 'jwks-user')
      .setIssuer(o.issuer ?? `${base}/auth/v1`)
      .setAudience(o.aud ?? 'authenticated')
      .setIssuedAt()
      .setExpirationTime(o.exp ?? '1h')
      .sign(o.key ?? key);

  it('accepts a token signed by a JWKS key with the right issuer', async () => {
    const res = await t.call('GET', '/api/me', { token: await sign() });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ user: { id: 'jwks-user', email: 'jay@example.com', displayName: 'jay' } });
  });

  it('refuses wrong issuer, foreign key, wrong audience, expired, non-user roles, HS256 and a bad sub', async () => {
    const bad = [
      await sign({ issuer: 'https://evil.example/auth/v1' }),
      await sign({ key: otherKey }),
      await sign({ aud: 'anon' }),
      await sign({ exp: Math.floor(Date.now() / 1000) - 600 }),
      await sign({ role: 'service_role' }),
      await sign({ sub: '../admin' }),
      await t.token('jwks-user'), // HS256: no secret configured in this app
    ];
    for (const token of bad) {
      const res = await t.call('GET', '/api/me', { token });
      expect(res.status).toBe(401);
      expect(res.json).toMatchObject({ error: { code: 'unauthorized' } });
    }
  });

  it('dev login does not exist', async () => {
    expect((await t.call('POST', '/api/dev/login', { body: { email: 'a@example.com' } })).status).toBe(404);
  });
});

describe('development auth', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ auth: { supabaseJwtSecret: undefined, devSecret: new TextEncoder().encode('dev-secret-for-tests-0123456789') } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('POST /api/dev/login returns a token that works on /api', async () => {
    const res = await t.call('POST', '/api/dev/login', { body: { email: 'Dana@example.com' } });
    expect(res.status).toBe(200);
    const { token, user } = res.json as { token: string; user: { id: string; displayName: string } };
    expect(user.displayName).toBe('Dana');
    expect((await t.call('GET', '/api/me', { token })).json).toMatchObject({ user: { id: user.id } });
    expect((await t.call('POST', '/api/collaborations', { token, body: { title: 'Mine' } })).status).toBe(201);
  });

  it('refuses a malformed email and Supabase-secret tokens', async () => {
    expect((await t.call('POST', '/api/dev/login', { body: { email: 'not-an-email' } })).status).toBe(400);
    expect((await t.call('POST', '/api/dev/login', { body: { email: 'a@example.com', admin: true } })).status).toBe(400);
    expect((await t.call('GET', '/api/me', { token: await t.token('someone') })).status).toBe(401);
  });

  it('long emails sharing a prefix get distinct identities', async () => {
    const prefix = 'a-very-long-shared-local-part-0123456789';
    const one = (await t.call('POST', '/api/dev/login', { body: { email: `${prefix}.one@example.com` } })).json as { user: { id: string } };
    const two = (await t.call('POST', '/api/dev/login', { body: { email: `${prefix}.two@example.com` } })).json as { user: { id: string } };
    expect(one.user.id).not.toBe(two.user.id);
  });
});
