// Dev aid: run Trellis under --cpu-prof with the sync load generator at one rate.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchTarget } from './sync.ts';

const rate = Number(process.argv[2] ?? 2500);
const dataDir = mkdtempSync(join(tmpdir(), 'trellis-prof-'));
const profDir = mkdtempSync(join(tmpdir(), 'trellis-cpuprof-'));
const port = 18555;
// The compiled server (what production runs; `npm run build:server` first); BENCH_SOURCE=1: from source.
const entry = process.env['BENCH_SOURCE'] === '1' ? ['--import', 'tsx', 'server/src/main.ts'] : ['dist/server.js'];
const child = spawn(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${profDir}`, ...entry], {
  env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn' }, stdio: 'inherit',
});
for (;;) {
  try {
    if ((await fetch(`http://127.0.0.1:${port}/api/health`)).ok) break;
  } catch { /* starting */ }
  await new Promise((r) => setTimeout(r, 200));
}
const base = `http://127.0.0.1:${port}`;
const { token } = (await (await fetch(`${base}/api/dev/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email":"p@p.io"}' })).json()) as { token: string };
const ids: string[] = [];
for (let i = 0; i < 100; i++) ids.push(((await (await fetch(`${base}/api/collaborations`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: '{"title":"p"}' })).json()) as { id: string }).id);
await benchTarget({ name: 'prof', pids: [child.pid!], url: (_i, r) => `ws://127.0.0.1:${port}/sync/${ids[r]}?token=${token}`, stop: async () => undefined }, { clients: 1000, rooms: 100, rates: [rate], seconds: Number(process.env['PROF_SECONDS'] ?? 12), stopAboveMs: 1e9 });
child.kill('SIGTERM');
await new Promise((r) => child.on('exit', r));
console.log(profDir);
