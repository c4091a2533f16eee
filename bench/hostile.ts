// Hostile load (SPEC [H6], [H7]): 1,000 honest clients typing at 1,000 edits/s over 100 documents,
// with and without members sending crafted updates as fast as the server lets them (worst-case
// placement, key storms, deep nesting, reversed delete sets, oversized struct counts), each
// reconnecting whenever it is cut off. Reports honest propagation p99, the server's event-loop
// delay (p99, max, from its /metrics) and /api/health latency sampled from outside. Fresh server
// per run, so the event-loop figures cover that run only.
import WebSocket from 'ws';
import * as Y from 'yjs';
import { competingInserts, craft, keyStorm, nestedMaps, syncUpdateFrame } from '../server/src/sync/gate/testing/crafted.ts';
import { LatencyTracker, LoadClient, typeAtRate } from './load-client.ts';
import { ms, summarize } from './stats.ts';
import { startTrellis } from './sync-targets.ts';

/** Crafted updates prepared per run (each attacker cycles through them). */
const CRAFTED_POOL = 300;

/** The attacks, in rotation; each a fresh client id so nothing depends on what was refused. */
function crafted(n: number): Uint8Array {
  const client = 500_000 + n;
  switch (n % 5) {
    case 0: return competingInserts(client, 0, 'notes', null, null, 3_000);
    case 1: return competingInserts(client, 0, 'notes', null, null, 400);
    case 2: return nestedMaps(client, 'messages', 1_900);
    case 3: return keyStorm(client, Y.createID(client, 0), 'title', 1_500);
    default: {
      const items: Y.Item[] = [];
      for (let i = 0; i < 25_000; i++) items.push(new Y.Item(Y.createID(client, i), null, null, null, null, 'notes' as unknown as Y.AbstractType<unknown>, null, new Y.ContentDeleted(1)));
      return craft(new Map([[client, items]]));
    }
  }
}

class Attacker {
  private ws: WebSocket | null = null;
  private n = 0;
  private stopped = false;
  sentUpdates = 0;
  closes = 0;
  refusedUpgrades = 0;
  constructor(private readonly url: string, private readonly perSecond: number, private readonly frames: Uint8Array[]) {}

  start(): void {
    this.connect();
    const timer = setInterval(() => {
      if (this.stopped) return clearInterval(timer);
      if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return;
      for (let k = 0; k < this.perSecond / 20; k++) {
        this.ws.send(this.frames[this.n++ % this.frames.length]!);
        this.sentUpdates++;
      }
    }, 50);
  }

  private connect(): void {
    if (this.stopped) return;
    const ws = new WebSocket(this.url, { perMessageDeflate: false });
    ws.on('open', () => (this.ws = ws));
    ws.on('unexpected-response', () => {
      this.refusedUpgrades++;
      setTimeout(() => this.connect(), 200);
    });
    ws.on('error', () => undefined);
    ws.on('close', () => {
      if (this.ws === ws) {
        this.closes++;
        this.ws = null;
        setTimeout(() => this.connect(), 50);
      }
    });
  }

  stop(): void {
    this.stopped = true;
    this.ws?.terminate();
  }
}

/** The server's event-loop delay since the previous scrape, in ms (one scrape: reading resets it). */
async function loopDelay(base: string): Promise<{ loopP99: number; loopMax: number }> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const read = (name: string) => Number(new RegExp(`^${name} ([0-9.e+-]+)$`, 'm').exec(text)?.[1] ?? NaN) * 1000;
  return { loopP99: read('trellis_event_loop_delay_p99_seconds'), loopMax: read('trellis_event_loop_delay_max_seconds') };
}

interface RunResult { honestP99: number; honestLost: number; loopP99: number; loopMax: number; healthP99: number; healthMax: number; attackUpdates: number; attackCloses: number; attackRefusedUpgrades: number }

