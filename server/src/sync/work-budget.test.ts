// [H6] over a real socket: an update too costly to integrate is refused before integration, its
// sender is closed with 4429 and kept out for a while, and everyone else keeps working.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import type { WebsocketProvider } from 'y-websocket';
import { notesOf } from '@trellis/schema';
import { competingInserts, syncUpdateFrame } from './gate/testing/crafted.ts';
import { DEFAULT_GATE_LIMITS } from './gate/apply-gated.ts';
import { readUpdate } from './gate/decoded-update.ts';
import { estimateCost } from './gate/update-cost.ts';
import { addMember, connect, createCollaboration, login, metric, startTestServer, synced, waitFor } from '../testing/harness.ts';
import type { TestUser } from '../testing/harness.ts';
import type { RunningServer } from '../server.ts';

let server: RunningServer;
let owner: TestUser;
let mallory: TestUser;
let collab: string;
let honest: WebsocketProvider;

beforeAll(async () => {
  server = await startTestServer();
  owner = await login(server.url, 'owner@budget.io');
  mallory = await login(server.url, 'mallory@budget.io');
  collab = await createCollaboration(server.url, owner);
  await addMember(server.url, owner, collab, mallory, 'editor');
  honest = connect(server.url, collab, owner.token);
  await synced(honest);
  notesOf(honest.doc).insert(0, 'ab');
});

afterAll(async () => {
  honest.destroy();
  await server.stop();
});

