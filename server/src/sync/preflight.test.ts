// [H13] over a real socket: a large update is read on the pre-flight thread before the gate sees it.
// A crafted one is refused there (the gate on the event loop never runs for it); an honest one goes
// on to the gate, and what its sender sent behind it is handled after it, in order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { notesOf } from '@trellis/schema';
import { createSqliteStore, refusedKey } from '@trellis/store';
import { competingInserts, editHeavyNotes, heavyUpdate, nestedMaps, shapedLog, syncUpdateFrame } from './gate/testing/crafted.ts';
import { addMember, api, connect, createCollaboration, login, metric, recordAcks, startTestServer, synced, tempDir, waitFor } from '../testing/harness.ts';
import type { WebsocketProvider } from 'y-websocket';
import type { TestUser } from '../testing/harness.ts';
import type { RunningServer } from '../server.ts';

let server: RunningServer;
let owner: TestUser;
let mallory: TestUser;
let collab: string;

beforeAll(async () => {
  server = await startTestServer();
  owner = await login(server.url, 'owner@preflight.io');
  mallory = await login(server.url, 'mallory@preflight.io');
  collab = await createCollaboration(server.url, owner);
  await addMember(server.url, owner, collab, mallory, 'editor');
});

afterAll(async () => {
  await server.stop();
});

