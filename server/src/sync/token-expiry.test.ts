// [S1] a sync socket lives no longer than the token that opened it: at expiry it is closed (1008
// "token expired"), the expired token cannot reopen it, and a refreshed token can.
import { SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import type { WebsocketProvider } from 'y-websocket';
import { loadDevSecret } from '../auth/dev-secret.ts';
import { connect, createCollaboration, login, startTestServer, synced, waitFor } from '../testing/harness.ts';

const providers: WebsocketProvider[] = [];
afterEach(() => {
  for (const p of providers.splice(0)) p.destroy();
});

describe('token expiry', () => {
  it('[S1] closes a socket when its token expires; the client gets back in only with a fresh token', async () => {
    const server = await startTestServer();
    try {
      const owner = await login(server.url, 'o@expiry.io');
      const collab = await createCollaboration(server.url, owner);
      // The same user's token, valid for one more second (the server allows 5 s of clock skew).
      const shortLived = await new SignJWT({ role: 'authenticated', email: owner.user.email })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(owner.user.id)
        .setIssuer('trellis-dev')
        .setAudience('authenticated')
        .setIssuedAt()
        .setExpirationTime(Math.floor(Date.now() / 1000) + 1)
        .sign(loadDevSecret(server.dataDir));
      const p = connect(server.url, collab, shortLived);
      providers.push(p);
      const closes: { code: number; reason: string }[] = [];
      p.on('connection-close', (ev: { code: number; reason: string } | null) => closes.push({ code: ev?.code ?? 0, reason: ev?.reason ?? '' }));
      await synced(p);
      await waitFor(() => closes.some((c) => c.code === 1008 && c.reason === 'token expired'), 15_000, 'closed at expiry');
      // Reconnecting with the expired token is refused at the upgrade.
      await new Promise((r) => setTimeout(r, 1000));
      expect(p.wsconnected).toBe(false);
      // With a refreshed token (what the web app's session does), the next attempt gets in.
      p.params = { ...p.params, token: owner.token };
      await waitFor(() => p.wsconnected && p.synced, 10_000, 'back with a fresh token');
    } finally {
      await server.stop();
    }
  }, 60_000);
});
