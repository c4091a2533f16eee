// Sync load generator (a separate process from the servers it drives): C clients across D
// documents typing small edits at a fixed total rate. Reports propagation latency (edit at one
// client → seen by every other client of that document), delivered updates/s (an edit seen by one
// other client; a server's echo to the sender is not a delivery), server CPU per delivered update and
// RSS, for Trellis and the reference @y/websocket-server in the same run (interleaved repeats, medians).
import { LatencyTracker, LoadClient, typeAtRate } from './load-client.ts';
import { cpuSeconds, rssMiB } from './process-stats.ts';
import { ms, summarize } from './stats.ts';
import { bestRate, medianRows, table } from './sync-report.ts';
import { startReference, startTrellis } from './sync-targets.ts';
import type { RunningTarget } from './sync-targets.ts';

export interface PhaseResult {
  rate: number;
  p50: number;
  p95: number;
  p99: number;
  delivered: number;
  lost: number;
  cpu: number;
  /** Server CPU (all processes, all threads, until deliveries stop being counted) per delivered update, µs. */
  cpuPerUpdate: number;
  rss: number;
}

async function connectAll(target: RunningTarget, clients: number, rooms: number, tracker: LatencyTracker): Promise<{ all: LoadClient[]; perRoom: number[] }> {
  const all: LoadClient[] = [];
  const perRoom = new Array<number>(rooms).fill(0);
  for (let i = 0; i < clients; i++) {
    const room = i % rooms;
    perRoom[room]!++;
    all.push(new LoadClient(i, String(room), tracker));
  }
  for (let i = 0; i < all.length; i += 50) await Promise.all(all.slice(i, i + 50).map((c) => c.connect(target.url(c.index, Number(c.room)))));
  await new Promise((r) => setTimeout(r, 1000));
  return { all, perRoom };
}

async function phase(target: RunningTarget, clients: LoadClient[], perRoom: number[], tracker: LatencyTracker, rate: number, seconds: number): Promise<PhaseResult> {
  tracker.latencies = [];
  tracker.pending.clear();
  tracker.deliveries = 0;
  const cpu0 = target.pids.reduce((n, p) => n + cpuSeconds(p), 0);
  const started = performance.now();
  const sent = await typeAtRate(clients, perRoom, rate, seconds);
  const wall = (performance.now() - started) / 1000;
  const cpu = (target.pids.reduce((n, p) => n + cpuSeconds(p), 0) - cpu0) / wall;
  await new Promise((r) => setTimeout(r, 1000));
  // Deliveries are counted until now, so their CPU is too: past saturation the servers are still
  // working through the edits sent in the phase, and that work would otherwise count as free.
  const cpuThrough = target.pids.reduce((n, p) => n + cpuSeconds(p), 0) - cpu0;
  const lost = tracker.pending.size;
  const s = summarize(tracker.latencies);
  // Undelivered edits count as slower than anything measured.
  const p99 = lost > sent * 0.01 ? Infinity : s.p99;
  const delivered = tracker.deliveries / wall;
  return { rate, p50: s.p50, p95: s.p95, p99, delivered, lost, cpu: cpu * 100, cpuPerUpdate: (cpuThrough / tracker.deliveries) * 1e6, rss: target.pids.reduce((n, p) => n + rssMiB(p), 0) };
}

export async function benchTarget(target: RunningTarget, opts: { clients: number; rooms: number; rates: number[]; seconds: number; stopAboveMs: number }): Promise<PhaseResult[]> {
  const tracker = new LatencyTracker();
  const { all, perRoom } = await connectAll(target, opts.clients, opts.rooms, tracker);
  const results: PhaseResult[] = [];
  try {
    // Warm-up (JIT of every process and thread, first document loads, socket buffers), not
    // recorded: 5 s at the first measured rate, the same for every target.
    await phase(target, all, perRoom, tracker, opts.rates[0] ?? 1000, 5);
    for (const rate of opts.rates) {
      const r = await phase(target, all, perRoom, tracker, rate, opts.seconds);
      results.push(r);
      process.stderr.write(`  ${target.name} @ ${rate}/s: p50 ${ms(r.p50)} p99 ${ms(r.p99)} ms, cpu ${r.cpu.toFixed(0)}%, lost ${r.lost}\n`);
      if (r.p99 > opts.stopAboveMs) break;
    }
  } finally {
    for (const c of all) c.close();
  }
  return results;
}

