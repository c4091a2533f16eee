// [S12] Presence ownership: a connection changes only the awareness client ids it introduced, whether
// the others' ids belong to clients of the same process or of another one on the same DATA_DIR.
import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as encoding from 'lib0/encoding';
import type { WebsocketProvider } from 'y-websocket';
import { addMember, connect, createCollaboration, login, startTestServer, synced, tempDir, waitFor } from '../testing/harness.ts';
import type { TestUser } from '../testing/harness.ts';
import type { RunningServer } from '../server.ts';

let a: RunningServer;
let b: RunningServer;
let owner: TestUser;
let viewer: TestUser;
let collab: string;
let ownerP: WebsocketProvider;
let onA: WebsocketProvider;
let onB: WebsocketProvider;
const open: WebSocket[] = [];

beforeAll(async () => {
  const dataDir = tempDir();
  a = await startTestServer({ dataDir });
  b = await startTestServer({ dataDir });
  owner = await login(a.url, 'owner@presence.io');
  viewer = await login(a.url, 'viewer@presence.io');
  const editor = await login(a.url, 'editor@presence.io');
  collab = await createCollaboration(a.url, owner);
  await addMember(a.url, owner, collab, viewer, 'viewer');
  await addMember(a.url, owner, collab, editor, 'editor');
  ownerP = connect(a.url, collab, owner.token);
  onA = connect(a.url, collab, editor.token);
  onB = connect(b.url, collab, editor.token);
  await Promise.all([synced(ownerP), synced(onA), synced(onB)]);
  ownerP.awareness.setLocalStateField('user', { name: 'owner' });
  await waitFor(() => nameSeen(onA, ownerP.awareness.clientID) === 'owner' && nameSeen(onB, ownerP.awareness.clientID) === 'owner', 10_000, 'owner present on both processes');
});

afterAll(async () => {
  for (const ws of open) ws.terminate();
  for (const p of [ownerP, onA, onB]) p.destroy();
  await b.stop();
  await a.stop();
});

function nameSeen(p: WebsocketProvider, clientId: number): string | null | undefined {
  const state = p.awareness.getStates().get(clientId) as { user?: { name?: string } } | undefined;
  return state === undefined ? undefined : (state.user?.name ?? null);
}

function raw(server: RunningServer, token: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/sync/${collab}?token=${token}`);
    open.push(ws);
    ws.on('open', () => resolve(ws));
    ws.on('error', reject);
  });
}

/** An awareness frame (type 1) with the given entries; a null state removes the client. */
function awarenessFrame(entries: [clientId: number, clock: number, state: unknown][]): Uint8Array {
  const inner = encoding.createEncoder();
  encoding.writeVarUint(inner, entries.length);
  for (const [clientId, clock, state] of entries) {
    encoding.writeVarUint(inner, clientId);
    encoding.writeVarUint(inner, clock);
    encoding.writeVarString(inner, JSON.stringify(state));
  }
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 1);
  encoding.writeVarUint8Array(e, encoding.toUint8Array(inner));
  return encoding.toUint8Array(e);
}

it('[S12] a viewer cannot rewrite another client\'s presence on its own process; its own new id is applied', async () => {
  const ws = await raw(a, viewer.token);
  const ownerId = ownerP.awareness.clientID;
  ws.send(awarenessFrame([[ownerId, 1_000, { user: { name: 'forged' } }], [424_201, 1, { user: { name: 'viewer' } }]]));
  // The frame's own entry arrives everywhere; the forged one, processed with it, must not.
  await waitFor(() => nameSeen(onA, 424_201) === 'viewer' && nameSeen(onB, 424_201) === 'viewer', 10_000, 'the viewer\'s own presence');
  expect(nameSeen(onA, ownerId)).toBe('owner');
  expect(nameSeen(onB, ownerId)).toBe('owner');
  expect(ownerP.awareness.getLocalState()).toMatchObject({ user: { name: 'owner' } });
});

it('[S12] a client of another process cannot rewrite or remove a presence relayed from the first', async () => {
  const ws = await raw(b, viewer.token);
  const ownerId = ownerP.awareness.clientID;
  ws.send(awarenessFrame([[ownerId, 2_000, { user: { name: 'forged' } }], [424_202, 1, { user: { name: 'viewer-b' } }]]));
  await waitFor(() => nameSeen(onA, 424_202) === 'viewer-b' && nameSeen(onB, 424_202) === 'viewer-b', 10_000, 'the second viewer\'s presence');
  ws.send(awarenessFrame([[ownerId, 3_000, null], [424_202, 2, { user: { name: 'viewer-b2' } }]]));
  await waitFor(() => nameSeen(onA, 424_202) === 'viewer-b2' && nameSeen(onB, 424_202) === 'viewer-b2', 10_000, 'the second viewer\'s renewal');
  expect(nameSeen(onA, ownerId)).toBe('owner');
  expect(nameSeen(onB, ownerId)).toBe('owner');
});

it('[S12] a connection cannot remove another local client\'s presence, but removes its own', async () => {
  const ws = await raw(a, viewer.token);
  const ownerId = ownerP.awareness.clientID;
  ws.send(awarenessFrame([[424_203, 1, { user: { name: 'temp' } }]]));
  await waitFor(() => nameSeen(onB, 424_203) === 'temp', 10_000, 'the temporary presence');
  ws.send(awarenessFrame([[ownerId, 4_000, null], [424_203, 2, null]]));
  await waitFor(() => nameSeen(onA, 424_203) === undefined && nameSeen(onB, 424_203) === undefined, 10_000, 'its own presence removed');
  expect(nameSeen(onA, ownerId)).toBe('owner');
  expect(nameSeen(onB, ownerId)).toBe('owner');
});

it('[S12] another connection of the same user takes over its client id (a reconnect before the old socket is noticed gone)', async () => {
  const ws = await raw(a, owner.token);
  const ownerId = ownerP.awareness.clientID;
  ws.send(awarenessFrame([[ownerId, 5_000, { user: { name: 'owner again' } }]]));
  await waitFor(() => nameSeen(onA, ownerId) === 'owner again' && nameSeen(onB, ownerId) === 'owner again', 10_000, 'the same user\'s takeover');
});
