// Several server OS processes on one DATA_DIR behave as one server ([S4], [S10]); a server killed
// with SIGKILL loses no acknowledged update ([S5]) nor anything it forwarded ([S10]), and
// reconnecting clients converge.
import type { ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { WebsocketProvider } from 'y-websocket';
import { notesOf } from '@trellis/schema';
import { createSqliteStore } from '@trellis/store';
import { addMember, clientOnEach, connect, createCollaboration, forwardThenKill, freePort, login, metric, spawnServer, storedDoc, storedPresenceCount, synced, tempDir, waitFor, waitHealthy, recordAcks } from '../testing/harness.ts';

const children: ChildProcess[] = [];
const providers: WebsocketProvider[] = [];

afterEach(async () => {
  for (const p of providers.splice(0)) p.destroy();
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

async function startProcess(dataDir: string, port?: number): Promise<{ url: string; child: ChildProcess; port: number }> {
  const p = port ?? (await freePort());
  const child = spawnServer(dataDir, p);
  children.push(child);
  const url = `http://127.0.0.1:${p}`;
  await waitHealthy(url);
  return { url, child, port: p };
}

/** Two processes on one DATA_DIR, one collaboration, a client on each. */
async function twoProcesses(email: string) {
  const dataDir = tempDir();
  const a = await startProcess(dataDir);
  const b = await startProcess(dataDir);
  const { collab, onA, onB } = await clientOnEach(a.url, b.url, email);
  providers.push(onA, onB);
  return { dataDir, a, b, collab, onA, onB };
}

describe('multiple server processes', () => {
  it('[S4] three processes on one DATA_DIR converge, whichever process holds each client', async () => {
    const dataDir = tempDir();
    const servers = await Promise.all([0, 1, 2].map(() => startProcess(dataDir)));
    const owner = await login(servers[0]!.url, 'owner@m.io');
    const editor = await login(servers[1]!.url, 'editor@m.io');
    const collab = await createCollaboration(servers[2]!.url, owner);
    await addMember(servers[0]!.url, owner, collab, editor, 'editor');
    const clients = servers.flatMap((s, i) => [connect(s.url, collab, owner.token), connect(s.url, collab, (i % 2 ? editor : owner).token)]);
    providers.push(...clients);
    await Promise.all(clients.map(synced));
    clients.forEach((c, i) => notesOf(c.doc).insert(0, `[${i}]`));
    await waitFor(() => clients.every((c) => notesOf(c.doc).length === 3 * clients.length), 10_000, 'all clients see all edits');
    const texts = new Set(clients.map((c) => notesOf(c.doc).toString()));
    expect(texts.size).toBe(1);
    // The JSON projection (written by the processes that stored edits) catches up with the text.
    const [text] = texts;
    await waitFor(async () => {
      const store = createSqliteStore({ dataDir });
      try {
        return (await store.projections.get(collab))?.notes.excerpt === text;
      } finally {
        await store.close();
      }
    }, 10_000, 'projection current');
    // Edits arrived over the direct links first ([S10]); the change feed then confirmed them.
    expect(await metric(servers[0]!.url, 'trellis_peer_updates_total')).toBeGreaterThan(0);
    await waitFor(async () => (await metric(servers[0]!.url, 'trellis_fanout_lag_seconds_count')) > 0, 10_000, 'the change feed delivered the stored updates too');
  }, 120_000);

  it('[S10] a process killed before storing what it forwarded: the other process stores it', async () => {
    const { dataDir, a, b, collab, onA: writer, onB: reader } = await twoProcesses('owner@orphan.io');
    await waitFor(async () => (await metric(a.url, 'trellis_peers')) === 1 && (await metric(b.url, 'trellis_peers')) === 1, 10_000, 'processes linked');
    await forwardThenKill(dataDir, writer, reader, a.child, 'orphan');
    await waitFor(async () => notesOf(await storedDoc(dataDir, collab)).toString() === 'orphan', 20_000, 'the surviving process stored the orphaned edit');
  }, 120_000);

  it('[S9] presence crosses processes: who is here and who left, whichever process holds each socket', async () => {
    const { dataDir, onA: alice, onB: bob } = await twoProcesses('owner@p.io');
    alice.awareness.setLocalStateField('user', { name: 'alice' });
    await waitFor(() => (bob.awareness.getStates().get(alice.awareness.clientID) as { user?: { name?: string } } | undefined)?.user?.name === 'alice', 10_000, 'bob sees alice');
    // Without PEER_ADDRESS presence is also published through the store (unlike [S14]).
    await waitFor(() => storedPresenceCount(dataDir) > 0, 10_000, 'presence in the store');
    bob.awareness.setLocalStateField('typing', true);
    await waitFor(() => (alice.awareness.getStates().get(bob.awareness.clientID) as { typing?: boolean } | undefined)?.typing === true, 10_000, 'alice sees bob typing');
    alice.disconnect();
    await waitFor(() => !bob.awareness.getStates().has(alice.awareness.clientID), 10_000, 'alice gone for bob');
  }, 120_000);

  it('[S5][S6] SIGKILL during edits: every acknowledged update is stored; reconnecting clients converge', async () => {
    const dataDir = tempDir();
    const first = await startProcess(dataDir);
    const owner = await login(first.url, 'owner@k.io');
    const collab = await createCollaboration(first.url, owner);
    const writer = connect(first.url, collab, owner.token, { ack: true });
    const reader = connect(first.url, collab, owner.token);
    providers.push(writer, reader);
    const acks = recordAcks(writer);
    await Promise.all([synced(writer), synced(reader)]);
    let typing = true;
    const typer = (async () => {
      for (let i = 0; typing && i < 2000; i++) {
        notesOf(writer.doc).insert(notesOf(writer.doc).length, `${i % 10}`);
        // ~60 updates/s: under the per-connection limit (SPEC [H4]: burst 200, 100/s).
        await new Promise((r) => setTimeout(r, 15));
      }
    })();
    await waitFor(() => acks.ownClock > 20, 40_000, 'some acks');
    first.child.kill('SIGKILL');
    const ackedAtKill = acks.ownClock;
    typing = false;
    await typer;
    // Every update acknowledged before the kill is in the store.
    const doc = await storedDoc(dataDir, collab);
    expect(Y.getState(doc.store, writer.doc.clientID)).toBeGreaterThanOrEqual(ackedAtKill);
    // Restart on the same port: the providers reconnect by themselves and converge.
    await startProcess(dataDir, first.port);
    await waitFor(() => writer.wsconnected && reader.wsconnected && writer.synced && reader.synced, 15_000, 'reconnect');
    await waitFor(() => notesOf(reader.doc).toString() === notesOf(writer.doc).toString(), 10_000, 'converged after restart');
    expect(notesOf(reader.doc).length).toBe(notesOf(writer.doc).length);
  }, 120_000);
});
