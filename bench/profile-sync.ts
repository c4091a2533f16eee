// Dev aid: run Trellis under --cpu-prof with the sync load generator at one rate; prints the profile
// directory. `node --import tsx bench/profile-sync.ts 2500` (compiled server: `npm run build:server`
// first; BENCH_SOURCE=1 for the sources under tsx).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchTarget } from './sync.ts';
import { startTrellis } from './sync-targets.ts';

const rate = Number(process.argv[2] ?? 2500);
const profDir = mkdtempSync(join(tmpdir(), 'trellis-cpuprof-'));
process.env['BENCH_PROF_DIR'] = profDir;
const target = await startTrellis(1, 100);
await benchTarget(target, { clients: 1000, rooms: 100, rates: [rate], seconds: Number(process.env['PROF_SECONDS'] ?? 12), stopAboveMs: 1e9 });
await target.stop();
console.log(profDir);
