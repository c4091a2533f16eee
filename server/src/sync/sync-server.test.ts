// The sync endpoint end to end with stock y-websocket providers against a real server.
import type { IncomingMessage } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import type { WebsocketProvider } from 'y-websocket';
import { appendMessage, findActivityMap, messagesOf, notesOf, activitiesOf } from '@trellis/schema';
import { createSqliteStore, loadStoredDoc } from '@trellis/store';
import { addMember, api, connect, createCollaboration, login, startTestServer, synced, waitFor, recordAcks } from '../testing/harness.ts';
import type { TestUser } from '../testing/harness.ts';
import type { RunningServer } from '../server.ts';

let server: RunningServer;
let owner: TestUser;
let editor: TestUser;
let viewer: TestUser;
let outsider: TestUser;
let collab: string;
const providers: WebsocketProvider[] = [];
const open = (token: string, opts: { ack?: boolean } = {}) => {
  const p = connect(server.url, collab, token, opts);
  providers.push(p);
  return p;
};

const storedDoc = (id = collab): Promise<Y.Doc> => loadStoredDoc(server.store, id);

beforeAll(async () => {
  server = await startTestServer();
  owner = await login(server.url, 'owner@t.io');
  editor = await login(server.url, 'editor@t.io');
  viewer = await login(server.url, 'viewer@t.io');
  outsider = await login(server.url, 'out@t.io');
  collab = await createCollaboration(server.url, owner);
  await addMember(server.url, owner, collab, editor, 'editor');
  await addMember(server.url, owner, collab, viewer, 'viewer');
});

afterAll(async () => {
  for (const p of providers) p.destroy();
  await server.stop();
});

