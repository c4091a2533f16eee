// [P11] A member cannot write under another member's client id: squatting the next clocks of an
// editor who is offline would make the server drop the editor's work when it comes back (taken as
// known) and its refusal's tombstones would delete the editor's own copy. Oracle: what the editor
// and another member end up with.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import type { WebsocketProvider } from 'y-websocket';
import { notesOf } from '@trellis/schema';
import { craft, syncUpdateFrame } from './testing/crafted.ts';
import { addMember, connect, createCollaboration, login, startTestServer, synced, waitFor } from '../../testing/harness.ts';
import type { TestUser } from '../../testing/harness.ts';
import type { RunningServer } from '../../server.ts';

let server: RunningServer;
let owner: TestUser;
let vic: TestUser;
let mallory: TestUser;
let collab: string;
let bystander: WebsocketProvider;

beforeAll(async () => {
  server = await startTestServer();
  owner = await login(server.url, 'owner@owners.io');
  vic = await login(server.url, 'vic@owners.io');
  mallory = await login(server.url, 'mallory@owners.io');
  collab = await createCollaboration(server.url, owner);
  await addMember(server.url, owner, collab, vic, 'editor');
  await addMember(server.url, owner, collab, mallory, 'viewer');
  bystander = connect(server.url, collab, owner.token);
  await synced(bystander);
});

afterAll(async () => {
  bystander.destroy();
  await server.stop();
});

/** What mallory sends: `n` characters under `client` at `clock`, after the struct ending at `origin`. */
function squat(client: number, clock: number, origin: Y.ID, n: number): Uint8Array {
  return craft(new Map([[client, [new Y.Item(Y.createID(client, clock), null, origin, null, null, null, null, new Y.ContentString('x'.repeat(n)))]]]));
}

describe('client ids belong to who introduced them', () => {
  it('[P11] a viewer writing at an offline editor\'s next clocks is refused with nothing integrated; the editor\'s offline work reaches everyone when it reconnects', async () => {
    const editor = connect(server.url, collab, vic.token);
    await synced(editor);
    notesOf(editor.doc).insert(0, 'plan: ');
    await waitFor(() => notesOf(bystander.doc).toString() === 'plan: ', 10_000, 'the editor\'s first words');
    editor.disconnect();
    notesOf(editor.doc).insert(6, 'hike on sunday');

    const id = editor.doc.clientID;
    const known = Y.getState(bystander.doc.store, id);
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/sync/${collab}?token=${mallory.token}&ack=1`);
    await new Promise((resolve) => ws.on('open', resolve));
    const refused = new Promise<string>((resolve) => ws.on('message', (data: Buffer) => data[0] === 101 && resolve(data.subarray(2).toString())));
    ws.send(syncUpdateFrame(squat(id, known, Y.createID(id, known - 1), 40)));
    expect(JSON.parse(await refused)).toMatchObject({ code: 'forbidden' });
    expect(Y.getState(bystander.doc.store, id)).toBe(known);
    ws.close();

    editor.connect();
    await waitFor(() => notesOf(bystander.doc).toString() === 'plan: hike on sunday', 10_000, 'the offline work at the bystander');
    expect(notesOf(editor.doc).toString()).toBe('plan: hike on sunday');
    editor.destroy();
  }, 60_000);
});
