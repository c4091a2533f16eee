// [H6] Work an update causes beyond its own structs is charged too. Deleting costs what Yjs's
// cleanup does with it, not what the delete set says: a few bytes that remove thousands of entries
// (or text shaped so its deleted runs stay apart) make Yjs splice its struct arrays once per run,
// each splice moving everything right of it. And a new entry is checked against every id of its
// list ([P9]): in a long list that read is the work. Oracle: what another client and the stored
// log (a restarted server) see, and the writer's close code.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import type { WebsocketProvider } from 'y-websocket';
import { appendMessage, messagesOf, notesOf } from '@trellis/schema';
import { applyGated } from './apply-gated.ts';
import type { ClientOrigin } from './apply-gated.ts';
import { editHeavyNotes, syncUpdateFrame } from './testing/crafted.ts';
import { addMember, connect, createCollaboration, login, startTestServer, storedDoc, synced, waitFor } from '../../testing/harness.ts';
import type { TestUser } from '../../testing/harness.ts';
import type { RunningServer } from '../../server.ts';

let server: RunningServer & { dataDir: string };
let owner: TestUser;
let mallory: TestUser;
let collab: string;
let bystander: WebsocketProvider;

beforeAll(async () => {
  server = await startTestServer();
  owner = await login(server.url, 'owner@merge.io');
  mallory = await login(server.url, 'mallory@merge.io');
  collab = await createCollaboration(server.url, owner);
  await addMember(server.url, owner, collab, mallory, 'editor');
  // Stored before anyone opens it, as written over weeks: 3,250 of mallory's messages, then 8,000 of the owner's.
  const history = new Y.Doc();
  history.clientID = 7;
  history.transact(() => {
    for (let i = 0; i < 3_250; i++) appendMessage(history, { id: `mm${i}`, authorId: mallory.user.id, body: 'hi', kind: 'user' });
  });
  history.clientID = 8;
  history.transact(() => {
    for (let i = 0; i < 8_000; i++) appendMessage(history, { id: `o${i}`, authorId: owner.user.id, body: 'hi', kind: 'user' });
  });
  await server.store.docs.append(collab, [Y.encodeStateAsUpdate(history)], 'test-seed');
  bystander = connect(server.url, collab, owner.token);
  await synced(bystander);
}, 60_000);

afterAll(async () => {
  bystander.destroy();
  await server.stop();
});

