// Memory per loaded document and per connection (`npm run bench -- memory`), for Trellis and the
// reference @y/websocket-server: live heap (after a full collection, read through the inspector) and
// RSS of the server with no client, with one client on each of D documents (each typed into:
// 100 edits, about 1 KB of notes), with C more clients per document, and after every client left
// (Trellis unloads documents once their last client is gone, SPEC [S6]).
import WebSocket from 'ws';
import { freePort } from '@trellis/runtime';
import { LoadClient } from './load-client.ts';
import type { EditTracker } from './load-client.ts';
import { rssMiB } from './process-stats.ts';
import { startReference, startTrellis } from './sync-targets.ts';
import type { RunningTarget } from './sync-targets.ts';

const ignore: EditTracker = { sent: () => undefined, seen: () => undefined };
const roomOf = (c: LoadClient) => Number(c.room);

interface Inspector {
  heapMiB(): Promise<number>;
  close(): void;
}

async function inspect(port: number): Promise<Inspector> {
  const list = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as { webSocketDebuggerUrl: string }[];
  const ws = new WebSocket(list[0]!.webSocketDebuggerUrl);
  await new Promise((r) => ws.once('open', r));
  let id = 0;
  const pending = new Map<number, (v: unknown) => void>();
  ws.on('message', (d: Buffer) => {
    const m = JSON.parse(d.toString()) as { id?: number; result?: unknown };
    if (m.id !== undefined) pending.get(m.id)?.(m.result);
  });
  const call = (method: string, params: object = {}) =>
    new Promise<unknown>((resolve) => {
      const i = ++id;
      pending.set(i, resolve);
      ws.send(JSON.stringify({ id: i, method, params }));
    });
  return {
    async heapMiB() {
      await call('HeapProfiler.collectGarbage');
      const r = (await call('Runtime.evaluate', { expression: 'process.memoryUsage().heapUsed', returnByValue: true })) as { result: { value: number } };
      return r.result.value / 2 ** 20;
    },
    close: () => ws.close(),
  };
}

interface Step { heap: number; rss: number }

async function measure(target: RunningTarget, inspector: Inspector): Promise<Step> {
  await new Promise((r) => setTimeout(r, 1500));
  const heap = await inspector.heapMiB();
  return { heap, rss: target.pids.reduce((n, p) => n + rssMiB(p), 0) };
}

async function run(start: () => Promise<RunningTarget>, docs: number, more: number, unloadWaitMs: number) {
  const port = await freePort();
  process.env['NODE_OPTIONS'] = `--inspect=127.0.0.1:${port}`;
  const target = await start().finally(() => delete process.env['NODE_OPTIONS']);
  const inspector = await inspect(port);
  const clients: LoadClient[] = [];
  try {
    const idle = await measure(target, inspector);
    const first = Array.from({ length: docs }, (_, room) => new LoadClient(room, String(room), ignore));
    await Promise.all(first.map((c) => c.connect(target.url(c.index, roomOf(c)))));
    clients.push(...first);
    for (let k = 0; k < 100; k++) {
      for (const c of first) c.edit(0);
      await new Promise((r) => setTimeout(r, 5));
    }
    const loaded = await measure(target, inspector);
    const rest = Array.from({ length: docs * more }, (_, i) => new LoadClient(docs + i, String(i % docs), ignore));
    for (let i = 0; i < rest.length; i += 50) await Promise.all(rest.slice(i, i + 50).map((c) => c.connect(target.url(c.index, roomOf(c)))));
    clients.push(...rest);
    const connected = await measure(target, inspector);
    for (const c of clients.splice(0)) c.close();
    await new Promise((r) => setTimeout(r, unloadWaitMs));
    const left = await measure(target, inspector);
    return { name: target.name, idle, loaded, connected, left };
  } finally {
    for (const c of clients) c.close();
    inspector.close();
    await target.stop();
  }
}

export async function runMemoryBench(opts: { docs?: number; more?: number } = {}): Promise<string> {
  const docs = opts.docs ?? 100;
  const more = opts.more ?? 9;
  // Trellis keeps a document at least its unload delay after its last client left ([S6]).
  const results = [await run(startReference, docs, more, 3_000), await run(() => startTrellis(1, docs), docs, more, 8_000)];
  const f = (n: number) => n.toFixed(1);
  const kib = (n: number) => (n * 1024).toFixed(1);
  const lines = [
    `## Memory per loaded document and per connection (${docs} documents of about 1 KB of notes each, then ${more} more clients per document)`,
    '',
    '| server | idle: heap / RSS MiB | one client per document | + clients | after every client left | per loaded document (1 client): heap / RSS KiB | per further connection: heap / RSS KiB |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of results) {
    const perDoc = { heap: (r.loaded.heap - r.idle.heap) / docs, rss: (r.loaded.rss - r.idle.rss) / docs };
    const perConn = { heap: (r.connected.heap - r.loaded.heap) / (docs * more), rss: (r.connected.rss - r.loaded.rss) / (docs * more) };
    lines.push(`| ${r.name} | ${f(r.idle.heap)} / ${f(r.idle.rss)} | ${f(r.loaded.heap)} / ${f(r.loaded.rss)} | ${f(r.connected.heap)} / ${f(r.connected.rss)} | ${f(r.left.heap)} / ${f(r.left.rss)} | ${kib(perDoc.heap)} / ${kib(perDoc.rss)} | ${kib(perConn.heap)} / ${kib(perConn.rss)} |`);
  }
  lines.push('', 'Heap: V8 heap used after a full collection (inspector). RSS keeps what the allocator and V8 do not return to the system.', '');
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) process.stdout.write(`${await runMemoryBench()}\n`);