function rawSocket(path: string): Promise<{ status: number | null; ws: WebSocket | null }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}${path}`);
    ws.on('unexpected-response', (_req, res) => resolve({ status: res.statusCode ?? null, ws: null }));
    ws.on('open', () => resolve({ status: 101, ws }));
    ws.on('error', () => resolve({ status: null, ws: null }));
  });
}

describe('sync endpoint', () => {
  it('[S1] refuses the upgrade: no or bad token → 401, not a member or unknown → 404', async () => {
    expect((await rawSocket(`/sync/${collab}`)).status).toBe(401);
    expect((await rawSocket(`/sync/${collab}?token=nope`)).status).toBe(401);
    expect((await rawSocket(`/sync/${collab}?token=${outsider.token}`)).status).toBe(404);
    expect((await rawSocket(`/sync/col_doesnotexist?token=${owner.token}`)).status).toBe(404);
    expect((await rawSocket(`/sync/..%2Fx?token=${owner.token}`)).status).toBe(404);
    const ok = await rawSocket(`/sync/${collab}?token=${owner.token}`);
    expect(ok.status).toBe(101);
    ok.ws?.close();
  });

  it('[S2][S3] two stock providers converge', async () => {
    const a = open(owner.token);
    const b = open(editor.token);
    await Promise.all([synced(a), synced(b)]);
    notesOf(a.doc).insert(0, 'from owner. ');
    appendMessage(b.doc, { id: 'msg-editor-1', authorId: editor.user.id, body: 'hello from editor', kind: 'user' });
    await waitFor(() => notesOf(b.doc).toString() === 'from owner. ' && messagesOf(a.doc).length === 1, 5000, 'convergence');
    expect(messagesOf(a.doc).get(0).get('body')).toBe('hello from editor');
    // Everything applied is durably stored.
    await waitFor(async () => notesOf(await storedDoc()).toString() === 'from owner. ', 5000, 'stored');
  });

  it('[P1][P3][P4] a viewer\'s write is never seen by others nor stored, and the viewer converges back', async () => {
    const other = open(editor.token);
    const v = open(viewer.token);
    await Promise.all([synced(other), synced(v)]);
    const before = notesOf(other.doc).toString();
    notesOf(v.doc).insert(0, 'VIEWER WROTE THIS ');
    // The viewer converges back without a reload...
    await waitFor(() => notesOf(v.doc).toString() === before, 5000, 'viewer converged back');
    // ...and others never see it, nor does the store.
    notesOf(other.doc).insert(notesOf(other.doc).length, 'marker');
    await waitFor(() => notesOf(v.doc).toString().endsWith('marker'), 5000, 'marker reached viewer');
    expect(notesOf(other.doc).toString()).not.toContain('VIEWER');
    expect(notesOf(await storedDoc()).toString()).not.toContain('VIEWER');
  });

  it('[P2][P3][P4] an editor\'s edit of someone else\'s message is never seen nor stored; the writer converges back', async () => {
    const o = open(owner.token);
    const e = open(editor.token);
    await Promise.all([synced(o), synced(e)]);
    appendMessage(o.doc, { id: 'msg-owner-1', authorId: owner.user.id, body: 'owner original', kind: 'user' });
    await waitFor(() => messagesOf(e.doc).toArray().some((m) => m.get('id') === 'msg-owner-1'), 5000, 'message reached editor');
    const target = messagesOf(e.doc).toArray().find((m) => m.get('id') === 'msg-owner-1')!;
    target.set('body', 'TAMPERED');
    await waitFor(() => target.get('body') === 'owner original', 5000, 'editor converged back');
    const seenByOwner = messagesOf(o.doc).toArray().find((m) => m.get('id') === 'msg-owner-1')!;
    expect(seenByOwner.get('body')).toBe('owner original');
    const stored = messagesOf(await storedDoc()).toArray().find((m) => m.get('id') === 'msg-owner-1')!;
    expect(stored.get('body')).toBe('owner original');
  });

  it('[S5] an `?ack=1` client receives a save acknowledgement covering its update once stored', async () => {
    const p = open(editor.token, { ack: true });
    const acks = recordAcks(p);
    await synced(p);
    notesOf(p.doc).insert(0, 'acked ');
    const clock = Y.getState(p.doc.store, p.doc.clientID);
    await waitFor(() => acks.ownClock >= clock, 5000, 'save ack');
    expect(notesOf(await storedDoc()).toString()).toContain('acked ');
  });

  it('[P5] an editor cannot cancel through the CRDT what policy routes through approval; the action API can request it', async () => {
    const res = await api<{ status: string }>(server.url, 'POST', `/api/collaborations/${collab}/actions/proposeActivity`, owner.token, { params: { title: 'Picnic' } });
    expect(res.status).toBe(200);
    const e = open(editor.token);
    await synced(e);
    await waitFor(() => activitiesOf(e.doc).length > 0, 5000, 'activity visible');
    const activityId = String(activitiesOf(e.doc).get(0).get('id'));
    expect((await api(server.url, 'PUT', `/api/collaborations/${collab}/policy`, owner.token, { policy: { cancelActivity: { editor: 'approval' } } })).status).toBe(200);
    await waitFor(() => server.sync.registry.get(collab)?.policy.cancelActivity?.editor === 'approval', 3000, 'policy reached the gate');
    findActivityMap(e.doc, activityId)!.set('status', 'cancelled');
    await waitFor(() => findActivityMap(e.doc, activityId)!.get('status') === 'proposed', 5000, 'status reverted');
    expect(findActivityMap(await storedDoc(), activityId)!.get('status')).toBe('proposed');
    const viaApi = await api<{ status: string }>(server.url, 'POST', `/api/collaborations/${collab}/actions/cancelActivity`, editor.token, { params: { activityId } });
    expect(viaApi.status).toBe(202);
    expect(viaApi.body.status).toBe('pending_approval');
  });

  it('action through REST appears live in a connected stock client', async () => {
    const p = open(viewer.token);
    await synced(p);
    const res = await api(server.url, 'POST', `/api/collaborations/${collab}/actions/sendMessage`, owner.token, { params: { body: 'sent over REST' } });
    expect(res.status).toBe(200);
    await waitFor(() => messagesOf(p.doc).toArray().some((m) => m.get('body') === 'sent over REST'), 5000, 'REST message live');
  });

  it('CRDT edits are summarised in the audit log (who, which roots, bytes, refusals)', async () => {
    const p = open(viewer.token);
    const e = open(editor.token);
    await Promise.all([synced(p), synced(e)]);
    notesOf(e.doc).insert(0, 'audited ');
    notesOf(p.doc).insert(0, 'refused ');
    await waitFor(() => !notesOf(p.doc).toString().includes('refused'), 5000, 'viewer reverted');
    await waitFor(async () => notesOf(await storedDoc()).toString().includes('audited'), 5000, 'stored');
    e.disconnect();
    p.disconnect();
    type Entry = { kind: string; actor: { userId?: string }; detail: { roots?: string[]; bytes?: number; refused?: number } };
    await waitFor(async () => {
      const res = await api<{ items: Entry[] }>(server.url, 'GET', `/api/collaborations/${collab}/audit?limit=100`, owner.token);
      const mine = res.body.items.find((x) => x.kind === 'crdt' && x.actor.userId === editor.user.id);
      const refused = res.body.items.find((x) => x.kind === 'refused-update' && x.actor.userId === viewer.user.id);
      return Boolean(mine?.detail.roots?.includes('notes') && (mine.detail.bytes ?? 0) > 0 && (refused?.detail.refused ?? 0) > 0);
    }, 5000, 'audit summaries');
  });

  it('keeps a JSON projection of the document for queries', async () => {
    const p = open(editor.token);
    await synced(p);
    appendMessage(p.doc, { id: 'msg-projected', authorId: editor.user.id, body: 'projected message', kind: 'user' });
    await waitFor(async () => {
      const proj = await server.store.projections.get(collab);
      return Boolean(proj?.messages.recent.some((m) => m.id === 'msg-projected') && proj.activities.some((a) => a.title === 'Picnic'));
    }, 8000, 'projection');
    const proj = (await server.store.projections.get(collab))!;
    expect(proj.seq).toBeGreaterThan(0);
    expect(proj.notes.excerpt.length).toBeGreaterThan(0);
  });

  it('[S16] a server stopped right after an edit has stored its projection', async () => {
    const own = await startTestServer();
    let stopped = false;
    try {
      const who = await login(own.url, 'stopper@example.com');
      const id = await createCollaboration(own.url, who);
      const p = connect(own.url, id, who.token);
      await synced(p);
      notesOf(p.doc).insert(0, 'written just before a restart');
      await waitFor(async () => notesOf(await loadStoredDoc(own.store, id)).toString().length > 0, 5000, 'stored');
      const lastSeq = (await own.store.docs.load(id)).lastSeq;
      p.disconnect();
      // Well inside the 2 s before the projection would be refreshed.
      await own.stop();
      stopped = true;
      const after = createSqliteStore({ dataDir: own.dataDir });
      try {
        const proj = await after.projections.get(id);
        expect(proj?.seq).toBe(lastSeq);
        expect(proj?.notes.excerpt).toContain('written just before a restart');
      } finally {
        await after.close();
      }
    } finally {
      if (!stopped) await own.stop();
    }
  });

  it('[S16] a document whose projection lags its stored updates (a process stopped before its sweep) is projected when next opened', async () => {
    const id = await createCollaboration(server.url, owner);
    // Stored by a process that died before projecting it.
    const writer = new Y.Doc();
    notesOf(writer).insert(0, 'stored before a crash');
    await server.store.docs.append(id, [Y.encodeStateAsUpdate(writer)], 'a-process-that-crashed');
    const lastSeq = (await server.store.docs.load(id)).lastSeq;
    expect((await server.store.projections.get(id))?.seq ?? 0).toBeLessThan(lastSeq);
    // Someone opens it and changes nothing.
    const p = connect(server.url, id, owner.token);
    providers.push(p);
    await synced(p);
    await waitFor(async () => (await server.store.projections.get(id))?.seq === lastSeq, 5000, 'projection caught up');
    expect((await server.store.projections.get(id))?.notes.excerpt).toContain('stored before a crash');
  });

  it('GET /metrics reports connections, documents, updates, bytes, persist latency and refusals', async () => {
    const p = open(editor.token);
    await synced(p);
    notesOf(p.doc).insert(0, 'm');
    await waitFor(async () => notesOf(await storedDoc()).toString().startsWith('m'), 5000, 'stored');
    const text = await (await fetch(`${server.url}/metrics`)).text();
    const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
    expect(value('trellis_connections')).toBeGreaterThan(0);
    expect(value('trellis_documents_loaded')).toBeGreaterThan(0);
    expect(value('trellis_updates_applied_total')).toBeGreaterThan(0);
    expect(value('trellis_update_bytes_in_total')).toBeGreaterThan(0);
    expect(value('trellis_updates_refused_total')).toBeGreaterThan(0);
    expect(value('trellis_persist_seconds_count')).toBeGreaterThan(0);
    expect(text).toContain('trellis_fanout_lag_seconds_bucket');
    // Sync-path writes are on the SQLite write thread, not on the event loop.
    expect(value('trellis_write_thread_fallback')).toBe(0);
    expect(value('trellis_peers')).toBe(0);
  });

  it('[P7] a removed member\'s socket is closed; a downgraded member\'s writes are refused', async () => {
    const temp = await login(server.url, 'temp@t.io');
    await addMember(server.url, owner, collab, temp, 'editor');
    const p = open(temp.token);
    await synced(p);
    const closes: number[] = [];
    p.on('connection-close', (ev: { code: number } | null) => closes.push(ev?.code ?? 0));
    expect((await api(server.url, 'PATCH', `/api/collaborations/${collab}/members/${temp.user.id}`, owner.token, { role: 'viewer' })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    notesOf(p.doc).insert(0, 'DOWNGRADED ');
    await waitFor(() => !notesOf(p.doc).toString().includes('DOWNGRADED'), 5000, 'downgraded write reverted');
    const started = Date.now();
    expect((await api(server.url, 'DELETE', `/api/collaborations/${collab}/members/${temp.user.id}`, owner.token)).status).toBeLessThan(300);
    await waitFor(() => closes.includes(4403), 2000, 'socket closed with 4403');
    expect(Date.now() - started).toBeLessThan(1500);
    p.disconnect();
  });
});

describe('what an open socket keeps', () => {
  it('[S15] an open sync socket does not keep its upgrade request (its headers, and the URL with the token)', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const requests: WeakRef<IncomingMessage>[] = [];
    const watch = (req: IncomingMessage) => requests.push(new WeakRef(req));
    server.http.prependListener('upgrade', watch);
    const p = open(editor.token);
    try {
      await synced(p);
      notesOf(p.doc).insert(0, 'still here ');
      server.http.off('upgrade', watch);
      expect(requests).toHaveLength(1);
      // Collected once its promises have settled: a few turns and collections.
      await waitFor(async () => {
        await new Promise((r) => setImmediate(r));
        gc();
        return requests[0]!.deref() === undefined;
      }, 5_000, 'the upgrade request collected');
      expect(p.wsconnected).toBe(true);
      const reader = open(owner.token);
      await waitFor(() => notesOf(reader.doc).toString().startsWith('still here '), 5_000, 'the socket still delivers');
    } finally {
      server.http.off('upgrade', watch);
    }
  });
});