function open(token: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/sync/${collab}?token=${token}`);
    ws.on('open', () => resolve(ws));
    ws.on('error', reject);
  });
}

const ownMessages = (d: Y.Doc, userId: string) => messagesOf(d).toArray().filter((m) => m.get('authorId') === userId).length;

/** What deleting the first `n` of `writer`'s messages sends (the writer itself is left as it is). */
function deletion(writer: Y.Doc, n: number): Uint8Array {
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(writer));
  const sv = Y.encodeStateVector(copy);
  copy.transact(() => {
    for (let i = messagesOf(copy).length - 1, left = n; i >= 0 && left > 0; i--) {
      if (messagesOf(copy).get(i).get('authorId') === mallory.user.id) {
        messagesOf(copy).delete(i, 1);
        left--;
      }
    }
  });
  return Y.encodeStateAsUpdate(copy, sv);
}

describe('the cost of what an update deletes', () => {
  it('[H6] an editor deleting 3,000 of their own messages in one update (a few bytes) is refused before integration (4429); others and the stored log keep every message, and a bulk delete of 250 still passes', async () => {
    expect(ownMessages(bystander.doc, mallory.user.id)).toBe(3_250);
    const mine = new Y.Doc();
    Y.applyUpdate(mine, Y.encodeStateAsUpdate(bystander.doc));

    const ws = await open(mallory.token);
    ws.send(syncUpdateFrame(deletion(mine, 250)));
    await waitFor(() => ownMessages(bystander.doc, mallory.user.id) === 3_000, 10_000, 'the bulk delete');
    const closed = new Promise<number | 'still open'>((resolve) => {
      ws.on('close', (code) => resolve(code));
      setTimeout(() => resolve('still open'), 10_000);
    });
    const attack = deletion(mine, 3_250);
    expect(attack.length).toBeLessThan(100);
    ws.send(syncUpdateFrame(attack));
    expect(await closed).toBe(4429);

    expect(ownMessages(bystander.doc, mallory.user.id)).toBe(3_000);
    await server.stop();
    expect(ownMessages(await storedDoc(server.dataDir, collab), mallory.user.id)).toBe(3_000);
    const dataDir = server.dataDir;
    server = await startTestServer({ dataDir });
    const reader = connect(server.url, collab, owner.token);
    await synced(reader);
    expect(ownMessages(reader.doc, mallory.user.id)).toBe(3_000);
    reader.destroy();
    bystander.destroy();
    bystander = connect(server.url, collab, owner.token);
  }, 120_000);

  it('[H6] notes typed so their deleted runs cannot merge with their neighbours are refused when deleted at once; an honestly edited note of the same size is not', () => {
    // Per group: "ab" typed at the end, "b" deleted (a deleted run "a" can later merge with), then
    // "c" typed at the start (a neighbour by clock that merges with neither): every stock client
    // can send this, one keystroke at a time.
    const server = new Y.Doc();
    server.clientID = 1;
    const notes = notesOf(server);
    for (let g = 0; g < 3_000; g++) {
      notes.insert(notes.length, 'ab');
      notes.delete(notes.length - 1, 1);
      notes.insert(0, 'c');
    }
    const honest = new Y.Doc();
    Y.applyUpdate(honest, editHeavyNotes(9_000));
    for (const [doc, expected] of [[server, false], [honest, true]] as const) {
      const writer = new Y.Doc();
      writer.clientID = 50;
      Y.applyUpdate(writer, Y.encodeStateAsUpdate(doc));
      const sv = Y.encodeStateVector(writer);
      const before = notesOf(doc).toString();
      notesOf(writer).delete(0, notesOf(writer).length);
      const origin: ClientOrigin = { kind: 'client', connId: 1, refused: false };
      const result = applyGated(doc, Y.encodeStateAsUpdate(writer, sv), { userId: 'mallory', role: 'editor', policy: {} }, origin);
      expect(result.ok).toBe(expected);
      if (expected) expect(notesOf(doc).toString()).toBe('');
      else {
        expect(result).toMatchObject({ ok: false, code: 'too_costly' });
        expect(notesOf(doc).toString()).toBe(before);
      }
    }
  });
});

describe('the id uniqueness check of a long list', () => {
  it('[H6][P9] one-message updates streamed into a list of 11,250 messages (250 of them removed) are charged for the list they are checked against: the sender is cut off (4429), everyone else keeps working', async () => {
    await synced(bystander);
    const reader = connect(server.url, collab, owner.token);
    await synced(reader);
    expect(messagesOf(reader.doc).length).toBe(11_000);

    // Each update is one honest-looking message (a few units by its own structs).
    const writer = new Y.Doc();
    Y.applyUpdate(writer, Y.encodeStateAsUpdate(reader.doc));
    const before = ownMessages(reader.doc, mallory.user.id);
    const ws = await open(mallory.token);
    const closed = new Promise<number | 'still open'>((resolve) => {
      ws.on('close', (code) => resolve(code));
      setTimeout(() => resolve('still open'), 10_000);
    });
    for (let i = 0; i < 100; i++) {
      const sv = Y.encodeStateVector(writer);
      appendMessage(writer, { id: `f${i}`, authorId: mallory.user.id, body: `flood ${i}`, kind: 'user' });
      ws.send(syncUpdateFrame(Y.encodeStateAsUpdate(writer, sv)));
    }
    expect(await closed).toBe(4429);

    expect(ownMessages(reader.doc, mallory.user.id) - before).toBeLessThan(100);
    appendMessage(bystander.doc, { id: 'after', authorId: owner.user.id, body: 'still here', kind: 'user' });
    await waitFor(() => messagesOf(reader.doc).toArray().some((m) => m.get('id') === 'after'), 10_000, 'the owner\'s next message');
    reader.destroy();
  }, 120_000);
});
