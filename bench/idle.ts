// Idle cost of one server process, compiled (node dist/server.js, what `npm start` runs) against the
// same sources under tsx (node --import tsx server/src/main.ts): a fresh DATA_DIR, no client, no
// document. After a settle time, RSS (VmRSS, all threads) and CPU (user + system, from /proc) over a
// window; runs alternate between the two so a busy minute on the machine hits both. Build first
// (`npm run build:server`). Prints markdown.
//   node --import tsx bench/idle.ts [runs=3] [settleSeconds=10] [windowSeconds=30]
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@trellis/runtime';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const [runs = 3, settle = 10, windowS = 30] = process.argv.slice(2).map(Number);
const TICK = 100; // USER_HZ on Linux
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const variants = {
  compiled: [join(ROOT, 'dist', 'server.js')],
  tsx: ['--import', 'tsx', join(ROOT, 'server', 'src', 'main.ts')],
} as const;

function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]); // utime, stime (fields 14, 15)
}
const rssMiB = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

async function measure(args: readonly string[]): Promise<{ startMs: number; rss: number; cpu: number }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'trellis-idle-'));
  const port = await freePort();
  const t0 = Date.now();
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn' }, stdio: 'ignore' });
  try {
    for (;;) {
      if (Date.now() - t0 > 60_000) throw new Error('server did not start');
      try {
        if ((await fetch(`http://127.0.0.1:${port}/api/health`)).ok) break;
      } catch {
        // not listening yet
      }
      await sleep(50);
    }
    const startMs = Date.now() - t0;
    await sleep(settle * 1000);
    const c0 = cpuTicks(child.pid!);
    const rss: number[] = [];
    for (let i = 0; i < windowS; i++) {
      await sleep(1000);
      rss.push(rssMiB(child.pid!));
    }
    const cpu = ((cpuTicks(child.pid!) - c0) / TICK / windowS) * 100;
    return { startMs, rss: rss.reduce((a, b) => a + b, 0) / rss.length, cpu };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (!existsSync(variants.compiled[0])) throw new Error('dist/server.js missing: npm run build:server first');
const results: Record<keyof typeof variants, Awaited<ReturnType<typeof measure>>[]> = { compiled: [], tsx: [] };
const load0 = loadavg()[0]!;
for (let i = 0; i < runs; i++) {
  for (const name of Object.keys(variants) as (keyof typeof variants)[]) results[name].push(await measure(variants[name]));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const lines = [
  `| server | start to healthy, ms | idle RSS MiB | idle CPU % of a core | runs (RSS / CPU) |`,
  '| --- | --- | --- | --- | --- |',
];
for (const [name, rs] of Object.entries(results)) {
  lines.push(
    `| ${name} | ${median(rs.map((r) => r.startMs)).toFixed(0)} | ${median(rs.map((r) => r.rss)).toFixed(1)} | ${median(rs.map((r) => r.cpu)).toFixed(2)} | ${rs.map((r) => `${r.rss.toFixed(0)} / ${r.cpu.toFixed(2)}`).join(', ')} |`,
  );
}
lines.push('', `${runs} runs each, alternating; ${settle} s settle, ${windowS} s window; load average ${load0.toFixed(2)} → ${loadavg()[0]!.toFixed(2)}.`);
process.stdout.write(`${lines.join('\n')}\n`);
