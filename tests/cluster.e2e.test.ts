// End-to-end: the no-Docker cluster (nginx + 3 servers + 2 workers on one SQLite DATA_DIR) behaves as one
// server for stock y-websocket clients, survives a SIGKILLed server process, and runs one check-in a day.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import WebSocket from 'ws';
import type { ClientRequestArgs, IncomingMessage } from 'node:http';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { findNginx, startCluster } from '../scripts/cluster-lib.ts';
import type { Cluster } from '../scripts/cluster-lib.ts';
import { waitUntil } from '../scripts/lib/wait.ts';

const nginx = findNginx();
if (!nginx) console.warn('[cluster.e2e] SKIPPED: no nginx binary (apt-get install nginx, or set NGINX_BIN)');

/** A `ws` client that remembers which server process nginx picked (X-Trellis-Upstream on the 101). */
class RecordingWebSocket extends WebSocket {
  upstream: string | null = null;
  constructor(url: string, protocols?: string | string[], options?: ClientRequestArgs) {
    super(url, protocols, options);
    this.on('upgrade', (res: IncomingMessage) => {
      const h = res.headers['x-trellis-upstream'];
      this.upstream = typeof h === 'string' ? h : null;
    });
  }
}

interface Client {
  doc: Y.Doc;
  provider: WebsocketProvider;
  notes: Y.Text;
}

const TIMEOUT = 30_000;

