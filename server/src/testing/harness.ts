// Test harness: real servers on 127.0.0.1 port 0 with a temp DATA_DIR, real HTTP, stock
// y-websocket providers over the `ws` polyfill, and server processes spawned as OS children.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import Database from 'better-sqlite3';
import * as decoding from 'lib0/decoding';
import { createLogger, freePort } from '@trellis/runtime';
import type { Logger } from '@trellis/runtime';
import { notesOf } from '@trellis/schema';
import { createSqliteStore, loadStoredDoc } from '@trellis/store';
import type { SyncLimits } from '../sync/limits.ts';
import { startServer } from '../server.ts';
import type { RunningServer } from '../server.ts';

export const tempDir = (prefix = 'trellis-test-') => mkdtempSync(join(tmpdir(), prefix));

export async function startTestServer(opts: { dataDir?: string; limits?: Partial<SyncLimits>; env?: Record<string, string>; logger?: Logger } = {}): Promise<RunningServer & { dataDir: string }> {
  const dataDir = opts.dataDir ?? tempDir();
  const logger = opts.logger ?? createLogger({ level: process.env['TEST_LOG_LEVEL'] ?? 'silent', name: 'test-server' });
  const server = await startServer(
    { PORT: 0, HOST: '127.0.0.1', DATA_DIR: dataDir, STORE: 'sqlite', MONGODB_URL: undefined, SUPABASE_URL: undefined, SUPABASE_JWT_SECRET: undefined, ALLOWED_ORIGINS: opts.env?.['ALLOWED_ORIGINS'], MAX_PAYLOAD_BYTES: 1024 * 1024, MAX_DOC_BYTES: 10 * 1024 * 1024,
      PEER_ADDRESS: opts.env?.['PEER_ADDRESS'], PEER_HOST: opts.env?.['PEER_HOST'], PEER_SECRET: opts.env?.['PEER_SECRET'] },
    logger,
    opts.limits ? { limits: opts.limits } : {},
  );
  return Object.assign(server, { dataDir });
}

/** A new owner's collaboration with a synced client on each of two servers. */
export async function clientOnEach(urlA: string, urlB: string, email: string) {
  const owner = await login(urlA, email);
  const collab = await createCollaboration(urlA, owner);
  const [onA, onB] = [connect(urlA, collab, owner.token), connect(urlB, collab, owner.token)];
  await Promise.all([synced(onA), synced(onB)]);
  return { owner, collab, onA, onB };
}

/** A server linking to the others over TCP (SPEC [S14]): PEER_ADDRESS on a free port of 127.0.0.1. */
export async function startPeerServer(dataDir: string, secret: string): Promise<RunningServer & { dataDir: string; peerPort: number }> {
  const peerPort = await freePort();
  const server = await startTestServer({ dataDir, env: { PEER_ADDRESS: `127.0.0.1:${peerPort}`, PEER_SECRET: secret } });
  return Object.assign(server, { peerPort });
}

/** Waits until every pair of these servers is linked directly. */
export async function linked(servers: RunningServer[]): Promise<void> {
  await waitFor(() => servers.every((s) => servers.every((o) => o === s || s.sync.relay!.peerIds.includes(o.instanceId))), 10_000, 'servers linked');
}

/** Servers linked over TCP with one secret (SPEC [S14]) and the clients a test opens on them; call
 *  `cleanup` after each test. */
export function tcpTestbed(secret: string) {
  const providers: WebsocketProvider[] = [];
  const servers: RunningServer[] = [];
  const bed = {
    async server(dataDir: string) {
      const s = await startPeerServer(dataDir, secret);
      servers.push(s);
      return s;
    },
    client(base: string, collaborationId: string, token: string): WebsocketProvider {
      const p = connect(base, collaborationId, token);
      providers.push(p);
      return p;
    },
    /** Two linked servers on one DATA_DIR, one collaboration, alice's client on a and bob's on b. */
    async pair(email: string) {
      const dataDir = tempDir();
      const [a, b] = [await bed.server(dataDir), await bed.server(dataDir)];
      await linked([a, b]);
      const { owner, collab, onA: alice, onB: bob } = await clientOnEach(a.url, b.url, email);
      providers.push(alice, bob);
      return { dataDir, a, b, owner, collab, alice, bob };
    },
    async cleanup() {
      for (const p of providers.splice(0)) p.destroy();
      for (const s of servers.splice(0)) await s.stop();
    },
  };
  return bed;
}

export interface TestUser {
  token: string;
  user: { id: string; email: string | null; displayName: string };
}