function open(token: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/sync/${collab}?token=${token}&ack=1`);
    ws.on('open', () => resolve(ws));
    ws.on('unexpected-response', (_req, res) => reject(new Error(`upgrade answered ${res.statusCode}`)));
    ws.on('error', reject);
  });
}

describe('work budget', () => {
  it('[H6] a worst-case placement attack is refused (type 101 too_costly), closed with 4429, and its sender must wait to reconnect', async () => {
    await waitFor(() => notesOf(honest.doc).toString() === 'ab');
    const first = (notesOf(honest.doc) as unknown as { _start: Y.Item })._start;
    const attack = competingInserts(7777, 0, 'notes', first.id, Y.createID(first.id.client, first.id.clock + 1), 3_000);
    const ws = await open(mallory.token);
    const refusals: string[] = [];
    ws.on('message', (data: Buffer) => {
      if (data[0] === 101) refusals.push(data.subarray(2).toString());
    });
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    ws.send(syncUpdateFrame(attack));
    expect(await closed).toBe(4429);
    expect(refusals.some((r) => r.includes('too_costly'))).toBe(true);
    await expect(open(mallory.token)).rejects.toThrow('429');
    // The honest member is unaffected and still edits.
    notesOf(honest.doc).insert(2, 'c');
    const reader = connect(server.url, collab, owner.token);
    await synced(reader);
    await waitFor(() => notesOf(reader.doc).toString() === 'abc');
    reader.destroy();
    expect(await metric(server.url, 'trellis_gate_work_exceeded_total')).toBeGreaterThanOrEqual(1);
  });
});

describe('sync requests', () => {
  it('[H6] asking for the whole document again and again is budgeted: the asker is closed with 4429, others are served', async () => {
    const big = await createCollaboration(server.url, owner, 'Big');
    await addMember(server.url, owner, big, mallory, 'viewer');
    const writer = connect(server.url, big, owner.token);
    await synced(writer);
    notesOf(writer.doc).insert(0, 'x'.repeat(200_000));
    const first = connect(server.url, big, owner.token);
    await waitFor(() => notesOf(first.doc).length === 200_000);
    first.destroy();
    const ws = await new Promise<WebSocket>((resolve, reject) => {
      const s = new WebSocket(`${server.url.replace('http', 'ws')}/sync/${big}?token=${mallory.token}`);
      s.on('open', () => resolve(s));
      s.on('error', reject);
    });
    writer.destroy();
    const step1 = (() => {
      const e = encoding.createEncoder();
      encoding.writeVarUint(e, 0);
      encoding.writeVarUint(e, 0);
      encoding.writeVarUint8Array(e, Y.encodeStateVector(new Y.Doc()));
      return encoding.toUint8Array(e);
    })();
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    for (let i = 0; i < 200 && ws.readyState === WebSocket.OPEN; i++) ws.send(step1);
    expect(await closed).toBe(4429);
    const reader = connect(server.url, big, owner.token);
    await synced(reader);
    await waitFor(() => notesOf(reader.doc).length === 200_000);
    reader.destroy();
  });
});

describe('load integrity', () => {
  it('[H8] a stored log missing a dependency is refused with 1011, counted, and left as it was', async () => {
    const { createSqliteStore } = await import('@trellis/store');
    const dataDir = (server as RunningServer & { dataDir: string }).dataDir;
    const broken = await createCollaboration(server.url, owner, 'Broken');
    const gap = new Y.Doc();
    gap.clientID = 4242;
    notesOf(gap).insert(0, 'lost ');
    const sv = Y.encodeStateVector(gap);
    notesOf(gap).insert(5, 'orphan');
    const store = createSqliteStore({ dataDir });
    const before = (await store.docs.load(broken)).updates.length;
    await store.docs.append(broken, [Y.encodeStateAsUpdate(gap, sv)], 'test');
    const refusedBefore = await metric(server.url, 'trellis_documents_refused_total');
    const code = await new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(`${server.url.replace('http', 'ws')}/sync/${broken}?token=${owner.token}`);
      ws.on('close', (c) => resolve(c));
      ws.on('error', reject);
    });
    expect(code).toBe(1011);
    expect(await metric(server.url, 'trellis_documents_refused_total')).toBe(refusedBefore + 1);
    expect((await store.docs.load(broken)).updates.length).toBe(before + 1);
    await store.close();
  });
});

describe('store push-back', () => {
  it('[S13] while the persist queue is over its bound, a writer is closed with 1013 and nothing of its update is applied', async () => {
    const { holdWriteLock, tempDir } = await import('../testing/harness.ts');
    const dataDir = tempDir();
    const slow = await startTestServer({ dataDir, limits: { persistOverloadBytes: 16 * 1024 } });
    try {
      const boss = await login(slow.url, 'boss@pushback.io');
      const id = await createCollaboration(slow.url, boss);
      const writer = connect(slow.url, id, boss.token);
      await synced(writer);
      const lock = holdWriteLock(dataDir);
      const closes: number[] = [];
      (writer.ws as WebSocket | null)?.on('close', (code: number) => closes.push(code));
      try {
        for (let i = 0; i < 40 && closes.length === 0; i++) {
          notesOf(writer.doc).insert(0, 'x'.repeat(1024));
          await new Promise((r) => setTimeout(r, 20));
        }
        await waitFor(() => closes.length > 0, 10_000, 'a close');
        expect(closes[0]).toBe(1013);
      } finally {
        lock.release();
      }
      // Once the store catches up the client reconnects and everything it wrote arrives.
      const reader = connect(slow.url, id, boss.token);
      await synced(reader);
      await waitFor(() => notesOf(reader.doc).length === notesOf(writer.doc).length, 20_000, 'convergence after push-back');
      reader.destroy();
      writer.destroy();
    } finally {
      await slow.stop();
    }
  });
});

describe('the gate\'s wall-time budget', () => {
  it('[H6] an update estimated cheap is forgiven one overrun (a pause is not the sender\'s doing), a second one closes with 4429; a costly one closes at once', async () => {
    const strict = await startTestServer({ limits: { gateBudgetMs: 0 } });
    try {
      const boss = await login(strict.url, 'boss@wall.io');
      const id = await createCollaboration(strict.url, boss);
      const ws = new WebSocket(`${strict.url.replace('http', 'ws')}/sync/${id}?token=${boss.token}&ack=1`);
      await new Promise((resolve, reject) => ws.on('open', resolve).on('error', reject));
      const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
      const writer = new Y.Doc();
      const frames: Uint8Array[] = [];
      writer.on('update', (u: Uint8Array) => frames.push(syncUpdateFrame(u)));
      notesOf(writer).insert(0, 'a');
      notesOf(writer).insert(1, 'b');
      ws.send(frames[0]!);
      const reader = connect(strict.url, id, boss.token);
      await synced(reader);
      await waitFor(() => notesOf(reader.doc).toString() === 'a', 10_000, 'the first edit');
      expect(ws.readyState).toBe(WebSocket.OPEN);
      ws.send(frames[1]!);
      expect(await closed).toBe(4429);

      const other = await createCollaboration(strict.url, boss, 'Costly');
      const big = new Y.Doc();
      notesOf(big).insert(0, 'z'.repeat(700 * 1024)); // ≈ 11,000 units by its bytes alone
      // The first cut-off slows the boss's reconnects ([H6]) by a second: wait it out.
      await new Promise((r) => setTimeout(r, 1_100));
      const ws3 = new WebSocket(`${strict.url.replace('http', 'ws')}/sync/${other}?token=${boss.token}&ack=1`);
      await new Promise((resolve, reject) => ws3.on('open', resolve).on('error', reject));
      const closed3 = new Promise<number>((resolve) => ws3.on('close', (code) => resolve(code)));
      ws3.send(syncUpdateFrame(Y.encodeStateAsUpdate(big)));
      expect(await closed3).toBe(4429);
      reader.destroy();
    } finally {
      await strict.stop();
    }
  });
});

describe('refused updates', () => {
  it('[H6] a refused update costs its sender twice its estimate: inserts that fit an editor\'s work budget cut a viewer off partway', async () => {
    // 300 inserts of 900 characters, each after the one before: nothing to place, so each costs the
    // same (the first also pays for its new client id).
    const N = 300;
    const local = new Y.Doc();
    local.clientID = 4242;
    const updates: Uint8Array[] = [];
    local.on('update', (u: Uint8Array) => updates.push(u));
    for (let k = 0; k < N; k++) notesOf(local).insert(notesOf(local).length, String(k % 10).repeat(900));
    // What the gate estimates for them, in order, on a document that holds the ones before.
    const replica = new Y.Doc();
    let total = 0;
    for (const u of updates) {
      const read = readUpdate(replica, u, DEFAULT_GATE_LIMITS);
      if (!read.ok) throw new Error(read.message);
      total += estimateCost(replica, read.update, u.length, DEFAULT_GATE_LIMITS.maxWalk).cost;
      Y.applyUpdate(replica, u);
    }
    // A budget one and a half times what they cost, refilled next to nothing.
    const limited = await startTestServer({ limits: { costBurst: Math.round(1.5 * total), costPerSecond: 1, updateBurst: 5_000, updatesPerSecond: 5_000 } });
    try {
      const boss = await login(limited.url, 'boss@refused.io');
      const ed = await login(limited.url, 'ed@refused.io');
      const vi = await login(limited.url, 'vi@refused.io');
      const send = async (role: 'editor' | 'viewer', who: TestUser) => {
        const id = await createCollaboration(limited.url, boss, role);
        await addMember(limited.url, boss, id, who, role);
        const ws = new WebSocket(`${limited.url.replace('http', 'ws')}/sync/${id}?token=${who.token}&ack=1`);
        const refusals: string[] = [];
        let closedWith = 0;
        ws.on('message', (data: Buffer) => {
          if (data[0] === 101) refusals.push(data.subarray(2).toString());
        });
        ws.on('close', (code) => (closedWith = code));
        await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
        for (const u of updates) ws.send(syncUpdateFrame(u));
        const reader = connect(limited.url, id, boss.token);
        return { id, ws, refusals, closed: () => closedWith, reader };
      };
      const editor = await send('editor', ed);
      await waitFor(() => notesOf(editor.reader.doc).length === N * 900, 10_000, 'every insert of the editor');
      expect(editor.closed()).toBe(0);
      expect(editor.refusals).toEqual([]);
      const viewer = await send('viewer', vi);
      await waitFor(() => viewer.closed() !== 0, 10_000, 'the viewer cut off');
      expect(viewer.closed()).toBe(4429);
      // Twice the estimate: the budget (1.5× the total) runs out about three quarters of the way.
      expect(viewer.refusals.every((r) => r.includes('forbidden'))).toBe(true);
      expect(viewer.refusals.length).toBeGreaterThan(N / 2);
      expect(viewer.refusals.length).toBeLessThan(N);
      await synced(viewer.reader);
      expect(notesOf(viewer.reader.doc).length).toBe(0);
      for (const s of [editor, viewer]) {
        s.ws.close();
        s.reader.destroy();
      }
    } finally {
      await limited.stop();
    }
  }, 30_000);
});

describe('an offence of cost', () => {
  it('[H6] closes every socket the member holds on that collaboration, and none of theirs elsewhere or anyone else\'s', async () => {
    const limited = await startTestServer();
    try {
      const boss = await login(limited.url, 'boss@siblings.io');
      const eve = await login(limited.url, 'eve@siblings.io');
      const here = await createCollaboration(limited.url, boss, 'Here');
      const elsewhere = await createCollaboration(limited.url, boss, 'Elsewhere');
      await addMember(limited.url, boss, here, eve, 'editor');
      await addMember(limited.url, boss, elsewhere, eve, 'editor');
      const socket = (id: string, token: string) =>
        new Promise<{ ws: WebSocket; closed: () => number }>((resolve, reject) => {
          const ws = new WebSocket(`${limited.url.replace('http', 'ws')}/sync/${id}?token=${token}`);
          let code = 0;
          ws.on('close', (c) => (code = c));
          ws.once('open', () => resolve({ ws, closed: () => code })).once('error', reject);
        });
      const tabs = await Promise.all([socket(here, eve.token), socket(here, eve.token), socket(here, eve.token)]);
      const hers = await socket(elsewhere, eve.token);
      const bosses = await socket(here, boss.token);
      // One tab sends an update too costly to integrate: 3,000 inserts competing for one spot.
      tabs[0]!.ws.send(syncUpdateFrame(competingInserts(8888, 0, 'notes', null, null, 3_000)));
      await waitFor(() => tabs.every((t) => t.closed() !== 0), 10_000, 'all three tabs closed');
      expect(tabs.map((t) => t.closed())).toEqual([4429, 4429, 4429]);
      await new Promise((r) => setTimeout(r, 200));
      expect(hers.closed()).toBe(0);
      expect(bosses.closed()).toBe(0);
      for (const s of [hers, bosses]) s.ws.close();
    } finally {
      await limited.stop();
    }
  });
});