describe.skipIf(!nginx)('cluster: nginx + 3 servers + 2 workers on one DATA_DIR', () => {
  let cluster: Cluster;
  let dataDir: string;
  let token = '';
  let collabId = '';
  const output: string[] = [];
  const clients: Client[] = [];

  async function api(method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
    const res = await fetch(`${cluster.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }

  /** A provider through nginx, or straight to one server process (`direct`: its http URL). */
  function connect(direct?: string): Client {
    const doc = new Y.Doc();
    const provider = new WebsocketProvider(direct ? `${direct.replace(/^http/, 'ws')}/sync` : cluster.wsUrl, collabId, doc, {
      WebSocketPolyfill: RecordingWebSocket as unknown as typeof globalThis.WebSocket,
      params: { token },
      // Same-process providers would otherwise sync over BroadcastChannel and hide the server.
      disableBc: true,
      maxBackoffTime: 1000,
    });
    const client = { doc, provider, notes: doc.getText('notes') };
    clients.push(client);
    return client;
  }

  // nginx lists every upstream it tried ("a, b" after a failover); the last one took the socket.
  const upstreamOf = (c: Client) => (c.provider.ws as RecordingWebSocket | null)?.upstream?.split(',').pop()?.trim() ?? null;
  const isSynced = (c: Client) => c.provider.wsconnected && c.provider.synced;
  const waitSynced = (c: Client) => waitUntil(() => isSynced(c), TIMEOUT, 'provider never synced');
  const hasAll = (c: Client, marks: readonly string[]) => marks.every((m) => c.notes.toString().includes(m));
  const waitConverged = (cs: readonly Client[], marks: readonly string[]) =>
    waitUntil(
      () => cs.every((c) => hasAll(c, marks)) && cs.every((c) => c.notes.toString() === cs[0]?.notes.toString()),
      TIMEOUT,
      `clients did not converge on ${marks.join(' ')}: ${cs.map((c) => JSON.stringify(c.notes.toString())).join(' | ')}`,
    );
  const edit = (c: Client, mark: string) => c.notes.insert(c.notes.length, mark);

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'trellis-cluster-e2e-'));
    cluster = await startCluster({
      dataDir,
      port: 0,
      servers: 3,
      workers: 2,
      staticDir: null,
      // Three servers and two workers compile their TypeScript at start: slow on a busy 2-core machine.
      readyTimeoutMs: 120_000,
      env: {
        STORE: 'sqlite',
        MONGODB_URL: undefined,
        SUPABASE_URL: undefined,
        SUPABASE_JWT_SECRET: undefined,
        ALLOWED_ORIGINS: undefined,
        AI_PROVIDER: 'offline',
        LOG_LEVEL: 'warn',
        WORKER_METRICS_PORT: undefined,
      },
      onOutput: (name, line) => {
        output.push(`[${name}] ${line}`);
        if (output.length > 400) output.shift();
      },
    });
    await waitUntil(async () => (await api('GET', '/api/health')).json['status'] === 'ok', TIMEOUT, 'health through nginx');

    const login = await api('POST', '/api/dev/login', { email: 'cluster-owner@example.test' });
    expect(login.status).toBe(200);
    token = String(login.json['token']);
    const created = await api('POST', '/api/collaborations', { title: 'Cluster e2e' });
    expect(created.status).toBe(201);
    collabId = String(created.json['id']);
  }, 300_000);

  afterAll(async () => {
    for (const c of clients) c.provider.destroy();
    await cluster?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 30_000);

  const dumpOnFailure = () => onTestFailed(() => console.log(`--- cluster output (last ${output.length} lines) ---\n${output.join('\n')}`));

  it('[O5][S3][S4] nginx routes a collaboration to one process; providers on different processes converge, and lose nothing when one is SIGKILLed', async () => {
    dumpOnFailure();
    // Through nginx, every socket of one collaboration lands on the process its id hashes to.
    const a = connect();
    await waitSynced(a);
    const b = connect();
    await waitSynced(b);
    expect(upstreamOf(a)).not.toBeNull();
    expect(upstreamOf(b)).toBe(upstreamOf(a));
    const rest = await fetch(`${cluster.url}/api/collaborations/${collabId}`, { headers: { authorization: `Bearer ${token}` } });
    expect(rest.status).toBe(200);
    expect(rest.headers.get('x-trellis-upstream')?.split(',').pop()?.trim()).toBe(upstreamOf(a));
    // What lands elsewhere (another process's socket, the worker, REST) still fans out: c goes
    // straight to a process other than a's.
    const other = cluster.servers.find((s) => !upstreamOf(a)?.endsWith(`:${s.port}`));
    expect(other).toBeDefined();
    const c = connect(other?.url);
    await waitSynced(c);

    edit(a, '<a1>');
    edit(b, '<b1>');
    edit(c, '<c1>');
    await waitConverged([a, b, c], ['<a1>', '<b1>', '<c1>']);

    // Kill the process holding a's socket. a's last edit may or may not have reached it before the kill.
    const victimUpstream = upstreamOf(a);
    const victim = cluster.servers.find((s) => victimUpstream?.endsWith(`:${s.port}`));
    expect(victim).toBeDefined();
    const oldPid = victim?.pid;
    edit(a, '<a2>');
    expect(victim?.kill('SIGKILL')).toBe(true);
    edit(b, '<b2>');
    edit(c, '<c2>');

    const all = ['<a1>', '<b1>', '<c1>', '<a2>', '<b2>', '<c2>'];
    // a reconnects through nginx: to the next process on the hash ring, or to the victim if the
    // supervisor already brought it back on its port.
    await waitUntil(() => isSynced(a) && (upstreamOf(a) !== victimUpstream || victim?.pid !== oldPid), TIMEOUT, 'a never reconnected');
    edit(a, '<a3>');
    await waitConverged([a, b, c], [...all, '<a3>']);

    // The servers (not just the clients) hold every edit: a fresh client sees them all.
    const d = connect();
    await waitSynced(d);
    await waitConverged([a, b, c, d], [...all, '<a3>']);

    // The supervisor brings the killed process back on its port.
    await waitUntil(async () => victim?.pid !== undefined && victim.pid !== oldPid && (await fetch(`${victim.url}/api/health`)).ok, 60_000, 'killed server never came back');
  }, 180_000);

  it('runs exactly one check-in per collaboration-day with two workers', async () => {
    dumpOnFailure();
    const patched = await api('PATCH', `/api/collaborations/${collabId}`, { settings: { aiCheckins: true, timeZone: 'UTC' } });
    expect(patched.status).toBe(200);
    const today = new Date().toISOString().slice(0, 10);
    const runs = await Promise.all([api('POST', `/api/collaborations/${collabId}/checkins`), api('POST', `/api/collaborations/${collabId}/checkins`)]);
    // [W7] one request queues the run (202); the other is told it is already queued (409) — or, if
    // both raced past the check, is queued too and the store still keeps one check-in a day.
    expect(runs.map((r) => r.status)).toContain(202);
    for (const r of runs) expect([202, 409]).toContain(r.status);

    const todays = async () => {
      const list = await api('GET', `/api/collaborations/${collabId}/checkins`);
      expect(list.status).toBe(200);
      const items = list.json['items'] as { localDay: string; status: string }[];
      return items.filter((i) => i.localDay === today);
    };
    await waitUntil(async () => (await todays()).some((i) => i.status !== 'running'), 60_000, 'no finished check-in for today');
    // Give a duplicate (second worker, second request) time to show up before counting.
    await new Promise((r) => setTimeout(r, 3000));
    expect(await todays()).toHaveLength(1);
  }, 120_000);

  it('stops gracefully: servers and workers exit 0 on SIGTERM', async () => {
    dumpOnFailure();
    for (const c of clients.splice(0)) c.provider.destroy();
    const started = Date.now();
    const exits = await cluster.stop();
    expect(Date.now() - started).toBeLessThan(10_000);
    for (const e of exits.filter((x) => x.name !== 'nginx')) expect({ name: e.name, code: e.code, signal: e.signal }).toEqual({ name: e.name, code: 0, signal: null });
  }, 30_000);
});