export async function api<T = unknown>(base: string, method: string, path: string, token: string | null, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

export async function login(base: string, email: string): Promise<TestUser> {
  const res = await api<TestUser>(base, 'POST', '/api/dev/login', null, { email });
  if (res.status !== 200) throw new Error(`login failed: ${res.status}`);
  return res.body;
}

export async function createCollaboration(base: string, owner: TestUser, title = 'Trip'): Promise<string> {
  const res = await api<{ id: string }>(base, 'POST', '/api/collaborations', owner.token, { title });
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id;
}

export async function addMember(base: string, owner: TestUser, collaborationId: string, user: TestUser, role: 'owner' | 'editor' | 'viewer'): Promise<void> {
  const res = await api(base, 'POST', `/api/collaborations/${collaborationId}/members`, owner.token, { userId: user.user.id, role });
  if (res.status !== 201 && res.status !== 200) throw new Error(`add member failed: ${res.status} ${JSON.stringify(res.body)}`);
}

export function connect(base: string, collaborationId: string, token: string, opts: { ack?: boolean; doc?: Y.Doc } = {}): WebsocketProvider {
  const doc = opts.doc ?? new Y.Doc();
  return new WebsocketProvider(`${base.replace(/^http/, 'ws')}/sync`, collaborationId, doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    params: { token, ...(opts.ack ? { ack: '1' } : {}) },
    disableBc: true,
    maxBackoffTime: 300,
  });
}

export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export const synced = (p: WebsocketProvider) => waitFor(() => p.synced, 10_000, 'provider sync');

/** A server as a separate OS process (for multi-process and kill -9 tests). */
export function spawnServer(dataDir: string, port: number, env: Record<string, string> = {}): ChildProcess {
  const main = fileURLToPath(new URL('../main.ts', import.meta.url));
  return spawn(process.execPath, ['--import', 'tsx', main], {
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export async function waitHealthy(base: string, timeoutMs = 20_000): Promise<void> {
  await waitFor(async () => {
    try {
      return (await fetch(`${base}/api/health`)).status === 200;
    } catch {
      return false;
    }
  }, timeoutMs, `${base} healthy`);
}

/**
 * Save acknowledgements (type 100) an `?ack=1` provider receives, as decoded state vectors, and the
 * highest clock of the provider's own client they covered so far.
 */
export function recordAcks(p: WebsocketProvider): { all: Map<number, number>[]; readonly ownClock: number } {
  const acks = { all: [] as Map<number, number>[], ownClock: 0 };
  (p.messageHandlers as unknown[])[100] = (_enc: unknown, dec: decoding.Decoder) => {
    const sv = Y.decodeStateVector(decoding.readVarUint8Array(dec));
    acks.all.push(sv);
    acks.ownClock = Math.max(acks.ownClock, sv.get(p.doc.clientID) ?? 0);
  };
  return acks;
}

/** The document as stored in DATA_DIR right now, read through a fresh store (what a restart would load). */
export async function storedDoc(dataDir: string, collaborationId: string): Promise<Y.Doc> {
  const store = createSqliteStore({ dataDir });
  try {
    return await loadStoredDoc(store, collaborationId);
  } finally {
    await store.close();
  }
}

/** Take SQLite's write lock from outside the servers (nobody can store until `release`). */
export function holdWriteLock(dataDir: string): { release(): void } {
  const db = new Database(join(dataDir, 'trellis.db'));
  db.exec('BEGIN EXCLUSIVE');
  return {
    release() {
      db.exec('ROLLBACK');
      db.close();
    },
  };
}

/**
 * [S10] The writer's edit reaches the reader's process over a peer link, then the writer's process
 * is killed with SIGKILL before it could store it (the write lock is held meanwhile): the edit now
 * exists only in the reader's process.
 */
export async function forwardThenKill(dataDir: string, writer: WebsocketProvider, reader: WebsocketProvider, writerProcess: ChildProcess, text: string): Promise<void> {
  const lock = holdWriteLock(dataDir);
  try {
    notesOf(writer.doc).insert(0, text);
    await waitFor(() => notesOf(reader.doc).toString() === text, 5000, 'the other process got the forwarded edit');
    writer.destroy();
    writerProcess.kill('SIGKILL');
    await new Promise((r) => writerProcess.on('exit', r));
  } finally {
    lock.release();
  }
}

/** Rows of presence the store relays (the SQLite change feed's `awareness` changes, SPEC [S9]). */
export function storedPresenceCount(dataDir: string): number {
  const db = new Database(join(dataDir, 'trellis.db'), { readonly: true });
  try {
    return (db.prepare("SELECT count(*) AS n FROM changes WHERE type = 'awareness'").get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/** One unlabelled metric of a server's `/metrics`, 0 when absent. */
export async function metric(base: string, name: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  return Number(new RegExp(`^${name} (\\d+(?:\\.\\d+)?)$`, 'm').exec(text)?.[1] ?? 0);
}

export { freePort } from '@trellis/runtime';
