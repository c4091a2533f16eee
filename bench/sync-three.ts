// Dev aid: only the multi-process cross-instance scenario of the sync benchmark, with the servers'
// persist and fan-out histograms afterwards.
import { benchTarget } from './sync.ts';
import { startTrellis } from './sync-targets.ts';

const processes = Number(process.argv[2] ?? 3);
const rate = Number(process.argv[3] ?? 1000);
const t = await startTrellis(processes, 100);
await new Promise((r) => setTimeout(r, Number(process.env['BENCH_IDLE_MS'] ?? 0)));
try {
  await benchTarget(t, { clients: 1000, rooms: 100, rates: [rate, rate, rate, rate, rate, rate], seconds: Number(process.env["BENCH_SECONDS"] ?? 4), stopAboveMs: 1e9 });
  for (let i = 0; i < processes; i++) {
    const base = t.url(i, 0).replace(/^ws/, 'http').replace(/\/sync.*/, '');
    const text = await (await fetch(`${base}/metrics`)).text();
    process.stderr.write(`${base}\n${text.split('\n').filter((l) => /^trellis_(persist_seconds|fanout_lag_seconds)_(bucket|count|sum)/.test(l)).join('\n')}\n`);
  }
} finally {
  await t.stop();
}
