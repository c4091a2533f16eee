// Dev aid: where each server's main thread spends its CPU per edit, by Linux `perf` (which counts CPU
// time, kernel included, where V8's profiler samples wall time). Each server is started with
// `--perf-basic-prof` (JIT frames get names) under the sync load at one rate, `perf record -F 999 -g`
// follows its process, and the samples of the main thread in the 60–90 % stretch of the recording (the
// steady state) are grouped by their innermost JavaScript frame. Needs `perf` and permission to
// trace (root, or kernel.perf_event_paranoid ≤ 1); compiled server (`npm run build:server` first).
//   node --import tsx bench/perf-sync.ts [rate=1000]
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchTarget } from './sync.ts';
import type { RunningTarget } from './sync-targets.ts';
import { startReference, startTrellis } from './sync-targets.ts';

const rate = Number(process.argv[2] ?? 1000);
const HZ = 999;
const WINDOW = { from: 0.6, to: 0.9 };

/** Rows of the report: the first pattern to match a sample's innermost JavaScript frame names its row. */
const ROWS: [string, RegExp][] = [
  ['socket send path (stream write down to the kernel)', /JS:\*?\^?(doWrite|Socket\._writev|writevGeneric) /],
  ['Yjs integrate', /JS:\S*integrate .*yjs/],
  ['placement estimate (estimateCost)', /JS:\S*estimateCost /],
  ['the gate: reading, deciding, re-encoding, bookkeeping', /JS:\S*(gate|applyGated|readUpdate|decideUpdate|encodeStructs|encodeAccepted) .*dist\//],
];

interface Sample { frames: string[] }

function record(pid: number, out: string): () => Promise<void> {
  const perf = spawn('perf', ['record', '-F', String(HZ), '-g', '-p', String(pid), '-o', out], { stdio: 'ignore' });
  return () => new Promise((resolve) => {
    perf.once('exit', () => resolve());
    perf.kill('SIGINT');
  });
}

function samples(file: string, tid: number): { list: Sample[]; seconds: number } {
  const times = spawnSync('perf', ['script', '-i', file, '--tid', String(tid), '-F', 'time'], { encoding: 'utf8', maxBuffer: 1 << 28 }).stdout
    .split('\n').map((l) => Number.parseFloat(l)).filter((t) => Number.isFinite(t));
  const span = (times.at(-1) ?? 0) - (times[0] ?? 0);
  const range = `${WINDOW.from * 100}%-${WINDOW.to * 100}%`;
  const text = spawnSync('perf', ['script', '-i', file, '--tid', String(tid), '--time', range, '-F', 'tid,ip,sym'], { encoding: 'utf8', maxBuffer: 1 << 30 }).stdout;
  const list: Sample[] = [];
  let cur: Sample | null = null;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    if (!line.startsWith('\t') && !line.startsWith(' ')) {
      cur = { frames: [] };
      list.push(cur);
    } else if (cur) {
      cur.frames.push(line.trim().replace(/^[0-9a-f]+ /, ''));
    }
  }
  return { list, seconds: span * (WINDOW.to - WINDOW.from) };
}

async function measure(name: string, start: () => Promise<RunningTarget>): Promise<Map<string, number>> {
  process.env['NODE_OPTIONS'] = '--perf-basic-prof';
  const target = await start().finally(() => delete process.env['NODE_OPTIONS']);
  const pid = target.pids[0]!;
  const dir = mkdtempSync(join(tmpdir(), 'trellis-perf-'));
  const file = join(dir, 'perf.data');
  const stop = record(pid, file);
  try {
    await benchTarget(target, { clients: 1000, rooms: 100, rates: [rate], seconds: 10, stopAboveMs: 1e9 });
  } finally {
    await stop();
    await target.stop();
  }
  const { list, seconds } = samples(file, pid);
  rmSync(dir, { recursive: true, force: true });
  // --perf-basic-prof also has V8 write a code log per isolate into the server's working directory.
  for (const f of readdirSync('.')) if (new RegExp(`^isolate-0x[0-9a-f]+-${pid}-v8\\.log$`).test(f)) rmSync(f);
  const usPerEdit = (n: number) => (n * 1e6) / HZ / (rate * seconds);
  const rows = new Map<string, number>();
  for (const s of list) {
    const js = s.frames.find((f) => f.startsWith('JS:'));
    const row = js === undefined ? 'no JavaScript frame (GC, epoll, libuv, thread messages)' : (ROWS.find(([, re]) => re.test(js))?.[0] ?? 'everything else');
    rows.set(row, (rows.get(row) ?? 0) + 1);
  }
  process.stderr.write(`  ${name}: ${list.length} main-thread samples over ${seconds.toFixed(1)} s\n`);
  return new Map([...rows].map(([k, n]) => [k, usPerEdit(n)]));
}

if (spawnSync('perf', ['--version']).status !== 0) throw new Error('perf is not installed');
const ours = await measure('Trellis', () => startTrellis(1, 100));
const ref = await measure('reference', () => startReference());
const names = [...ROWS.map(([n]) => n), 'no JavaScript frame (GC, epoll, libuv, thread messages)', 'everything else'];
const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
const f = (x: number | undefined) => (x === undefined ? '—' : x.toFixed(0));
console.log(`\nMain thread at ${rate} edits/s, µs of CPU per edit (perf, ${HZ} Hz, innermost JavaScript frame)\n`);
console.log('| main thread | Trellis | reference |');
console.log('| --- | --- | --- |');
for (const n of names) console.log(`| ${n} | ${f(ours.get(n))} | ${f(ref.get(n))} |`);
console.log(`| **total** | **${f(sum(ours))}** | **${f(sum(ref))}** |`);
