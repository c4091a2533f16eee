// [S14] presence between servers linked over TCP travels only over the links: each client sees the
// others whichever server holds them, a server that loads a document learns at once who is present
// elsewhere (nothing else would tell it before the clients' next renewal), and no presence is
// written to the store.
import { afterEach, describe, expect, it } from 'vitest';
import type { WebsocketProvider } from 'y-websocket';
import { notesOf } from '@trellis/schema';
import { createCollaboration, linked, login, storedDoc, storedPresenceCount, synced, tcpTestbed, tempDir, waitFor } from '../../testing/harness.ts';

const bed = tcpTestbed('the-servers-shared-peer-secret');
afterEach(() => bed.cleanup());

type Present = { user?: { name?: string }; typing?: boolean } | undefined;
const stateOf = (p: WebsocketProvider, other: WebsocketProvider) => p.awareness.getStates().get(other.awareness.clientID) as Present;

describe('presence over TCP peer links', () => {
  it('[S14] clients of linked servers see each other come, change and go; none of it is written to the store', async () => {
    const { dataDir, collab, alice, bob } = await bed.pair('o@tcp-presence.io');
    alice.awareness.setLocalStateField('user', { name: 'alice' });
    bob.awareness.setLocalStateField('user', { name: 'bob' });
    await waitFor(() => stateOf(bob, alice)?.user?.name === 'alice' && stateOf(alice, bob)?.user?.name === 'bob', 5000, 'each sees the other');
    // Once an edit of each is stored, both servers' store writes are flowing: presence sent through
    // the store would be there by now.
    notesOf(alice.doc).insert(0, 'a');
    notesOf(bob.doc).insert(0, 'b');
    await waitFor(async () => notesOf(await storedDoc(dataDir, collab)).length === 2, 10_000, 'both edits stored');
    alice.awareness.setLocalStateField('typing', true);
    await waitFor(() => stateOf(bob, alice)?.typing === true, 5000, 'bob sees alice typing');
    alice.disconnect();
    await waitFor(() => stateOf(bob, alice) === undefined, 5000, 'alice gone for bob');
    await new Promise((r) => setTimeout(r, 300));
    expect(storedPresenceCount(dataDir)).toBe(0);
  }, 60_000);

  it('[S14] a server that loads a document learns at once who is present on the others', async () => {
    const dataDir = tempDir();
    const [a, b] = [await bed.server(dataDir), await bed.server(dataDir)];
    await linked([a, b]);
    const owner = await login(a.url, 'o@tcp-interest.io');
    const collab = await createCollaboration(a.url, owner);
    const alice = bed.client(a.url, collab, owner.token);
    await synced(alice);
    alice.awareness.setLocalStateField('user', { name: 'alice' });
    await waitFor(() => a.sync.registry.get(collab)?.localAwareness() != null, 5000, 'alice present on her server');
    // Well after her last change, b loads the document (as an engine read would), and a third
    // server starts and loads it too: neither has any other way to learn of her before her renewal.
    await new Promise((r) => setTimeout(r, 500));
    expect(b.sync.registry.get(collab)).toBeUndefined();
    await b.sync.registry.read(collab, () => undefined);
    await waitFor(() => b.sync.registry.get(collab)?.awareness.getStates().has(alice.awareness.clientID) === true, 2000, 'b knows alice is present');
    const c = await bed.server(dataDir);
    await linked([a, b, c]);
    const carol = bed.client(c.url, collab, owner.token);
    await synced(carol);
    await waitFor(() => stateOf(carol, alice)?.user?.name === 'alice', 2000, 'carol on the new server sees alice');
  }, 60_000);
});