async function run(attackers: number, opts: { clients: number; rooms: number; rate: number; seconds: number }): Promise<RunResult> {
  const target = await startTrellis(1, opts.rooms);
  const base = target.url(0, 0).replace('ws://', 'http://').replace(/\/sync\/.*/, '');
  const tracker = new LatencyTracker();
  const clients: LoadClient[] = [];
  const perRoom = new Array<number>(opts.rooms).fill(0);
  for (let i = 0; i < opts.clients; i++) {
    perRoom[i % opts.rooms]!++;
    clients.push(new LoadClient(i, String(i % opts.rooms), tracker));
  }
  for (let i = 0; i < clients.length; i += 50) await Promise.all(clients.slice(i, i + 50).map((c) => c.connect(target.url(c.index, Number(c.room)))));
  const bad: Attacker[] = [];
  // Crafted before the clock starts: building them costs the load generator, which shares the
  // machine with the server and the honest clients' timing.
  const frames = attackers > 0 ? Array.from({ length: CRAFTED_POOL }, (_, n) => syncUpdateFrame(crafted(n))) : [];
  // Each attacker is a member of their own, an editor of one collaboration: what one member's
  // offences cost them (their sockets on it are all closed, [H6]) must not fall on the others.
  for (let a = 0; a < attackers; a++) bad.push(new Attacker(await target.newEditor!(a % opts.rooms, `attacker-${a}@load.test`), 100, frames));
  const health: number[] = [];
  try {
    // Warm-up, not recorded.
    await typeAtRate(clients, perRoom, opts.rate, 3);
    tracker.latencies = [];
    // The event-loop gauges cover the interval since the previous scrape: start the interval here.
    await fetch(`${base}/metrics`);
    for (const b of bad) b.start();
    const probe = setInterval(() => {
      const t0 = performance.now();
      void fetch(`${base}/api/health`).then(() => health.push(performance.now() - t0), () => health.push(Infinity));
    }, 50);
    await typeAtRate(clients, perRoom, opts.rate, opts.seconds);
    clearInterval(probe);
    await new Promise((r) => setTimeout(r, 1000));
    const s = summarize(tracker.latencies);
    const h = summarize(health);
    return {
      honestP99: s.p99, honestLost: tracker.pending.size,
      ...(await loopDelay(base)),
      healthP99: h.p99, healthMax: h.max,
      attackUpdates: bad.reduce((n, b) => n + b.sentUpdates, 0), attackCloses: bad.reduce((n, b) => n + b.closes, 0), attackRefusedUpgrades: bad.reduce((n, b) => n + b.refusedUpgrades, 0),
    };
  } finally {
    for (const b of bad) b.stop();
    for (const c of clients) c.close();
    await target.stop();
  }
}

export async function runHostileBench(opts: { clients?: number; rooms?: number; rate?: number; seconds?: number; attackers?: number } = {}): Promise<string> {
  const o = { clients: opts.clients ?? 1000, rooms: opts.rooms ?? 100, rate: opts.rate ?? 1000, seconds: opts.seconds ?? 10 };
  const attackers = opts.attackers ?? 5;
  const honest = await run(0, o);
  const hostile = await run(attackers, o);
  const row = (name: string, r: RunResult) => `| ${name} | ${ms(r.honestP99)} | ${r.honestLost} | ${ms(r.loopP99)} | ${ms(r.loopMax)} | ${ms(r.healthP99)} | ${ms(r.healthMax)} | ${r.attackUpdates} / ${r.attackCloses} / ${r.attackRefusedUpgrades} |`;
  return [
    `## Hostile load (${o.clients} honest clients × ${o.rooms} documents at ${o.rate} edits/s, ${o.seconds} s; ${attackers} members sending crafted updates at the rate limit, reconnecting when cut off)`,
    '',
    '| run | honest p99 ms | honest lost | event-loop delay p99 ms | event-loop delay max ms | /api/health p99 ms | /api/health max ms | crafted updates sent / closes (4429) / upgrades refused (429) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    row('honest only', honest),
    row(`honest + ${attackers} hostile`, hostile),
    '',
    `Targets: event-loop max ≤ 100 ms under attack; honest p99 within noise of the honest-only run.`,
    '',
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) process.stdout.write(`${await runHostileBench()}\n`);