function open(base: string, id: string, token: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${base.replace('http', 'ws')}/sync/${id}?token=${token}&ack=1`);
    ws.on('open', () => resolve(ws));
    ws.on('unexpected-response', (_req, res) => reject(new Error(`upgrade answered ${res.statusCode}`)));
    ws.on('error', reject);
  });
}

/** Send `frames` on a raw socket and keep listening: the refusals (type 101) received so far, and its close code once closed. */
async function sendListening(base: string, id: string, token: string, frames: Uint8Array[]): Promise<{ ws: WebSocket; refusals: string[]; closed: Promise<number> }> {
  const ws = await open(base, id, token);
  const refusals: string[] = [];
  ws.on('message', (data: Buffer) => {
    if (data[0] === 101) refusals.push(data.subarray(2).toString());
  });
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  for (const f of frames) ws.send(f);
  return { ws, refusals, closed };
}

/** Send `frames` on a raw socket; resolves with the close code and the refusals (type 101) received. */
async function sendRaw(base: string, id: string, token: string, frames: Uint8Array[]): Promise<{ code: number; refusals: string[] }> {
  const { refusals, closed } = await sendListening(base, id, token, frames);
  return { code: await closed, refusals };
}

/** The owner writes `text` as client 1 (so crafted inserts can name its first character); `check` reads along. */
async function seeded(base: string, id: string, token: string, text: string): Promise<{ writer: WebsocketProvider; check: WebsocketProvider }> {
  const doc = new Y.Doc();
  doc.clientID = 1;
  const writer = connect(base, id, token, { doc });
  await synced(writer);
  notesOf(writer.doc).insert(0, text);
  const check = connect(base, id, token);
  await waitFor(() => notesOf(check.doc).toString() === text, 10_000, 'written');
  return { writer, check };
}

/** A document's room stays 100,000 units (no trial renews it) and rates do not get in the way of many small updates. */
const UNRENEWED_ROOM = { updateBurst: 5_000, updatesPerSecond: 5_000, costBurst: 1e9, costPerSecond: 1e9, loadCheckWork: 100_000, roomTrialIntervalMs: 0, roomyShare: 0 };

const gateRuns = (base: string) => metric(base, 'trellis_gate_seconds_count');

describe('the pre-flight thread', () => {
  it('[H13][H6] crafted updates are refused on the pre-flight thread: the gate never runs for them, the sender is closed with 4429, the document is unchanged', async () => {
    const reader = connect(server.url, collab, owner.token);
    await synced(reader);
    notesOf(reader.doc).insert(0, 'kept');
    await waitFor(async () => (await gateRuns(server.url)) >= 1);
    const gateBefore = await gateRuns(server.url);
    // Yjs's worst case for placement: 3,000 inserts competing for one position.
    const first = await sendRaw(server.url, collab, mallory.token, [syncUpdateFrame(competingInserts(7001, 0, 'notes', null, null, 3_000))]);
    expect(first.code).toBe(4429);
    expect(first.refusals.some((r) => r.includes('too_costly'))).toBe(true);
    expect(await metric(server.url, 'trellis_preflight_updates_total{verdict="too_costly"}')).toBe(1);
    expect(await gateRuns(server.url)).toBe(gateBefore);
    expect(notesOf(reader.doc).toString()).toBe('kept');
    reader.destroy();
  });

  it('[H13][H7] maps nested 1,900 deep are refused on the thread as well, from an owner too', async () => {
    const other = await createCollaboration(server.url, owner, 'Nested');
    const gateBefore = await gateRuns(server.url);
    const { code, refusals } = await sendRaw(server.url, other, owner.token, [syncUpdateFrame(nestedMaps(7002, 'messages', 1_900))]);
    expect(code).toBe(4429);
    expect(refusals.some((r) => r.includes('too_costly'))).toBe(true);
    expect(await gateRuns(server.url)).toBe(gateBefore);
  });

  it('[H13] an honest large update passes, and the edits its sender sent right behind it are applied after it, in order', async () => {
    const other = await createCollaboration(server.url, owner, 'Paste');
    const writer = new Y.Doc();
    const frames: Uint8Array[] = [];
    writer.on('update', (u: Uint8Array) => frames.push(syncUpdateFrame(u)));
    const text = notesOf(writer);
    text.insert(0, 'x'.repeat(4_000)); // one large paste (over the pre-flight threshold)
    for (let i = 0; i < 20; i++) text.insert(i, String(i % 10)); // small edits that depend on it
    expect(frames[0]!.length).toBeGreaterThan(1024);
    const passedBefore = await metric(server.url, 'trellis_preflight_updates_total{verdict="passed"}');
    const ws = await open(server.url, other, owner.token);
    for (const f of frames) ws.send(f);
    const reader = connect(server.url, other, owner.token);
    await synced(reader);
    await waitFor(() => notesOf(reader.doc).toString() === text.toString(), 10_000, 'the paste and the edits behind it');
    expect(ws.readyState).toBe(WebSocket.OPEN);
    expect(await metric(server.url, 'trellis_preflight_updates_total{verdict="passed"}')).toBe(passedBefore + 1);
    ws.close();
    reader.destroy();
  });
});

describe('several tabs of one member', () => {
  it('[H13][H6] three tabs sending the same offline edits at once: none is cut off, the third is sent back to send again, and the edits are stored', async () => {
    const id = await createCollaboration(server.url, owner, 'Tabs');
    const local = new Y.Doc();
    local.clientID = 4242;
    for (let i = 0; i < 40; i++) notesOf(local).insert(notesOf(local).length, `offline line ${i}: some honest words typed on a train\n`);
    const update = Y.encodeStateAsUpdate(local);
    expect(update.length).toBeGreaterThan(1024);
    const tabs = await Promise.all([0, 1, 2].map(() => open(server.url, id, owner.token)));
    const outcomes = tabs.map(
      (ws) =>
        new Promise<{ code: number | null; refusals: string[] }>((resolve) => {
          const refusals: string[] = [];
          ws.on('message', (d: Buffer) => {
            if (d[0] === 101) refusals.push(d.subarray(2).toString());
          });
          ws.on('close', (code) => resolve({ code, refusals }));
          setTimeout(() => resolve({ code: null, refusals }), 3_000);
        }),
    );
    for (const ws of tabs) ws.send(syncUpdateFrame(update));
    const seen = connect(server.url, id, owner.token);
    await waitFor(() => notesOf(seen.doc).length === notesOf(local).length, 10_000, 'the offline edits stored and seen');
    const results = await Promise.all(outcomes);
    seen.destroy();
    for (const ws of tabs) ws.close();
    // Nobody is cut off for work; at most the third is sent back (1013) to send again.
    expect(results.filter((r) => r.code === 4429)).toEqual([]);
    for (const r of results.filter((x) => x.code === 1013)) expect(r.refusals.join()).toContain('unavailable');
    expect(results.filter((r) => r.code === null).length).toBeGreaterThanOrEqual(2);
  });
});

describe('the pre-flight deadline', () => {
  it('[H13] an update that outlasts the deadline is refused as too costly, the thread is replaced, and small edits keep flowing', async () => {
    const strict = await startTestServer({ limits: { preflightDeadlineMs: 1 } });
    try {
      const boss = await login(strict.url, 'boss@preflight.io');
      const ann = await login(strict.url, 'ann@preflight.io');
      const id = await createCollaboration(strict.url, boss);
      await addMember(strict.url, boss, id, ann, 'editor');
      const { code, refusals } = await sendRaw(strict.url, id, boss.token, [syncUpdateFrame(heavyUpdate())]);
      expect(code).toBe(4429);
      expect(refusals.some((r) => r.includes('too_costly'))).toBe(true);
      expect(await metric(strict.url, 'trellis_preflight_thread_restarts')).toBeGreaterThanOrEqual(1);
      // The boss is kept out for a while (the penalty of [H6]); another member edits meanwhile.
      const a = connect(strict.url, id, ann.token);
      await synced(a);
      notesOf(a.doc).insert(0, 'small');
      const b = connect(strict.url, id, ann.token);
      await synced(b);
      await waitFor(() => notesOf(b.doc).toString() === 'small');
      a.destroy();
      b.destroy();
    } finally {
      await strict.stop();
    }
  });
});

describe('the document cap with updates on the thread', () => {
  it('[H13][H12] large updates from several members on the thread at once cannot grow a document past MAX_DOC_BYTES', async () => {
    const cap = 64 * 1024;
    const small = await startTestServer({ limits: { maxDocBytes: cap } });
    try {
      const boss = await login(small.url, 'boss@cap.io');
      const id = await createCollaboration(small.url, boss);
      const writers: TestUser[] = [];
      for (let i = 0; i < 6; i++) {
        const w = await login(small.url, `w${i}@cap.io`);
        await addMember(small.url, boss, id, w, 'editor');
        writers.push(w);
      }
      const reader = connect(small.url, id, boss.token);
      await synced(reader);
      // Six independent 20 KiB pastes, one per member, sent together: at most three fit.
      const outcomes = await Promise.all(writers.map(async (w, i) => {
        const d = new Y.Doc();
        notesOf(d).insert(0, String.fromCharCode(97 + i).repeat(20 * 1024));
        const ws = await open(small.url, id, w.token);
        const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
        ws.send(syncUpdateFrame(Y.encodeStateAsUpdate(d)));
        const letter = String.fromCharCode(97 + i);
        const result = await Promise.race([closed, waitFor(() => notesOf(reader.doc).toString().includes(letter.repeat(20 * 1024)), 10_000).then(() => 'applied' as const)]);
        ws.terminate();
        return result;
      }));
      expect(outcomes.filter((o) => o === 'applied').length).toBeGreaterThan(0);
      expect(outcomes.filter((o) => o !== 'applied').every((o) => o === 1009)).toBe(true);
      expect(Y.encodeStateAsUpdate(reader.doc).length).toBeLessThanOrEqual(cap);
      reader.destroy();
    } finally {
      await small.stop();
    }
  });
});

describe('the trial load of stored documents', () => {
  const openCode = (base: string, id: string, token: string) =>
    new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(`${base.replace('http', 'ws')}/sync/${id}?token=${token}`);
      ws.on('close', (c) => resolve(c));
      ws.on('error', reject);
    });
  const at = () => `/history/at?t=${encodeURIComponent(new Date().toISOString())}`;
  const trials = (base: string) => metric(base, 'trellis_documents_trial_loads_total');

  it('[H15] a stored document costlier per byte than any honest one is refused (1011 on sync, 500 on its history, counted, left as stored, not tried again at once); an edit-heavy honest one opens, and its pass is not repeated by the next process', async () => {
    const dataDir = tempDir();
    const srv = await startTestServer({ dataDir });
    let shaped = '';
    let honest = '';
    let boss: TestUser | null = null;
    try {
      boss = await login(srv.url, 'boss@load.io');
      shaped = await createCollaboration(srv.url, boss, 'Shaped');
      honest = await createCollaboration(srv.url, boss, 'Honest');
      // Content stored past the gate, as before it existed. Shaped for Yjs's worst case: 16,000
      // one-character inserts competing for one position (≈ 96 KB, seconds to integrate).
      const store = createSqliteStore({ dataDir });
      await store.docs.append(shaped, shapedLog(), 'test');
      // Honest at its costliest per byte: 20,000 words typed by 30 writers at random places, some
      // characters deleted (≈ 350 KB; its allowance is about a third more than the shaped one's).
      await store.docs.append(honest, [editHeavyNotes(20_000)], 'test');
      const stored = (await store.docs.load(shaped)).updates.length;
      await store.close();

      const refusedBefore = await metric(srv.url, 'trellis_documents_refused_total');
      const trialsBefore = await trials(srv.url);
      // Its history is not replayed on the event loop either.
      const history = await api<{ error: { message: string } }>(srv.url, 'GET', `/api/collaborations/${shaped}${at()}`, boss.token);
      expect(history.status).toBe(500);
      expect(history.body.error.message).toMatch(/too costly/);
      expect(await openCode(srv.url, shaped, boss.token)).toBe(1011);
      expect(await metric(srv.url, 'trellis_documents_refused_total')).toBe(refusedBefore + 2);
      // Refused once, the document is refused again without another trial (the socket above).
      expect(await trials(srv.url)).toBe(trialsBefore + 1);
      const after = createSqliteStore({ dataDir });
      expect((await after.docs.load(shaped)).updates.length).toBe(stored);
      // Recorded for the worker, which then does not integrate it either.
      await waitFor(async () => Number(await after.kv.get(refusedKey(shaped))) > 0, 5_000, 'the refusal recorded');
      await after.close();

      const reader = connect(srv.url, honest, boss.token);
      await synced(reader);
      await waitFor(() => notesOf(reader.doc).length === 88_000, 10_000, 'the honest document whole');
      reader.destroy();
      const honestThen = await api<{ notes: string }>(srv.url, 'GET', `/api/collaborations/${honest}${at()}`, boss.token);
      expect(honestThen.status).toBe(200);
      expect(honestThen.body.notes.length).toBe(88_000);
      // One trial for the document, one for its history.
      expect(await trials(srv.url)).toBe(trialsBefore + 3);
      expect(await metric(srv.url, 'trellis_documents_refused_total')).toBe(refusedBefore + 2);
    } finally {
      await srv.stop();
    }
    // A passed trial is recorded in the store: the next process opens the honest document without
    // one, and still refuses the other.
    const next = await startTestServer({ dataDir });
    try {
      const trialsBefore = await trials(next.url);
      const reader = connect(next.url, honest, boss!.token);
      await synced(reader);
      await waitFor(() => notesOf(reader.doc).length === 88_000, 10_000, 'the honest document whole');
      reader.destroy();
      expect(await trials(next.url)).toBe(trialsBefore);
      expect((await api(next.url, 'GET', `/api/collaborations/${shaped}/history`, boss!.token)).status).toBe(500);
      expect(await trials(next.url)).toBe(trialsBefore + 1);
    } finally {
      await next.stop();
    }
  });

  it('[H15][H16] placement work that adds up gets a loaded document tried again while it is open, and its room renewed: conflicting inserts sent at an honest pace never wait; its history is tried again before it is replayed', async () => {
    const dataDir = tempDir();
    // Rates raised so the test is quick; the work bound lowered to what 450 competing inserts add;
    // tries for room as often as they are due (a busy test machine's slow trials would space them out).
    const srv = await startTestServer({ dataDir, limits: { updateBurst: 5_000, updatesPerSecond: 5_000, costBurst: 1e9, costPerSecond: 1e9, loadCheckWork: 100_000, roomTrialIntervalMs: 0, roomTrialCostFactor: 0 } });
    try {
      const boss = await login(srv.url, 'work@load.io');
      const id = await createCollaboration(srv.url, boss, 'Adds up');
      const writer = connect(srv.url, id, boss.token, { ack: true, doc: (() => { const d = new Y.Doc(); d.clientID = 1; return d; })() });
      const acks = recordAcks(writer);
      await synced(writer);
      notesOf(writer.doc).insert(0, 'ab'.padEnd(64 * 1024, 'x'));
      const check = connect(srv.url, id, boss.token);
      await waitFor(() => notesOf(check.doc).length === 64 * 1024 && acks.ownClock >= 64 * 1024, 10_000, 'written and stored');
      writer.destroy();
      // Its history, tried once (64 KiB, never tried).
      const before = await trials(srv.url);
      expect((await api(srv.url, 'GET', `/api/collaborations/${id}/history`, boss.token)).status).toBe(200);
      expect(await trials(srv.url)).toBe(before + 1);
      // 600 one-character inserts competing between "a" and "b" (≈ 180,000 units of placement in
      // all, past the bound), 30 at a time as people merging offline work would send them.
      const ws = await open(srv.url, id, boss.token);
      const closed: number[] = [];
      ws.on('close', (code) => closed.push(code));
      for (let batch = 0; batch < 20; batch++) {
        for (let i = batch * 30; i < (batch + 1) * 30; i++) ws.send(syncUpdateFrame(competingInserts(7, i, 'notes', Y.createID(1, 0), null, 1)));
        await waitFor(() => notesOf(check.doc).length === 64 * 1024 + (batch + 1) * 30, 10_000, `batch ${batch} placed`);
        await new Promise((r) => setTimeout(r, 100));
      }
      // All placed, none sent back: the document was tried as it grew and its room renewed.
      expect(closed).toEqual([]);
      expect(await metric(srv.url, 'trellis_updates_waiting_for_room_total')).toBe(0);
      expect(await trials(srv.url)).toBeGreaterThanOrEqual(before + 3);
      // The history has not doubled, yet is tried again before it is replayed: the work let in since its pass passed the bound.
      const historyBefore = await trials(srv.url);
      expect((await api(srv.url, 'GET', `/api/collaborations/${id}/history`, boss.token)).status).toBe(200);
      expect(await trials(srv.url)).toBe(historyBefore + 1);
      ws.close();
      check.destroy();
    } finally {
      await srv.stop();
    }
  });

  it('[H16] updates that each pass the gate cannot add up past the document\'s room: the rest is sent back (1013, nothing of it integrated, again on reconnect) while no trial renews it, others\' edits that place nothing still go in, and the document still opens', async () => {
    const dataDir = tempDir();
    // No trial passes within no share of its allowance: the document is tried, but its room never renewed.
    const srv = await startTestServer({ dataDir, limits: { ...UNRENEWED_ROOM, unloadDelayMs: 50 } });
    try {
      const boss = await login(srv.url, 'room@load.io');
      const eve = await login(srv.url, 'eve@load.io');
      const id = await createCollaboration(srv.url, boss, 'No room');
      await addMember(srv.url, boss, id, eve, 'editor');
      const { writer, check } = await seeded(srv.url, id, boss.token, 'ab'.padEnd(8 * 1024, 'x'));
      const trialsBefore = await trials(srv.url);
      // Eve sends 600 competing inserts at once: the i-th scans the i before it and "b…", n of
      // them n(n+1)/2 units (≈ 180,000); the room is 100,000, and one member may take half of it:
      // 315 fit.
      const frames = Array.from({ length: 600 }, (_, i) => syncUpdateFrame(competingInserts(7, i, 'notes', Y.createID(1, 0), null, 1)));
      const placed = () => notesOf(check.doc).length - 8 * 1024;
      const first = await sendRaw(srv.url, id, eve.token, frames);
      expect(first.code).toBe(1013);
      expect(first.refusals.some((r) => r.includes('unavailable'))).toBe(true);
      await waitFor(() => placed() >= 310, 5_000, 'what fits placed');
      await new Promise((r) => setTimeout(r, 200));
      const landed = placed();
      expect(landed).toBeGreaterThanOrEqual(310);
      expect(landed).toBeLessThanOrEqual(316);
      // It was tried (for room), and not renewed: sent again after reconnecting, nothing more is placed.
      await waitFor(async () => (await trials(srv.url)) > trialsBefore, 5_000, 'a trial for room');
      const again = await sendRaw(srv.url, id, eve.token, frames.slice(landed));
      expect(again.code).toBe(1013);
      await new Promise((r) => setTimeout(r, 200));
      expect(placed()).toBe(landed);
      // Another editor's conflicting inserts at the same spot still fit: Eve could take only her half.
      const frank = await login(srv.url, 'frank@load.io');
      await addMember(srv.url, boss, id, frank, 'editor');
      const fws = await open(srv.url, id, frank.token);
      const frankClosed: number[] = [];
      fws.on('close', (code) => frankClosed.push(code));
      for (let i = 0; i < 40; i++) fws.send(syncUpdateFrame(competingInserts(8, i, 'notes', Y.createID(1, 0), null, 1)));
      await waitFor(() => placed() === landed + 40, 5_000, 'the other editor\'s inserts placed');
      fws.close();
      expect(frankClosed.filter((c) => c === 1013)).toEqual([]);
      // The owner types at the end: that places nothing, and goes in.
      notesOf(writer.doc).insert(notesOf(writer.doc).length, 'end');
      await waitFor(() => notesOf(check.doc).toString().endsWith('end'), 10_000, 'the owner\'s edit seen');
      writer.destroy();
      check.destroy();
      // Unloaded, the document opens again whole.
      await waitFor(async () => (await metric(srv.url, 'trellis_documents_loaded')) === 0, 10_000, 'unloaded');
      const reader = connect(srv.url, id, boss.token);
      await synced(reader);
      expect(notesOf(reader.doc).length).toBe(8 * 1024 + landed + 40 + 3);
      reader.destroy();
      expect(await metric(srv.url, 'trellis_documents_refused_total')).toBe(0);
      expect(await metric(srv.url, 'trellis_updates_waiting_for_room_total')).toBeGreaterThanOrEqual(2);
    } finally {
      await srv.stop();
    }
  });

  it('[H16] a document whose trial passes without room to spare is tried for room again, less and less often (the wait doubles), not never', async () => {
    // No trial ever has room to spare here; the first wait is 400 ms.
    const srv = await startTestServer({ limits: { updateBurst: 5_000, updatesPerSecond: 5_000, costBurst: 1e9, costPerSecond: 1e9, loadCheckWork: 20_000, roomTrialIntervalMs: 400, roomTrialCostFactor: 0, roomyShare: 0 } });
    try {
      const boss = await login(srv.url, 'retry@load.io');
      const id = await createCollaboration(srv.url, boss, 'Retry');
      const writer = connect(srv.url, id, boss.token, { doc: (() => { const d = new Y.Doc(); d.clientID = 1; return d; })() });
      await synced(writer);
      notesOf(writer.doc).insert(0, 'ab'.padEnd(8 * 1024, 'x'));
      await waitFor(async () => (await metric(srv.url, 'trellis_updates_applied_total')) >= 1, 10_000, 'written');
      const before = await trials(srv.url);
      // 200 competing inserts fill the room (≈ 20,000 units) and then keep asking for more, for 4.8 s.
      let next = 0;
      const started = Date.now();
      while (Date.now() - started < 4_800) {
        const ws = await open(srv.url, id, boss.token);
        for (let i = 0; i < 20; i++) ws.send(syncUpdateFrame(competingInserts(7, next + i, 'notes', Y.createID(1, 0), null, 1)));
        await new Promise((r) => setTimeout(r, 100));
        ws.close();
        next = notesOf(writer.doc).length - 8 * 1024;
      }
      // Tried at half the room, then after 0.8 s and 1.6 s more (every 0.4 s would be twelve times).
      const tried = (await trials(srv.url)) - before;
      expect(tried).toBeGreaterThanOrEqual(2);
      expect(tried).toBeLessThanOrEqual(5);
      writer.destroy();
    } finally {
      await srv.stop();
    }
  });

  it('[H15][H8] a stored document Yjs cannot integrate is refused from its trial (1011, counted), without integrating it on the event loop', async () => {
    const dataDir = tempDir();
    const srv = await startTestServer({ dataDir });
    try {
      const boss = await login(srv.url, 'broken@load.io');
      const id = await createCollaboration(srv.url, boss, 'Broken');
      // Stored whole (its checksum is right), yet no Yjs update: 8 KiB that end in the middle of a struct.
      const good = new Y.Doc();
      notesOf(good).insert(0, 'x'.repeat(8 * 1024));
      const whole = Y.encodeStateAsUpdate(good);
      const store = createSqliteStore({ dataDir });
      await store.docs.append(id, [whole.subarray(0, whole.length - 100)], 'test');
      await store.close();
      const refusedBefore = await metric(srv.url, 'trellis_documents_refused_total');
      const loadsBefore = await metric(srv.url, 'trellis_document_load_seconds_count');
      const first = await sendRaw(srv.url, id, boss.token, []);
      expect(first.code).toBe(1011);
      expect(await metric(srv.url, 'trellis_documents_refused_total')).toBe(refusedBefore + 1);
      // Never integrated on the event loop.
      expect(await metric(srv.url, 'trellis_document_load_seconds_count')).toBe(loadsBefore);
    } finally {
      await srv.stop();
    }
  });

  it('[H15] a document vetted while small is tried again once it has more than doubled (the gate bounds each update, not their sum)', async () => {
    const dataDir = tempDir();
    let id = '';
    let boss: TestUser | null = null;
    const first = await startTestServer({ dataDir });
    try {
      boss = await login(first.url, 'grow@load.io');
      id = await createCollaboration(first.url, boss, 'Grows');
      const before = await trials(first.url);
      const reader = connect(first.url, id, boss.token);
      await synced(reader);
      reader.destroy();
      // Small: no trial, recorded as vetted at its size.
      expect(await trials(first.url)).toBe(before);
    } finally {
      await first.stop();
    }
    // It grows past twice its vetted size (here straight into the store: shaped content).
    const store = createSqliteStore({ dataDir });
    await store.docs.append(id, shapedLog(), 'test');
    await store.close();
    const second = await startTestServer({ dataDir });
    try {
      const before = await trials(second.url);
      expect(await openCode(second.url, id, boss!.token)).toBe(1011);
      expect(await trials(second.url)).toBe(before + 1);
    } finally {
      await second.stop();
    }
  });
});

describe('a viewer\'s refused updates that had to be placed', () => {
  /** One character inserted right after the owner's first, as client `client`: it competes with every other such insert. */
  const conflicting = (client: number, clock: number) => competingInserts(client, clock, 'notes', Y.createID(1, 0), null, 1);

  it('[H16][P8] are refused as forbidden, not cut off: the viewer\'s sockets stay open, a stock client converges back, others see nothing of them, and an editor\'s conflicting insert still goes in', async () => {
    const id = await createCollaboration(server.url, owner, 'Demoted');
    const vic = await login(server.url, 'vic@preflight.io');
    await addMember(server.url, owner, id, vic, 'viewer');
    await addMember(server.url, owner, id, mallory, 'editor');
    const { writer, check } = await seeded(server.url, id, owner.token, 'abcdef');
    // An editor demoted while offline typed "y" between "a" and "b"; meanwhile another editor typed "m" there.
    const offline = new Y.Doc();
    offline.clientID = 11;
    Y.applyUpdate(offline, Y.encodeStateAsUpdate(writer.doc));
    notesOf(offline).insert(1, 'y');
    const editor = connect(server.url, id, mallory.token);
    await synced(editor);
    notesOf(editor.doc).insert(1, 'm');
    await waitFor(() => notesOf(check.doc).toString() === 'ambcdef', 5_000, 'the editor\'s "m" seen');
    // The viewer's raw socket, opted in to acks, sends two inserts competing for the spot after "a".
    const raw = await sendListening(server.url, id, vic.token, [syncUpdateFrame(conflicting(9, 0)), syncUpdateFrame(conflicting(9, 1))]);
    await waitFor(() => raw.refusals.length === 2, 5_000, 'both refused');
    expect(raw.refusals.every((r) => r.includes('forbidden'))).toBe(true);
    // Back online, the viewer's stock client sends its "y" (it has to be placed past the "m"): it
    // is told to drop it, and converges back to what others see.
    const stock = connect(server.url, id, vic.token, { doc: offline });
    const stockCloses: number[] = [];
    stock.on('connection-close', (event: CloseEvent | null) => stockCloses.push(event?.code ?? 0));
    await synced(stock);
    await waitFor(() => notesOf(offline).toString() === 'ambcdef', 5_000, 'the stock client converged back');
    expect(notesOf(check.doc).toString()).toBe('ambcdef');
    // An editor's later conflicting insert goes in, and every client sees it.
    const later = await sendListening(server.url, id, mallory.token, [syncUpdateFrame(conflicting(8, 0))]);
    await waitFor(() => notesOf(check.doc).length === 8 && notesOf(offline).toString() === notesOf(check.doc).toString(), 5_000, 'the later insert seen');
    expect(notesOf(check.doc).toString().replace('x', '')).toBe('ambcdef');
    expect(later.refusals).toEqual([]);
    // No 4429, no penalty: both of the viewer's sockets are still open, and its next upgrade is accepted.
    expect(raw.ws.readyState).toBe(WebSocket.OPEN);
    expect(stock.wsconnected).toBe(true);
    expect(stockCloses).toEqual([]);
    const again = await open(server.url, id, vic.token);
    for (const ws of [again, raw.ws, later.ws]) ws.close();
    for (const p of [stock, editor, writer, check]) p.destroy();
  });

  it('[H16] a viewer that keeps sending them takes no more than its share of the room: then they are sent back (unavailable, 1013), and another member\'s conflicting inserts still fit', async () => {
    const srv = await startTestServer({ limits: UNRENEWED_ROOM });
    try {
      const boss = await login(srv.url, 'boss@share.io');
      const vic = await login(srv.url, 'vic@share.io');
      const frank = await login(srv.url, 'frank@share.io');
      const id = await createCollaboration(srv.url, boss, 'Share');
      await addMember(srv.url, boss, id, vic, 'viewer');
      await addMember(srv.url, boss, id, frank, 'editor');
      const text = 'ab'.padEnd(8 * 1024, 'x');
      const { writer, check } = await seeded(srv.url, id, boss.token, text);
      // 600 refused inserts, each placed as a tombstone that scans the ones before it and "b…":
      // half the room (50,000 units) holds 315 of them; the rest is sent back.
      const frames = Array.from({ length: 600 }, (_, i) => syncUpdateFrame(conflicting(9, i)));
      const first = await sendRaw(srv.url, id, vic.token, frames);
      expect(first.code).toBe(1013);
      expect(first.refusals.at(-1)).toContain('unavailable');
      const placed = first.refusals.filter((r) => r.includes('forbidden')).length;
      expect(placed).toBeGreaterThanOrEqual(310);
      expect(placed).toBeLessThanOrEqual(316);
      expect(first.refusals).toHaveLength(placed + 1);
      // Nothing the viewer wrote is there for others to see.
      expect(notesOf(check.doc).toString()).toBe(text);
      // Sent again after reconnecting (no penalty: the upgrade is accepted), still sent back.
      const again = await sendRaw(srv.url, id, vic.token, frames.slice(placed));
      expect(again.code).toBe(1013);
      expect(again.refusals).toHaveLength(1);
      expect(again.refusals[0]).toContain('unavailable');
      // The other half stays for the others: an editor's 40 inserts at the same spot go in.
      const fws = await open(srv.url, id, frank.token);
      const frankClosed: number[] = [];
      fws.on('close', (code) => frankClosed.push(code));
      for (let i = 0; i < 40; i++) fws.send(syncUpdateFrame(conflicting(8, i)));
      await waitFor(() => notesOf(check.doc).length === text.length + 40, 5_000, 'the editor\'s inserts placed');
      expect(frankClosed).toEqual([]);
      fws.close();
      writer.destroy();
      check.destroy();
    } finally {
      await srv.stop();
    }
  });
});
