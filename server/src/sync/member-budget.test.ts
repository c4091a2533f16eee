// [H14] a member may introduce only so many client ids to a collaboration per day: each one stays in
// every state vector and full sync of the document for good.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { notesOf } from '@trellis/schema';
import { clientIdAllowance, MemberBudget } from './member-budget.ts';
import { memberKey } from './connection.ts';
import { syncUpdateFrame } from './gate/testing/crafted.ts';
import { addMember, connect, createCollaboration, login, startTestServer, synced, waitFor } from '../testing/harness.ts';
import type { TestUser } from '../testing/harness.ts';
import type { RunningServer } from '../server.ts';

describe('the allowance', () => {
  it('[H14] refills over a day, per member and collaboration', () => {
    let now = 0;
    const a = clientIdAllowance(200, () => now);
    a.take(memberKey('mallory', 'c1'), 150);
    a.take(memberKey('mallory', 'c1'), 100);
    expect(a.remaining(memberKey('mallory', 'c1'))).toBe(0);
    expect(a.remaining(memberKey('mallory', 'c2'))).toBe(200);
    expect(a.remaining(memberKey('bob', 'c1'))).toBe(200);
    now += 12 * 3600_000;
    expect(a.remaining(memberKey('mallory', 'c1'))).toBe(100);
    now += 24 * 3600_000;
    expect(a.remaining(memberKey('mallory', 'c1'))).toBe(200);
  });
});

describe('the budget of many members', () => {
  it('[H14] stays bounded: past 10,000 members the refilled are forgotten first, then the oldest', () => {
    let now = 0;
    const b = new MemberBudget(5, 5 / 86_400, () => now);
    for (let i = 0; i < 10_000; i++) b.take(memberKey(`m${i}`, 'c'), 5);
    expect(b.remaining(memberKey('m9999', 'c'))).toBe(0);
    b.take(memberKey('late', 'c'), 1);
    expect(b.size).toBeLessThanOrEqual(10_000);
    // The newest are still remembered; the oldest were forgiven early.
    expect(b.remaining(memberKey('m9999', 'c'))).toBe(0);
    expect(b.remaining(memberKey('m0', 'c'))).toBe(5);
    now += 86_400_000;
    expect(b.remaining(memberKey('m9999', 'c'))).toBe(5);
  });
});

describe('over a real socket', () => {
  let server: RunningServer;
  let owner: TestUser;
  let mallory: TestUser;
  let collab: string;

  beforeAll(async () => {
    server = await startTestServer({ limits: { newClientIdsPerDay: 3 } });
    owner = await login(server.url, 'owner@clients.io');
    mallory = await login(server.url, 'mallory@clients.io');
    collab = await createCollaboration(server.url, owner);
    await addMember(server.url, owner, collab, mallory, 'editor');
  });

  afterAll(async () => {
    await server.stop();
  });

  it('[H14][H6] a member\'s sessions write until the day\'s client ids are spent; the next new one is refused (4429) and nothing of it is kept, while others keep writing', async () => {
    const reader = connect(server.url, collab, owner.token);
    await synced(reader);
    for (const word of ['one ', 'two ', 'three ']) {
      const session = connect(server.url, collab, mallory.token, { doc: new Y.Doc() });
      await synced(session);
      notesOf(session.doc).insert(0, word);
      await waitFor(() => notesOf(reader.doc).toString().includes(word), 10_000, word);
      session.destroy();
    }
    // A fourth session (a fourth client id) the same day.
    const fourth = new Y.Doc();
    Y.applyUpdate(fourth, Y.encodeStateAsUpdate(reader.doc));
    const sv = Y.encodeStateVector(fourth);
    notesOf(fourth).insert(0, 'four ');
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/sync/${collab}?token=${mallory.token}&ack=1`);
    await new Promise((resolve, reject) => ws.on('open', resolve).on('error', reject));
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    ws.send(syncUpdateFrame(Y.encodeStateAsUpdate(fourth, sv)));
    expect(await closed).toBe(4429);
    // The owner still writes, and a fresh reader sees the owner's edit and none of the fourth session's.
    notesOf(reader.doc).insert(0, 'owner ');
    const fresh = connect(server.url, collab, owner.token);
    await synced(fresh);
    await waitFor(() => notesOf(fresh.doc).toString().startsWith('owner '), 10_000, 'the owner\'s edit');
    expect(notesOf(fresh.doc).toString()).not.toContain('four');
    expect(notesOf(fresh.doc).toString()).toContain('three ');
    fresh.destroy();
    reader.destroy();
  });
});
