// Every route × every kind of caller: bad tokens are 401 everywhere, non-members get 404 on every
// collaboration route, members without the right get 403, the right role succeeds. [G1]
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '@trellis/schema';
import { startTestApp } from '../test-app.ts';
import type { TestApp } from '../test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

type Caller = 'owner' | 'editor' | 'viewer' | 'stranger';
const USERS: Record<Caller, string> = { owner: 'own', editor: 'edi', viewer: 'vie', stranger: 'str' };

interface Fixture {
  id: string;
  activityId: string;
  approvalId: string;
  notificationId: string;
}

/** A fresh collaboration per case, so one case's writes never decide another's status. */
async function fixture(): Promise<Fixture> {
  const members: Record<string, Role> = { edi: 'editor', vie: 'viewer' };
  const c = await t.collaboration('own', members);
  const p = await t.engine.run({ collaborationId: c.id, actor: { kind: 'user', userId: 'own' }, name: 'proposeActivity', params: { title: 'Hike' } });
  const activityId = p.status === 'executed' ? String(p.result?.['activityId']) : '';
  const a = await t.engine.run({ collaborationId: c.id, actor: { kind: 'ai' }, name: 'completeActivity', params: { activityId } });
  const approvalId = a.status === 'pending_approval' ? a.approvalId : '';
  const n = await t.store.notifications.list('own', { limit: 1 });
  return { id: c.id, activityId, approvalId, notificationId: n.items[0]?.id ?? 'none' };
}

interface Route {
  method: string;
  path: (f: Fixture) => string;
  body?: (f: Fixture) => unknown;
  expect: Record<Caller, number>;
}

const all = (s: number) => ({ owner: s, editor: s, viewer: s, stranger: s });
const members = (s: number) => ({ owner: s, editor: s, viewer: s, stranger: 404 });
const ownerOnly = (s: number) => ({ owner: s, editor: 403, viewer: 403, stranger: 404 });
const writers = (s: number) => ({ owner: s, editor: s, viewer: 403, stranger: 404 });
const col = (f: Fixture) => `/api/collaborations/${f.id}`;

const ROUTES: Route[] = [
  { method: 'GET', path: () => '/api/me', expect: all(200) },
  { method: 'GET', path: () => '/api/collaborations', expect: all(200) },
  { method: 'POST', path: () => '/api/collaborations', body: () => ({ title: 'New' }), expect: all(201) },
  { method: 'GET', path: col, expect: members(200) },
  { method: 'PATCH', path: col, body: () => ({ title: 'Renamed', settings: { aiCheckins: false } }), expect: ownerOnly(200) },
  { method: 'GET', path: (f) => `${col(f)}/members`, expect: members(200) },
  { method: 'POST', path: (f) => `${col(f)}/members`, body: () => ({ userId: 'newbie', role: 'viewer' }), expect: ownerOnly(201) },
  { method: 'PATCH', path: (f) => `${col(f)}/members/vie`, body: () => ({ role: 'editor' }), expect: ownerOnly(200) },
  // Removing the editor: owners may, the editor may leave, the viewer may not.
  { method: 'DELETE', path: (f) => `${col(f)}/members/edi`, expect: { owner: 200, editor: 200, viewer: 403, stranger: 404 } },
  { method: 'POST', path: (f) => `${col(f)}/actions/sendMessage`, body: () => ({ params: { body: 'hi' } }), expect: writers(200) },
  { method: 'POST', path: (f) => `${col(f)}/actions/proposeActivity`, body: () => ({ params: { title: 'Swim' } }), expect: writers(200) },
  { method: 'POST', path: (f) => `${col(f)}/actions/scheduleActivity`, body: (f) => ({ params: { activityId: f.activityId, at: '2031-01-01T10:00:00+02:00' } }), expect: writers(200) },
  { method: 'POST', path: (f) => `${col(f)}/actions/completeActivity`, body: (f) => ({ params: { activityId: f.activityId } }), expect: writers(200) },
  { method: 'POST', path: (f) => `${col(f)}/actions/cancelActivity`, body: (f) => ({ params: { activityId: f.activityId, reason: 'rain' } }), expect: writers(200) },
  { method: 'POST', path: (f) => `${col(f)}/actions/addMember`, body: () => ({ params: { userId: 'x1', role: 'viewer' } }), expect: ownerOnly(200) },
  { method: 'GET', path: (f) => `${col(f)}/policy`, expect: members(200) },
  { method: 'PUT', path: (f) => `${col(f)}/policy`, body: () => ({ policy: { cancelActivity: { editor: 'approval' } } }), expect: ownerOnly(200) },
  { method: 'GET', path: (f) => `${col(f)}/rules`, expect: members(200) },
  { method: 'PUT', path: (f) => `${col(f)}/rules`, body: () => ({ rules: [] }), expect: ownerOnly(200) },
  { method: 'GET', path: (f) => `${col(f)}/approvals?status=pending`, expect: members(200) },
  { method: 'GET', path: () => '/api/approvals?status=pending', expect: all(200) },
  { method: 'GET', path: (f) => `/api/approvals/${f.approvalId}`, expect: ownerOnly(200) },
  { method: 'POST', path: (f) => `/api/approvals/${f.approvalId}/approve`, expect: ownerOnly(200) },
  { method: 'POST', path: (f) => `/api/approvals/${f.approvalId}/reject`, expect: ownerOnly(200) },
  { method: 'GET', path: () => '/api/notifications?unread=1&cursor=&limit=', expect: all(200) },
  { method: 'POST', path: () => '/api/notifications/read', body: (f) => ({ ids: [f.notificationId] }), expect: all(200) },
  { method: 'POST', path: (f) => `${col(f)}/checkins`, expect: ownerOnly(202) },
  { method: 'GET', path: (f) => `${col(f)}/checkins`, expect: members(200) },
  { method: 'GET', path: (f) => `${col(f)}/audit`, expect: ownerOnly(200) },
];

