// Hostile input gets a clear 4xx and changes nothing: path tricks, operator objects, huge ids,
// huge bodies, prototype keys, deep nesting, wrong types, unknown or repeated query keys.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readMessages } from '@trellis/schema';
import type { Collaboration } from '@trellis/schema';
import { startTestApp } from './test-app.ts';
import type { TestApp } from './test-app.ts';

let t: TestApp;
let c: Collaboration;
let token: string;
beforeAll(async () => {
  t = await startTestApp();
  c = await t.collaboration('own', { edi: 'editor' });
  token = await t.token('own');
});
afterAll(async () => {
  await t.close();
});

const enc = encodeURIComponent;

it('hostile ids in paths are 400 or 404, never a crash', async () => {
  const ids = ['../x', '..%2F..%2Fetc', '{"$ne":null}', 'a'.repeat(10 * 1024), 'a b', '%00', '$where'];
  for (const id of ids) {
    for (const path of [`/api/collaborations/${enc(id)}`, `/api/collaborations/${enc(id)}/members`, `/api/approvals/${enc(id)}`, `/api/collaborations/${c.id}/members/${enc(id)}`]) {
      const res = await t.call('GET', path, { token });
      expect([400, 404], `${path.slice(0, 80)} → ${res.status}`).toContain(res.status);
      expect(res.json).toMatchObject({ error: { code: expect.any(String) } });
    }
  }
});

it('operator objects, wrong types and unknown keys in bodies are 400', async () => {
  const cases: [string, string, unknown][] = [
    ['POST', `/api/collaborations/${c.id}/members`, { userId: { $ne: null }, role: 'viewer' }],
    ['POST', `/api/collaborations/${c.id}/members`, { userId: 'x', role: 'admin' }],
    ['POST', `/api/collaborations/${c.id}/members`, { userId: 'x', role: 'viewer', extra: 1 }],
    ['POST', '/api/collaborations', { title: 5 }],
    ['POST', '/api/collaborations', { title: '' }],
    ['POST', '/api/collaborations', []],
    ['PATCH', `/api/collaborations/${c.id}`, { settings: { timeZone: 'Mars/Olympus' } }],
    ['PATCH', `/api/collaborations/${c.id}`, { archived: 'yes' }],
    ['POST', `/api/collaborations/${c.id}/actions/sendMessage`, { params: { body: ['x'] } }],
    ['POST', `/api/collaborations/${c.id}/actions/sendMessage`, { params: { body: 'x', authorId: 'edi' } }],
    ['POST', `/api/collaborations/${c.id}/actions/sendMessage`, { params: 'x' }],
    ['POST', `/api/collaborations/${c.id}/actions/launch`, { params: {} }],
    ['POST', `/api/collaborations/${c.id}/actions/${enc('../setRules')}`, { params: {} }],
    ['POST', `/api/collaborations/${c.id}/actions/scheduleActivity`, { params: { activityId: { $ne: null }, at: 'tomorrow' } }],
    ['PUT', `/api/collaborations/${c.id}/policy`, { policy: { sendMessage: { owner: 'maybe' } } }],
    ['PUT', `/api/collaborations/${c.id}/policy`, { policy: { addMember: { editor: 'allow' } } }],
    ['PUT', `/api/collaborations/${c.id}/rules`, { rules: [{ id: 'r', name: 'r', trigger: 'messageCreated', condition: { log: 1 }, actions: [{ action: 'sendMessage', params: { body: 'x' } }] }] }],
    ['PUT', `/api/collaborations/${c.id}/rules`, { rules: [{ id: 'r', name: 'r', trigger: 'messageCreated', actions: [{ action: 'addMember', params: { userId: 'x', role: 'owner' } }] }] }],
    ['POST', '/api/notifications/read', { ids: [{ $gt: '' }] }],
    ['POST', '/api/notifications/read', { ids: 'all' }],
  ];
  for (const [method, path, body] of cases) {
    const res = await t.call(method, path, { token, body });
    expect({ path, body, status: res.status }).toMatchObject({ status: 400 });
    expect(res.json).toMatchObject({ error: { code: 'bad_request', message: expect.any(String) } });
  }
  expect(readMessages(await t.storedDoc(c.id))).toHaveLength(0);
  expect(await t.store.members.get(c.id, 'x')).toBeNull();
});

it('__proto__ / constructor keys are refused and pollute nothing', async () => {
  const raw = [
    ['POST', '/api/collaborations', '{"title":"x","__proto__":{"polluted":true}}'],
    ['POST', `/api/collaborations/${c.id}/actions/sendMessage`, '{"params":{"body":"x","__proto__":{"polluted":true}}}'],
    ['PUT', `/api/collaborations/${c.id}/policy`, '{"policy":{"__proto__":{"polluted":true}}}'],
    ['PATCH', `/api/collaborations/${c.id}`, '{"settings":{"constructor":{"prototype":{"polluted":true}}}}'],
  ] as const;
  for (const [method, path, body] of raw) {
    const res = await t.call(method, path, { token, body });
    expect(res.status).toBe(400);
  }
  expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  expect(Object.prototype).not.toHaveProperty('polluted');
  expect((await t.store.collaborations.get(c.id))?.policy).toEqual({});
});

it('malformed JSON, deep nesting and a 10 MB body are refused', async () => {
  expect((await t.call('POST', '/api/collaborations', { token, body: '{"title":' })).status).toBe(400);
  const deep = '{"params":{"body":' + '['.repeat(5000) + ']'.repeat(5000) + '}}';
  expect((await t.call('POST', `/api/collaborations/${c.id}/actions/sendMessage`, { token, body: deep })).status).toBe(400);
  const huge = JSON.stringify({ params: { body: 'x'.repeat(10 * 1024 * 1024) } });
  const res = await t.call('POST', `/api/collaborations/${c.id}/actions/sendMessage`, { token, body: huge });
  expect(res.status).toBe(413);
  expect(res.json).toMatchObject({ error: { code: 'payload_too_large' } });
  expect(readMessages(await t.storedDoc(c.id))).toHaveLength(0);
});

it('bad query strings are 400: wrong types, out of range, unknown or repeated keys', async () => {
  for (const q of ['limit=abc', 'limit=0', 'limit=1000', 'cursor=%7B%22%24ne%22%3Anull%7D', 'foo=1', 'limit=1&limit=2', `cursor=${'a'.repeat(300)}`]) {
    const res = await t.call('GET', `/api/collaborations?${q}`, { token });
    expect({ q, status: res.status }).toEqual({ q, status: 400 });
  }
  expect((await t.call('GET', '/api/approvals?status=approved', { token })).status).toBe(400);
  expect((await t.call('GET', '/api/notifications?unread=maybe', { token })).status).toBe(400);
});

it('a bad Idempotency-Key header is 400', async () => {
  const res = await t.call('POST', `/api/collaborations/${c.id}/actions/sendMessage`, { token, body: { params: { body: 'x' } }, headers: { 'idempotency-key': '{"$ne":1}' } });
  expect(res.status).toBe(400);
});
