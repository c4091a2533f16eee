// Dev aid: where a server's CPU goes by thread, in the steady state of the sync load, Trellis (compiled:
// `npm run build:server` first) and the reference alternating. Each thread's user and system time is read
// from /proc/<pid>/task every 500 ms; a run reports the 6 s ending 2 s before its load ends (connect and
// warm-up left out), as µs per edit. Prints markdown.
//   node --import tsx bench/thread-cpu.ts [rate=1000] [runs=3]
// BENCH_PROF_DIR=dir adds --cpu-prof to Trellis (profiler threads then show up too).
import { readdirSync, readFileSync } from 'node:fs';
import { median } from './stats.ts';
import { benchTarget } from './sync.ts';
import type { RunningTarget } from './sync-targets.ts';
import { startReference, startTrellis } from './sync-targets.ts';

const [rate = 1000, runs = 3] = process.argv.slice(2).map(Number);
const TICK_US = 10_000; // USER_HZ 100
const WINDOW_MS = 6_000;
const TAIL_MS = 2_000;

interface Snap { at: number; ticks: Map<number, { user: number; sys: number }> }

function snap(pid: number): Snap {
  const ticks = new Map<number, { user: number; sys: number }>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks.set(Number(tid), { user: Number(f[11]), sys: Number(f[12]) });
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return { at: performance.now(), ticks };
}

/** µs per edit: the main thread's user and system time, the busiest other thread, the rest, the whole process. */
interface Split { mainUser: number; mainSys: number; second: number; rest: number; whole: number; p99: number }

async function measure(start: () => Promise<RunningTarget>): Promise<Split> {
  const target = await start();
  const pid = target.pids[0]!;
  const snaps: Snap[] = [];
  const timer = setInterval(() => snaps.push(snap(pid)), 500);
  try {
    const [row] = await benchTarget(target, { clients: 1000, rooms: 100, rates: [rate], seconds: 10, stopAboveMs: 1e9 });
    clearInterval(timer);
    const end = snaps.at(-1)!.at - TAIL_MS;
    const b = snaps.findLast((s) => s.at <= end - WINDOW_MS)!;
    const a = snaps.findLast((s) => s.at <= end)!;
    const edits = (rate * (a.at - b.at)) / 1000;
    const perEdit = (ticks: number) => (ticks * TICK_US) / edits;
    const threads = [...a.ticks].map(([tid, t]) => {
      const was = b.ticks.get(tid) ?? { user: 0, sys: 0 };
      return { tid, user: t.user - was.user, sys: t.sys - was.sys };
    });
    const main = threads.find((t) => t.tid === pid)!;
    const others = threads.filter((t) => t.tid !== pid).map((t) => t.user + t.sys).sort((x, y) => y - x);
    const second = others[0] ?? 0;
    const rest = others.slice(1).reduce((s, x) => s + x, 0);
    return {
      mainUser: perEdit(main.user), mainSys: perEdit(main.sys), second: perEdit(second), rest: perEdit(rest),
      whole: perEdit(main.user + main.sys + second + rest), p99: row?.p99 ?? Number.NaN,
    };
  } finally {
    clearInterval(timer);
    await target.stop();
  }
}

const results: Record<'trellis' | 'reference', Split[]> = { trellis: [], reference: [] };
for (let i = 0; i < runs; i++) {
  results.trellis.push(await measure(() => startTrellis(1, 100)));
  results.reference.push(await measure(() => startReference()));
}
const f = (x: number) => x.toFixed(0);
console.log(`\nCPU by thread at ${rate} edits/s, µs per edit (median of ${runs}; each run's figures in brackets)\n`);
console.log('| server | main thread, user | main thread, system | busiest other thread | all other threads | whole process |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const [name, rs] of Object.entries(results)) {
  const col = (k: keyof Split) => `${f(median(rs.map((r) => r[k])))} (${rs.map((r) => f(r[k])).join(', ')})`;
  console.log(`| ${name} | ${col('mainUser')} | ${col('mainSys')} | ${col('second')} | ${col('rest')} | ${col('whole')} |`);
}
const ours = median(results.trellis.map((r) => r.whole));
const ref = median(results.reference.map((r) => r.whole));
const writer = median(results.trellis.map((r) => r.second));
console.log(`\nwhole process ${f(ours)} / ${f(ref)} = ${(ours / ref).toFixed(2)}×; the write thread alone is ${(writer / ref).toFixed(2)}× of the reference's whole process`);
