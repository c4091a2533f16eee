// Dev aid: CPU of each thread of the compiled server (main, SQLite write thread, V8 helpers) under the
// sync load generator at one rate (`npm run build:server` first). `node --import tsx bench/thread-cpu.ts 1000`;
// BENCH_PROF_DIR=dir adds --cpu-prof (profiler threads then show up too).
import { readdirSync, readFileSync } from 'node:fs';
import { benchTarget } from './sync.ts';
import { startTrellis } from './sync-targets.ts';

const rate = Number(process.argv[2] ?? 1000);
const target = await startTrellis(1, 100);
const pid = target.pids[0]!;

function threads(): Map<string, { name: string; ticks: number }> {
  const out = new Map<string, { name: string; ticks: number }>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    out.set(tid, { name, ticks: Number(f[11]) + Number(f[12]) });
  }
  return out;
}

const before = threads();
const t0 = Date.now();
await benchTarget(target, { clients: 1000, rooms: 100, rates: [rate], seconds: 10, stopAboveMs: 1e9 });
const after = threads();
const secs = (Date.now() - t0) / 1000;
const rows: [string, number][] = [];
for (const [tid, a] of after) rows.push([`${a.name}#${tid}`, (a.ticks - (before.get(tid)?.ticks ?? 0)) / 100 / secs * 100]);
rows.sort((x, y) => y[1] - x[1]);
for (const [n, pct] of rows.filter((r) => r[1] > 0.2)) console.log(`${pct.toFixed(1).padStart(6)} %  ${n}`);
console.log(`total ${rows.reduce((s, r) => s + r[1], 0).toFixed(1)} % over ${secs.toFixed(1)} s (includes connect + warm-up)`);
await target.stop();
