// [S14] Server OS processes configured with PEER_ADDRESS and PEER_SECRET find each other through the
// store's peer registry and link over TCP instead of the DATA_DIR socket directory: clients on
// either process see each other's presence and edits, presence is never written to the store, and
// a process that stops leaves the registry; one killed before storing what it forwarded loses
// nothing (the [S10] ledger works over TCP as over Unix sockets).
import type { ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { WebsocketProvider } from 'y-websocket';
import { notesOf } from '@trellis/schema';
import { createSqliteStore } from '@trellis/store';
import { clientOnEach, forwardThenKill, freePort, metric, spawnServer, storedDoc, storedPresenceCount, tempDir, waitFor, waitHealthy } from '../../testing/harness.ts';

const SECRET = 'shared-by-every-server-process';
const children: ChildProcess[] = [];
const providers: WebsocketProvider[] = [];

afterEach(() => {
  for (const p of providers.splice(0)) p.destroy();
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

async function startLinkedProcess(dataDir: string): Promise<{ url: string; child: ChildProcess; address: string }> {
  const [port, peerPort] = [await freePort(), await freePort()];
  const address = `127.0.0.1:${peerPort}`;
  const child = spawnServer(dataDir, port, { PEER_ADDRESS: address, PEER_SECRET: SECRET });
  children.push(child);
  const url = `http://127.0.0.1:${port}`;
  await waitHealthy(url);
  return { url, child, address };
}

async function registry(dataDir: string): Promise<string[]> {
  const store = createSqliteStore({ dataDir });
  try {
    return (await store.peers.live(Date.now())).map((p) => p.address).sort();
  } finally {
    await store.close();
  }
}

/** Two linked processes on one DATA_DIR, one collaboration, a client on each. */
async function linkedProcesses(email: string) {
  const dataDir = tempDir();
  const a = await startLinkedProcess(dataDir);
  const b = await startLinkedProcess(dataDir);
  await waitFor(async () => (await metric(a.url, 'trellis_peers')) === 1 && (await metric(b.url, 'trellis_peers')) === 1, 20_000, 'processes linked');
  const { collab, onA, onB } = await clientOnEach(a.url, b.url, email);
  providers.push(onA, onB);
  return { dataDir, a, b, collab, onA, onB };
}

type Present = { user?: { name?: string }; typing?: boolean } | undefined;
const stateOf = (p: WebsocketProvider, other: WebsocketProvider) => p.awareness.getStates().get(other.awareness.clientID) as Present;

describe('server processes linked over TCP', () => {
  it('[S14] clients of two processes see each other\'s presence and edits over the TCP links; presence never touches the store', async () => {
    const { dataDir, a, b, collab, onA: alice, onB: bob } = await linkedProcesses('owner@tcp.io');
    // Found through the registry, not the socket directory.
    expect(await registry(dataDir)).toEqual([a.address, b.address].sort());
    const peersDir = join(dataDir, 'peers');
    expect(existsSync(peersDir) ? readdirSync(peersDir) : []).toEqual([]);

    alice.awareness.setLocalStateField('user', { name: 'alice' });
    bob.awareness.setLocalStateField('user', { name: 'bob' });
    await waitFor(() => stateOf(bob, alice)?.user?.name === 'alice' && stateOf(alice, bob)?.user?.name === 'bob', 10_000, 'each sees the other');
    notesOf(alice.doc).insert(0, 'from a');
    await waitFor(() => notesOf(bob.doc).toString() === 'from a', 10_000, 'bob sees alice\'s edit');
    notesOf(bob.doc).insert(notesOf(bob.doc).length, ', from b');
    await waitFor(() => notesOf(alice.doc).toString() === 'from a, from b', 10_000, 'alice sees bob\'s edit');
    // Both edits stored: the processes' store writes flow, yet no presence was among them.
    await waitFor(async () => notesOf(await storedDoc(dataDir, collab)).toString() === 'from a, from b', 10_000, 'edits stored');
    bob.awareness.setLocalStateField('typing', true);
    await waitFor(() => stateOf(alice, bob)?.typing === true, 10_000, 'alice sees bob typing');
    alice.disconnect();
    await waitFor(() => !bob.awareness.getStates().has(alice.awareness.clientID), 10_000, 'alice gone for bob');
    await new Promise((r) => setTimeout(r, 300));
    expect(storedPresenceCount(dataDir)).toBe(0);

    // A process that stops gracefully leaves the registry; the other's link to it ends.
    a.child.kill('SIGTERM');
    await new Promise((r) => a.child.on('exit', r));
    expect(await registry(dataDir)).toEqual([b.address]);
    await waitFor(async () => (await metric(b.url, 'trellis_peers')) === 0, 10_000, 'b unlinked');
  }, 120_000);

  it('[S10][S14] a process killed with SIGKILL before storing what it forwarded over TCP: the other process stores it', async () => {
    const { dataDir, a, b, collab, onA: writer, onB: reader } = await linkedProcesses('owner@tcp-orphan.io');
    await forwardThenKill(dataDir, writer, reader, a.child, 'orphan');
    await waitFor(async () => notesOf(await storedDoc(dataDir, collab)).toString() === 'orphan', 20_000, 'the surviving process stored the orphaned edit');
    // The killed process's record stays until it expires; nobody can link to it meanwhile.
    expect(await metric(b.url, 'trellis_peers')).toBe(0);
  }, 120_000);
});