const label = (r: Route) => `${r.method} ${r.path({ id: ':id', activityId: ':activityId', approvalId: ':approvalId', notificationId: ':nid' })}`;

describe('[G1] route × role', () => {
  for (const route of ROUTES) {
    it(`[G1] ${label(route)}`, async () => {
      for (const caller of Object.keys(USERS) as Caller[]) {
        const f = await fixture();
        const token = await t.token(USERS[caller]);
        const res = await t.call(route.method, route.path(f), { token, ...(route.body ? { body: route.body(f) } : {}) });
        expect({ caller, status: res.status, body: res.json }).toMatchObject({ caller, status: route.expect[caller] });
        if (res.status >= 400) expect(res.json).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
      }
    });
  }
});

function b64(o: unknown): string {
  return Buffer.from(JSON.stringify(o)).toString('base64url');
}

describe('authentication on every route', () => {
  const badTokens: [string, () => Promise<string | undefined>][] = [
    ['no token', async () => undefined],
    ['expired', () => t.token('own', { expiresIn: Math.floor(Date.now() / 1000) - 3600 })],
    ['wrong signature', () => t.token('own', { secret: 'some-other-secret-that-is-long-enough' })],
    ['alg none', async () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'own', aud: 'authenticated', role: 'authenticated', exp: Math.floor(Date.now() / 1000) + 3600 })}.`],
    ['wrong audience', () => t.token('own', { audience: 'other' })],
    ['service_role', () => t.token('own', { role: 'service_role' })],
    ['anon', () => t.token('own', { role: 'anon' })],
    ['garbage', async () => 'not.a.jwt'],
  ];
  for (const [name, make] of badTokens) {
    it(`${name} → 401 on every /api route`, async () => {
      const f = await fixture();
      const token = await make();
      for (const route of [...ROUTES, { method: 'GET', path: () => '/api/events', expect: all(200) }]) {
        const res = await t.call(route.method, route.path(f), { ...(token ? { token } : {}), ...(route.body ? { body: route.body(f) } : {}) });
        expect({ route: label(route), status: res.status }).toEqual({ route: label(route), status: 401 });
        expect(res.json).toMatchObject({ error: { code: 'unauthorized' } });
      }
      // Nothing was written by any of them.
      expect((await t.store.audit.list(f.id, { limit: 50 })).items.filter((e) => e.actor.userId === 'own' && e.action !== 'proposeActivity')).toHaveLength(0);
    });
  }

  it('health needs no token; dev login does not exist when Supabase is configured', async () => {
    expect((await t.call('GET', '/api/health')).json).toEqual({ status: 'ok' });
    expect((await t.call('POST', '/api/dev/login', { body: { email: 'a@b.co' } })).status).toBe(404);
    expect((await t.call('POST', '/api/dev/login', { body: { email: 'a@b.co' }, token: await t.token('own') })).status).toBe(404);
    expect((await t.call('GET', '/api/nope', { token: await t.token('own') })).status).toBe(404);
  });

  it('GET /api/collaborations/:id includes the caller role', async () => {
    const f = await fixture();
    for (const [caller, role] of [['own', 'owner'], ['edi', 'editor'], ['vie', 'viewer']] as const) {
      const res = await t.call('GET', `/api/collaborations/${f.id}`, { token: await t.token(caller) });
      expect(res.json).toMatchObject({ id: f.id, title: 'Trip', role });
    }
  });
});
