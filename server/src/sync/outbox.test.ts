// [H12] Every document under the size cap opens, even asked for twice in a row; [H5] the slow-consumer
// rule still ends a client that takes nothing. Real servers and real WebSocket clients on loopback.
import { afterEach, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { notesOf } from '@trellis/schema';
import { connect, createCollaboration, login, startTestServer, synced, waitFor } from '../testing/harness.ts';
import type { RunningServer } from '../server.ts';

const MAX_DOC_BYTES = 10 * 1024 * 1024;
let server: RunningServer | null = null;
const sockets: WebSocket[] = [];

afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  await server?.stop();
  server = null;
});

/** A stored collaboration whose document is one update of about `bytes` bytes (notes text). */
async function collaborationOfSize(s: RunningServer, bytes: number): Promise<{ token: string; collab: string; text: string }> {
  const owner = await login(s.url, `owner-${bytes}@big.io`);
  const collab = await createCollaboration(s.url, owner);
  const chars = 'abcdefghijklmnopqrstuvwxyz0123456789 ';
  let text = '';
  const block = Array.from({ length: 4096 }, (_, i) => chars[(i * 7919) % chars.length]).join('');
  while (text.length < bytes - 200) text += block;
  text = text.slice(0, bytes - 200);
  const doc = new Y.Doc();
  notesOf(doc).insert(0, text);
  const update = Y.encodeStateAsUpdate(doc);
  expect(update.length).toBeLessThan(bytes);
  await s.store.docs.append(collab, [update], 'test-seed');
  return { token: owner.token, collab, text };
}

const syncStep1 = (): Uint8Array => {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 0);
  encoding.writeVarUint(e, 0);
  encoding.writeVarUint8Array(e, Y.encodeStateVector(new Y.Doc()));
  return encoding.toUint8Array(e);
};

/** A raw client: counts sync step 2 replies (decoded into fresh docs) and incremental updates. */
function rawClient(s: RunningServer, collab: string, token: string) {
  const ws = new WebSocket(`${s.url.replace('http', 'ws')}/sync/${collab}?token=${token}`);
  sockets.push(ws);
  const seen = { step2: [] as string[], updates: 0, closeCode: null as number | null };
  ws.on('message', (data: Buffer) => {
    const d = decoding.createDecoder(new Uint8Array(data));
    if (decoding.readVarUint(d) !== 0) return;
    const kind = decoding.readVarUint(d);
    if (kind === 1) {
      const doc = new Y.Doc();
      Y.applyUpdate(doc, decoding.readVarUint8Array(d));
      seen.step2.push(notesOf(doc).toString());
    } else if (kind === 2) seen.updates++;
  });
  ws.on('close', (code) => (seen.closeCode = code));
  ws.on('error', () => undefined);
  const opened = new Promise<void>((resolve, reject) => ws.once('open', () => resolve()).once('error', reject));
  return { ws, seen, opened };
}

it('[H12] a document close to the 10 MiB cap reaches a fresh client whole, twice in a row, and the client stays connected', async () => {
  server = await startTestServer();
  const { token, collab, text } = await collaborationOfSize(server, MAX_DOC_BYTES - 64 * 1024);
  const client = rawClient(server, collab, token);
  await client.opened;
  // Two requests back to back, as a provider's periodic resync may send while the first is in flight.
  client.ws.send(syncStep1());
  client.ws.send(syncStep1());
  await waitFor(() => client.seen.step2.length === 2 || client.seen.closeCode !== null, 60_000, 'both replies');
  expect(client.seen.closeCode).toBeNull();
  expect(client.seen.step2.map((t) => t.length)).toEqual([text.length, text.length]);
  expect(client.seen.step2.every((t) => t === text)).toBe(true);

  // A stock provider opens it too, and the raw client is still served live edits.
  const provider = connect(server.url, collab, token);
  try {
    await synced(provider);
    expect(notesOf(provider.doc).length).toBe(text.length);
    notesOf(provider.doc).insert(0, 'z');
    await waitFor(() => client.seen.updates > 0, 10_000, 'a live edit after the large replies');
  } finally {
    provider.destroy();
  }
  expect(client.seen.closeCode).toBeNull();
  expect(client.ws.readyState).toBe(WebSocket.OPEN);

  // The next fresh client gets the document as it is now, edit included.
  const late = rawClient(server, collab, token);
  await late.opened;
  late.ws.send(syncStep1());
  await waitFor(() => late.seen.step2.length === 1, 60_000, 'the late reply');
  expect(late.seen.step2[0]).toBe(`z${text}`);
}, 120_000);

it('[H5] a client that never reads is terminated once it has drained nothing for the grace period', async () => {
  server = await startTestServer({ limits: { slowConsumerGraceMs: 300, pingIntervalMs: 600_000 } });
  const { token, collab } = await collaborationOfSize(server, 2 * 1024 * 1024);
  const client = rawClient(server, collab, token);
  await client.opened;
  const asked = 6;
  for (let i = 0; i < asked; i++) client.ws.send(syncStep1());
  // Stop reading: the replies (≈ 12 MB) pile up on the server's side.
  client.ws.pause();
  await new Promise((r) => setTimeout(r, 2_000));
  client.ws.resume();
  // Whatever was already in flight arrives, then the connection ends without a close frame.
  await waitFor(() => client.seen.closeCode !== null, 20_000, 'the slow consumer cut off');
  expect(client.seen.closeCode).toBe(1006);
  expect(client.seen.step2.length).toBeLessThan(asked);
}, 60_000);
