// [H1]–[H4]: hostile frames close only the offending connection; the process and other clients go on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as encoding from 'lib0/encoding';
import type { WebsocketProvider } from 'y-websocket';
import { notesOf } from '@trellis/schema';
import { connect, createCollaboration, login, startTestServer, synced, waitFor } from '../testing/harness.ts';
import type { TestUser } from '../testing/harness.ts';
import type { RunningServer } from '../server.ts';

let server: RunningServer;
let owner: TestUser;
let collab: string;
let bystander: WebsocketProvider;

beforeAll(async () => {
  server = await startTestServer({ limits: { maxPayloadBytes: 64 * 1024, maxDocBytes: 200 * 1024 } });
  owner = await login(server.url, 'owner@h.io');
  collab = await createCollaboration(server.url, owner);
  bystander = connect(server.url, collab, owner.token);
  await synced(bystander);
});

afterAll(async () => {
  bystander.destroy();
  await server.stop();
});

function openRaw(): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/sync/${collab}?token=${owner.token}`);
    ws.on('open', () => resolve(ws));
    ws.on('error', reject);
  });
}

function closeCodeAfter(ws: WebSocket, send: (ws: WebSocket) => void): Promise<number> {
  return new Promise((resolve) => {
    ws.on('close', (code) => resolve(code));
    ws.on('error', () => undefined);
    send(ws);
  });
}

const bytes = (...parts: number[]) => new Uint8Array(parts);
function frame(write: (e: encoding.Encoder) => void): Uint8Array {
  const e = encoding.createEncoder();
  write(e);
  return encoding.toUint8Array(e);
}
function deeplyNestedUpdate(depth: number): Uint8Array {
  // One struct whose ContentAny value is an array nested `depth` levels deep.
  return frame((e) => {
    encoding.writeVarUint(e, 0); // sync
    encoding.writeVarUint(e, 2); // update
    const inner = encoding.createEncoder();
    encoding.writeVarUint(inner, 1); // one client
    encoding.writeVarUint(inner, 1); // one struct
    encoding.writeVarUint(inner, 12345); // client id
    encoding.writeVarUint(inner, 0); // clock
    encoding.writeUint8(inner, 8); // ContentAny, no origins: parent info follows
    encoding.writeVarUint(inner, 1); // parentYKey follows
    encoding.writeVarString(inner, 'notes');
    encoding.writeVarUint(inner, 1); // one value
    for (let i = 0; i < depth; i++) {
      encoding.writeUint8(inner, 117); // array
      encoding.writeVarUint(inner, 1);
    }
    encoding.writeUint8(inner, 127); // undefined
    encoding.writeVarUint(inner, 0); // empty delete set
    encoding.writeVarUint8Array(e, encoding.toUint8Array(inner));
  });
}

const hostile: [string, (ws: WebSocket) => void, number[]][] = [
  ['an empty frame', (ws) => ws.send(bytes()), [1002]],
  ['a truncated varint', (ws) => ws.send(bytes(0x80, 0x80)), [1002]],
  ['an unknown message type', (ws) => ws.send(bytes(42, 1, 2)), [1002]],
  ['a huge length prefix', (ws) => ws.send(bytes(0, 2, 0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2)), [1002]],
  ['an empty update', (ws) => ws.send(bytes(0, 2, 0)), [1002]],
  ['a text frame', (ws) => ws.send('hello'), [1003]],
  ['an oversize frame', (ws) => ws.send(new Uint8Array(80 * 1024)), [1009]],
  ['a malformed state vector', (ws) => ws.send(bytes(0, 0, 3, 0xff, 0xff, 0xff)), [1002]],
  ['a malformed awareness update', (ws) => ws.send(bytes(1, 3, 0xff, 0xff, 0xff)), [1002]],
];

describe('hostile frames', () => {
  for (const [name, send, codes] of hostile) {
    it(`[H1][H3] ${name} closes only that connection`, async () => {
      const ws = await openRaw();
      const code = await closeCodeAfter(ws, send);
      expect(codes).toContain(code);
      notesOf(bystander.doc).insert(0, 'x');
      await waitFor(async () => {
        const loaded = await server.store.docs.load(collab);
        return loaded.lastSeq > 0;
      }, 5000, 'bystander still stored');
      expect(bystander.wsconnected).toBe(true);
    });
  }

  it('[H3] a deeply nested structure is refused without crashing', async () => {
    const ws = await openRaw();
    const messages: Buffer[] = [];
    ws.on('message', (m: Buffer) => messages.push(m));
    ws.send(deeplyNestedUpdate(30_000));
    // Refused as an update (auth permissionDenied frame, type 2), never applied.
    await waitFor(() => messages.some((m) => m[0] === 2), 5000, 'refusal');
    expect(notesOf(bystander.doc).toString()).not.toContain('undefined');
    ws.close();
  });

  it('[H2] a document over the size cap refuses growth with a clear close reason', async () => {
    const ws = await openRaw();
    const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    const p = connect(server.url, collab, owner.token);
    await synced(p);
    for (let i = 0; i < 8; i++) notesOf(p.doc).insert(0, 'y'.repeat(40 * 1024));
    await waitFor(() => !p.wsconnected || p.ws === null, 5000, 'big writer closed').catch(() => undefined);
    p.destroy();
    ws.close();
    await closed;
    // The process is alive and serving.
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
  });

  it('[H4] flooding updates past the rate limit closes with 4429', async () => {
    const ws = await openRaw();
    const code = await closeCodeAfter(ws, (s) => {
      for (let i = 0; i < 400; i++) s.send(bytes(0, 2, 2, 0, 0));
    });
    expect(code).toBe(4429);
  });
});
