// [S10] processes on one DATA_DIR forward applied updates to each other directly: other clients see
// an edit before it is stored, save acks never claim forwarded content before its writer stored it,
// presence is shared as soon as a process loads a document, and a malformed peer frame ends only
// that link.
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { WebsocketProvider } from 'y-websocket';
import { notesOf } from '@trellis/schema';
import { connect, createCollaboration, holdWriteLock, recordAcks, login, metric, startTestServer, storedDoc, synced, tempDir, waitFor } from '../../testing/harness.ts';

const providers: WebsocketProvider[] = [];
afterEach(() => {
  for (const p of providers.splice(0)) p.destroy();
});

async function twoServers() {
  const dataDir = tempDir();
  const a = await startTestServer({ dataDir });
  const b = await startTestServer({ dataDir });
  await waitFor(() => a.sync.relay!.peerIds.includes(b.instanceId) && b.sync.relay!.peerIds.includes(a.instanceId), 10_000, 'processes linked');
  return { dataDir, a, b, stop: () => Promise.all([a.stop(), b.stop()]) };
}

describe('direct links between processes', () => {
  it('[S10] an edit reaches clients of another process before it is stored; acks there wait for the store', async () => {
    const { dataDir, a, b, stop } = await twoServers();
    try {
      const owner = await login(a.url, 'o@peer.io');
      const collab = await createCollaboration(a.url, owner);
      const writer = connect(a.url, collab, owner.token);
      const reader = connect(b.url, collab, owner.token, { ack: true });
      providers.push(writer, reader);
      const acks = recordAcks(reader);
      await Promise.all([synced(writer), synced(reader)]);
      await waitFor(() => b.sync.registry.get(collab) !== undefined && a.sync.registry.get(collab) !== undefined, 5000, 'loaded on both');
      const stored = async () => (await a.store.docs.load(collab)).lastSeq;
      const seqBefore = await stored();
      // Nobody can write to the store while this connection holds the lock.
      const lock = holdWriteLock(dataDir);
      let clock = 0;
      try {
        notesOf(writer.doc).insert(0, 'fast path');
        clock = Y.getState(writer.doc.store, writer.doc.clientID);
        await waitFor(() => notesOf(reader.doc).toString() === 'fast path', 5000, 'reader on the other process sees the edit');
        expect(await stored()).toBe(seqBefore);
        expect(await metric(b.url, 'trellis_peer_unconfirmed_updates')).toBeGreaterThan(0);
        // Trigger an ack on the reader's process: its own edit cannot be stored either, but the
        // point is what any ack says about the writer's forwarded edit.
        await new Promise((r) => setTimeout(r, 300));
        expect(acks.all.every((sv) => (sv.get(writer.doc.clientID) ?? 0) < clock)).toBe(true);
      } finally {
        lock.release();
      }
      // Once the writer's process stores it, the change feed confirms it and acks may cover it.
      notesOf(reader.doc).insert(0, '!');
      await waitFor(() => acks.all.some((sv) => (sv.get(writer.doc.clientID) ?? 0) >= clock), 20_000, 'an ack covering the forwarded edit');
      expect(await metric(b.url, 'trellis_peer_updates_total')).toBeGreaterThan(0);
      await waitFor(async () => (await metric(b.url, 'trellis_peer_unconfirmed_updates')) === 0, 10_000, 'every forwarded update seen stored');
    } finally {
      await stop();
    }
  }, 60_000);

  it('[S10] a process that loads a document learns at once who is present on the others', async () => {
    const { a, b, stop } = await twoServers();
    try {
      const owner = await login(a.url, 'o@presence.io');
      const collab = await createCollaboration(a.url, owner);
      const alice = connect(a.url, collab, owner.token);
      providers.push(alice);
      await synced(alice);
      // Once her edit is stored, a's write thread is up: her presence is published at once too.
      notesOf(alice.doc).insert(0, 'hi');
      await waitFor(async () => notesOf(await storedDoc(a.dataDir, collab)).toString() === 'hi', 10_000, 'edit stored');
      alice.awareness.setLocalStateField('user', { name: 'alice' });
      await waitFor(() => a.sync.registry.get(collab)?.localAwareness() != null, 5000, 'alice present on her process');
      // Long after the store-based relay published alice, b loads the document (as an engine
      // read would): without the links it would learn of her only at her next 15 s renewal.
      await new Promise((r) => setTimeout(r, 500));
      expect(b.sync.registry.get(collab)).toBeUndefined();
      await b.sync.registry.read(collab, () => undefined);
      await waitFor(() => b.sync.registry.get(collab)?.awareness.getStates().has(alice.awareness.clientID) === true, 2000, 'b knows alice is present');
      const bob = connect(b.url, collab, owner.token);
      providers.push(bob);
      await synced(bob);
      await waitFor(() => (bob.awareness.getStates().get(alice.awareness.clientID) as { user?: { name?: string } } | undefined)?.user?.name === 'alice', 3000, 'bob sees alice');
    } finally {
      await stop();
    }
  }, 60_000);

  it('[S10] a malformed frame on a peer socket closes that link only; the processes keep converging', async () => {
    const { a, b, stop } = await twoServers();
    try {
      const intruder = createConnection(join(a.dataDir, 'peers', `${a.instanceId}.sock`));
      const closed = new Promise<void>((resolve) => intruder.on('close', () => resolve()));
      intruder.on('error', () => undefined);
      intruder.resume(); // read (the hello, then the end) so the close is seen
      intruder.write(Buffer.from([0, 0, 0, 3, 9, 9, 9]));
      await closed;
      const owner = await login(a.url, 'o@intruder.io');
      const collab = await createCollaboration(a.url, owner);
      const one = connect(a.url, collab, owner.token);
      const two = connect(b.url, collab, owner.token);
      providers.push(one, two);
      await Promise.all([synced(one), synced(two)]);
      notesOf(one.doc).insert(0, 'still here');
      await waitFor(() => notesOf(two.doc).toString() === 'still here', 5000, 'converged');
      expect(a.sync.relay!.peerIds).toEqual([b.instanceId]);
    } finally {
      await stop();
    }
  }, 60_000);
});
