// Test support for HTTP tests: the real app over the engine fixture from `@trellis/engine/testing`
// (temp SQLite store, store-backed DocHost, engine with a movable clock), the real authenticator
// (HS256 Supabase secret, optionally a JWKS URL), listening on 127.0.0.1:0. Tokens are minted here
// with jose exactly as Supabase would.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT } from 'jose';
import type * as Y from 'yjs';
import type { DocHost, Engine } from '@trellis/engine';
import { createCollaboration, engineFixture } from '@trellis/engine/testing';
import { Metrics } from '@trellis/runtime';
import type { Collaboration, Role } from '@trellis/schema';
import type { Store } from '@trellis/store';
import { createAuthenticator } from '../auth/authenticator.ts';
import type { AuthConfig } from '../auth/authenticator.ts';
import { createHttpApp } from './app.ts';
import { EventHub } from './event-hub.ts';

export const TEST_JWT_SECRET = 'trellis-test-secret-that-is-long-enough';

export interface TokenOptions {
  expiresIn?: string | number;
  audience?: string;
  role?: string;
  secret?: string;
  email?: string;
  name?: string;
}

export interface TestApp {
  url: string;
  store: Store;
  engine: Engine;
  docs: DocHost;
  events: EventHub;
  /** Moves the engine's clock (approval expiry). */
  clock: { offsetMs: number };
  token(userId: string, opts?: TokenOptions): Promise<string>;
  /** Creates a collaboration owned by `owner` with extra members. */
  collaboration(owner: string, members?: Record<string, Role>): Promise<Collaboration>;
  /** fetch against the app with an optional bearer token and JSON body. */
  call(method: string, path: string, opts?: { token?: string; body?: unknown; headers?: Record<string, string> }): Promise<{ status: number; json: unknown; headers: Headers }>;
  /** The document as stored, freshly loaded. */
  storedDoc(collaborationId: string): Promise<Y.Doc>;
  close(): Promise<void>;
}

export async function startTestApp(opts: { auth?: Partial<AuthConfig> } = {}): Promise<TestApp> {
  const base = engineFixture({ label: 'http' });
  const { store, docs, engine, logger, clock } = base;
  const auth = createAuthenticator({ supabaseJwtSecret: TEST_JWT_SECRET, onUser: (u) => store.users.upsert(u), ...opts.auth });
  const events = new EventHub();
  const app = createHttpApp({ store, auth, engine, logger, metrics: new Metrics(), events, isReady: () => true });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url, store, engine, docs, events, clock,
    async token(userId, t = {}) {
      return new SignJWT({ role: t.role ?? 'authenticated', email: t.email ?? `${userId}@example.com`, user_metadata: { name: t.name ?? userId } })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(userId)
        .setAudience(t.audience ?? 'authenticated')
        .setIssuedAt()
        .setExpirationTime(t.expiresIn ?? '1h')
        .sign(new TextEncoder().encode(t.secret ?? TEST_JWT_SECRET));
    },
    collaboration: (owner, members = {}) => createCollaboration(store, { owner, members }),
    storedDoc: base.storedDoc,
    async call(method, path, o = {}) {
      const headers: Record<string, string> = { ...o.headers };
      if (o.token) headers['authorization'] = `Bearer ${o.token}`;
      let payload: string | undefined;
      if (o.body !== undefined) {
        headers['content-type'] ??= 'application/json';
        payload = typeof o.body === 'string' ? o.body : JSON.stringify(o.body);
      }
      const res = await fetch(url + path, { method, headers, ...(payload !== undefined ? { body: payload } : {}) });
      const text = await res.text();
      let json: unknown = null;
      try {
        json = text ? JSON.parse(text) : null;
      } catch {
        json = text;
      }
      return { status: res.status, json, headers: res.headers };
    },
    async close() {
      events.closeAll();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await base.close();
    },
  };
}