export async function runSyncBench(opts: { clients?: number; rooms?: number; seconds?: number; rates?: number[]; repeats?: number } = {}): Promise<string> {
  const clients = opts.clients ?? 1000;
  const rooms = opts.rooms ?? 100;
  const seconds = opts.seconds ?? 4;
  const repeats = opts.repeats ?? 3;
  const rates = opts.rates ?? [1000, 2000, 2500, 3000, 3500, 4000, 5000];
  const lines = [`## Sync (${clients} clients × ${rooms} documents, ${seconds} s per rate, median of ${repeats} interleaved runs, load generator in its own process)`, ''];
  const run = async (start: () => Promise<RunningTarget>, r: number[]) => {
    const t = await start();
    try {
      return { name: t.name, rows: await benchTarget(t, { clients, rooms, rates: r, seconds, stopAboveMs: 200 }) };
    } finally {
      await t.stop();
    }
  };
  // Interleaved, so a noisy minute on this shared machine hits every target alike.
  const runs: Record<'ref' | 'ours' | 'three', { name: string; rows: PhaseResult[] }[]> = { ref: [], ours: [], three: [] };
  for (let i = 0; i < repeats; i++) {
    runs.ref.push(await run(startReference, rates));
    runs.ours.push(await run(() => startTrellis(1, rooms), rates));
    runs.three.push(await run(() => startTrellis(3, rooms), [clients]));
  }
  const ref = medianRows(runs.ref.map((r) => r.rows));
  const ours = medianRows(runs.ours.map((r) => r.rows));
  const three = medianRows(runs.three.map((r) => r.rows));
  lines.push(
    ...table(runs.ref[0]!.name, ref),
    ...table(`${runs.ours[0]!.name} (every update persisted, permission-checked)`, ours),
    ...table(`${runs.three[0]!.name}, one DATA_DIR, clients spread across processes`, three),
  );
  const refBest = bestRate(ref, 50);
  const ourBest = bestRate(ours, 50);
  const at = (rows: PhaseResult[], rate: number) => rows.find((r) => r.rate === rate);
  const ratio = (a: number | undefined, b: number | undefined) => (a !== undefined && b !== undefined ? `${(a / b).toFixed(2)}×` : 'not reached');
  const pair = (f: (r: PhaseResult) => number, rate: number, digits: number) => {
    const o = at(ours, rate);
    const r = at(ref, rate);
    return `${o ? f(o).toFixed(digits) : '—'} / ${r ? f(r).toFixed(digits) : '—'} = ${ratio(o && f(o), r && f(r))}`;
  };
  const top = rates[rates.length - 1]!;
  lines.push('| target (issue #17) | measured (medians) | goal |', '| --- | --- | --- |');
  lines.push(`| CPU µs per delivered update at ${clients} edits/s, ours / reference | ${pair((r) => r.cpuPerUpdate, clients, 1)} | ≤ 1.2× |`);
  lines.push(`| CPU µs per delivered update at 4000 edits/s, ours / reference | ${pair((r) => r.cpuPerUpdate, 4000, 1)} | ≤ 1.1× |`);
  lines.push(`| RSS MiB with ${clients} clients at ${clients} edits/s, ours / reference | ${pair((r) => r.rss, clients, 0)} | ≤ 1.5× |`);
  lines.push(`| highest rate with p99 ≤ 50 ms (ladder up to ${top}), ours / reference | ${ourBest} / ${refBest} = ${(ourBest / Math.max(1, refBest)).toFixed(2)}× | ≥ 1.5× |`);
  lines.push(`| p99 ms at ${clients} edits/s, ours / reference | ${pair((r) => r.p99, clients, 2)} | ≤ 1.0× |`);
  lines.push(`| cross-instance p99 at ${clients} edits/s, 3 processes | ${ms(at(three, clients)?.p99 ?? NaN)} ms | ≤ 100 ms |`, '');
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [clients, rooms, seconds] = process.argv.slice(2).map(Number);
  process.stdout.write(`${await runSyncBench({ ...(clients ? { clients } : {}), ...(rooms ? { rooms } : {}), ...(seconds ? { seconds } : {}) })}\n`);
}
