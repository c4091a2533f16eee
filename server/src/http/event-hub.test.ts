// Server-sent events end to end: the real change feed → routeChangeToEvents → EventHub → the
// user's GET /api/events stream. Notifications reach their user, approvals the owners only.
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { EventHub } from './event-hub.ts';
import { routeChangeToEvents } from './change-events.ts';
import { startTestApp } from './test-app.ts';
import type { TestApp } from './test-app.ts';

let t: TestApp;
const feed = new AbortController();
beforeAll(async () => {
  t = await startTestApp();
  const from = await t.store.changes.head();
  // As the composition root does: tail the change feed into the hub.
  void t.store.changes.tail({
    from,
    signal: feed.signal,
    onBatch: async (b) => {
      for (const c of b.changes) await routeChangeToEvents(c, t.store, t.events);
    },
    onResync: async () => undefined,
  });
});
afterAll(async () => {
  feed.abort();
  await t.close();
});

const open: AbortController[] = [];
afterEach(() => {
  for (const a of open.splice(0)) a.abort();
});

/** Opens the user's stream and collects parsed events. */
async function stream(token: string) {
  const abort = new AbortController();
  open.push(abort);
  const res = await fetch(`${t.url}/api/events`, { headers: { authorization: `Bearer ${token}` }, signal: abort.signal });
  const events: { event: string; data: unknown }[] = [];
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buf += decoder.decode(value, { stream: true });
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) events.push({ event, data: JSON.parse(data) });
        }
      }
    } catch {
      // aborted at the end of the test
    }
  })();
  return { res, events };
}

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting for events');
    await new Promise((r) => setTimeout(r, 20));
  }
}

it('[G6] approval events reach every member (the pending request shows on everyone\'s card); notifications only their own user', async () => {
  const c = await t.collaboration('own', { edi: 'editor' });
  const owner = await stream(await t.token('own'));
  const editor = await stream(await t.token('edi'));
  expect(owner.res.status).toBe(200);
  expect(owner.res.headers.get('content-type')).toContain('text/event-stream');
  const p = await t.engine.run({ collaborationId: c.id, actor: { kind: 'user', userId: 'edi' }, name: 'proposeActivity', params: { title: 'Hike' } });
  const activityId = p.status === 'executed' ? String(p.result?.['activityId']) : '';
  const ai = await t.engine.run({ collaborationId: c.id, actor: { kind: 'ai' }, name: 'completeActivity', params: { activityId } });
  const approvalId = ai.status === 'pending_approval' ? ai.approvalId : '';
  await until(() => owner.events.some((e) => e.event === 'approval') && owner.events.some((e) => e.event === 'notification'));
  expect(owner.events).toContainEqual({ event: 'approval', data: { approvalId, collaborationId: c.id, status: 'pending' } });
  expect(owner.events).toContainEqual({ event: 'notification', data: { notificationId: expect.any(String), unread: 1 } });
  // The editor hears about the pending request too, and about its own mention.
  await until(() => editor.events.some((e) => e.event === 'approval'));
  expect(editor.events).toContainEqual({ event: 'approval', data: { approvalId, collaborationId: c.id, status: 'pending' } });
  const before = editor.events.filter((e) => e.event === 'notification').length;
  await t.engine.run({ collaborationId: c.id, actor: { kind: 'user', userId: 'own' }, name: 'sendMessage', params: { body: 'look @edi' } });
  await t.call('GET', '/api/me', { token: await t.token('edi') });
  await until(() => editor.events.filter((e) => e.event === 'notification').length > before);
  expect(editor.events.every((e) => e.event === 'notification' || e.event === 'approval')).toBe(true);
});

it('check-in changes reach every member', async () => {
  const c = await t.collaboration('own2', { vie2: 'viewer' });
  const viewer = await stream(await t.token('vie2'));
  await routeChangeToEvents({ type: 'checkin', collaborationId: c.id, checkinId: 'chk_1' }, t.store, t.events);
  // The viewer's own membership change may reach its stream first (it comes through the feed).
  await until(() => viewer.events.some((e) => e.event === 'checkin'));
  expect(viewer.events.filter((e) => e.event === 'checkin')).toEqual([{ event: 'checkin', data: { checkinId: 'chk_1', collaborationId: c.id } }]);
});

it('EventHub caps streams per user and closes them all on shutdown', () => {
  const hub = new EventHub(2);
  const got: string[] = [];
  let closed = 0;
  const sub = () => ({ send: (e: { type: string }) => got.push(e.type), close: () => closed++ });
  const u1 = hub.subscribe('u', sub());
  expect(hub.subscribe('u', sub())).not.toBeNull();
  expect(hub.subscribe('u', sub())).toBeNull();
  expect(hub.publish('u', { type: 'checkin', data: {} })).toBe(2);
  expect(hub.publish('other', { type: 'checkin', data: {} })).toBe(0);
  u1?.();
  expect(hub.publish('u', { type: 'approval', data: {} })).toBe(1);
  hub.closeAll();
  expect(closed).toBe(1);
  expect(hub.hasSubscribers()).toBe(false);
});
