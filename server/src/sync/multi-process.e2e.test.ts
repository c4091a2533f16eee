// Several server OS processes on one DATA_DIR behave as one server ([S4]); a server killed with
// SIGKILL loses no acknowledged update ([S5]) and reconnecting clients converge.
import type { ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';
import type { WebsocketProvider } from 'y-websocket';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { applyLoaded, createSqliteStore } from '@trellis/store';
import { notesOf } from '@trellis/schema';
import { addMember, connect, createCollaboration, freePort, login, spawnServer, synced, tempDir, waitFor, waitHealthy } from '../testing/harness.ts';

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
    // Edits arrived over the direct links first ([S10]); the change feed then confirmed them.
    const metric = async (name: string) => Number(new RegExp(`${name} (\\d+)`).exec(await (await fetch(`${servers[0]!.url}/metrics`)).text())?.[1] ?? 0);
    expect(await metric('trellis_peer_updates_total')).toBeGreaterThan(0);
    await waitFor(async () => (await metric('trellis_fanout_lag_seconds_count')) > 0, 10_000, 'the change feed delivered the stored updates too');
  }, 120_000);

  it('[S10] a process killed before storing what it forwarded: the other process stores it', async () => {
    const dataDir = tempDir();
    const a = await startProcess(dataDir);
    const b = await startProcess(dataDir);
    const owner = await login(a.url, 'owner@orphan.io');
    const collab = await createCollaboration(a.url, owner);
    const writer = connect(a.url, collab, owner.token);
    const reader = connect(b.url, collab, owner.token);
    providers.push(writer, reader);
    await Promise.all([synced(writer), synced(reader)]);
    const peers = async (url: string) => Number(/trellis_peers (\d+)/.exec(await (await fetch(`${url}/metrics`)).text())?.[1] ?? 0);
    await waitFor(async () => (await peers(a.url)) === 1 && (await peers(b.url)) === 1, 10_000, 'processes linked');
    // Hold the write lock so the writer's process cannot store the edit, then kill it.
    const blocker = new Database(join(dataDir, 'trellis.db'));
    blocker.exec('BEGIN EXCLUSIVE');
    try {
      notesOf(writer.doc).insert(0, 'orphan');
      await waitFor(() => notesOf(reader.doc).toString() === 'orphan', 5000, 'the other process forwarded it');
      writer.destroy();
      a.child.kill('SIGKILL');
      await new Promise((r) => a.child.on('exit', r));
    } finally {
      blocker.exec('ROLLBACK');
      blocker.close();
    }
    const stored = async () => {
      const store = createSqliteStore({ dataDir });
      try {
        const loaded = await store.docs.load(collab);
        const doc = new Y.Doc();
        applyLoaded(doc, loaded);
        return notesOf(doc).toString();
      } finally {
        await store.close();
      }
    };
    await waitFor(async () => (await stored()) === 'orphan', 20_000, 'the surviving process stored the orphaned edit');
  }, 120_000);

  it('[S9] presence crosses processes: who is here and who left, whichever process holds each socket', async () => {
    const dataDir = tempDir();
    const a = await startProcess(dataDir);
    const b = await startProcess(dataDir);
    const owner = await login(a.url, 'owner@p.io');
    const collab = await createCollaboration(a.url, owner);
    const alice = connect(a.url, collab, owner.token);
    const bob = connect(b.url, collab, owner.token);
    providers.push(alice, bob);
    await Promise.all([synced(alice), synced(bob)]);
    alice.awareness.setLocalStateField('user', { name: 'alice' });
    await waitFor(() => (bob.awareness.getStates().get(alice.awareness.clientID) as { user?: { name?: string } } | undefined)?.user?.name === 'alice', 10_000, 'bob sees alice');
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
    let acked = 0;
    (writer.messageHandlers as unknown[])[100] = (_e: unknown, d: decoding.Decoder) => {
      acked = Math.max(acked, Y.decodeStateVector(decoding.readVarUint8Array(d)).get(writer.doc.clientID) ?? 0);
    };
    await Promise.all([synced(writer), synced(reader)]);
    let typing = true;
    const typer = (async () => {
      for (let i = 0; typing && i < 2000; i++) {
        notesOf(writer.doc).insert(notesOf(writer.doc).length, `${i % 10}`);
        // ~60 updates/s: under the per-connection limit (SPEC [H4]: burst 200, 100/s).
        await new Promise((r) => setTimeout(r, 15));
      }
    })();
    await waitFor(() => acked > 20, 40_000, 'some acks');
    first.child.kill('SIGKILL');
    const ackedAtKill = acked;
    typing = false;
    await typer;
    // Every update acknowledged before the kill is in the store.
    const store = createSqliteStore({ dataDir });
    const loaded = await store.docs.load(collab);
    const doc = new Y.Doc();
    for (const part of [...(loaded.snapshot ? [loaded.snapshot] : []), ...loaded.updates.map((u) => u.data)]) Y.applyUpdate(doc, part);
    await store.close();
    expect(Y.getState(doc.store, writer.doc.clientID)).toBeGreaterThanOrEqual(ackedAtKill);
    // Restart on the same port: the providers reconnect by themselves and converge.
    await startProcess(dataDir, first.port);
    await waitFor(() => writer.wsconnected && reader.wsconnected && writer.synced && reader.synced, 15_000, 'reconnect');
    await waitFor(() => notesOf(reader.doc).toString() === notesOf(writer.doc).toString(), 10_000, 'converged after restart');
    expect(notesOf(reader.doc).length).toBe(notesOf(writer.doc).length);
  }, 120_000);
});
