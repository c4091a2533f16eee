// Dev aid: CPU of each thread of the compiled server (main, SQLite write thread, V8 helpers) under the
// sync load generator at one rate (`npm run build:server` first). `node --import tsx bench/thread-cpu.ts 1000`;
// PROF_DIR=dir adds --cpu-prof (profiler threads then show up too).
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchTarget } from './sync.ts';

const rate = Number(process.argv[2] ?? 1000);
const dataDir = mkdtempSync(join(tmpdir(), 'trellis-tcpu-'));
const port = 18556;
const child = spawn(process.execPath, [...(process.env['PROF_DIR'] ? ['--cpu-prof', `--cpu-prof-dir=${process.env['PROF_DIR']}`] : []), 'dist/server.js'], { env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn' }, stdio: 'inherit' });
for (;;) { try { if ((await fetch(`http://127.0.0.1:${port}/api/health`)).ok) break; } catch { /* starting */ } await new Promise((r) => setTimeout(r, 200)); }
const base = `http://127.0.0.1:${port}`;
const { token } = (await (await fetch(`${base}/api/dev/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email":"p@p.io"}' })).json()) as { token: string };
const ids: string[] = [];
for (let i = 0; i < 100; i++) ids.push(((await (await fetch(`${base}/api/collaborations`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: '{"title":"p"}' })).json()) as { id: string }).id);
function threads(): Map<string, { name: string; ticks: number }> {
  const out = new Map<string, { name: string; ticks: number }>();
  for (const tid of readdirSync(`/proc/${child.pid}/task`)) {
    const stat = readFileSync(`/proc/${child.pid}/task/${tid}/stat`, 'utf8');
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    out.set(tid, { name, ticks: Number(f[11]) + Number(f[12]) });
  }
  return out;
}
const before = threads();
const t0 = Date.now();
await benchTarget({ name: 'tcpu', pids: [child.pid!], url: (_i, r) => `ws://127.0.0.1:${port}/sync/${ids[r]}?token=${token}`, stop: async () => undefined }, { clients: 1000, rooms: 100, rates: [rate], seconds: 10, stopAboveMs: 1e9 });
const after = threads();
const secs = (Date.now() - t0) / 1000;
const rows: [string, number][] = [];
for (const [tid, a] of after) rows.push([`${a.name}#${tid}`, (a.ticks - (before.get(tid)?.ticks ?? 0)) / 100 / secs * 100]);
rows.sort((x, y) => y[1] - x[1]);
for (const [n, pct] of rows.filter((r) => r[1] > 0.2)) console.log(`${pct.toFixed(1).padStart(6)} %  ${n}`);
console.log(`total ${rows.reduce((s, r) => s + r[1], 0).toFixed(1)} % over ${secs.toFixed(1)} s (includes connect + warm-up)`);
child.kill('SIGTERM');
await new Promise((r) => child.on('exit', r));
