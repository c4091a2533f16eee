// Dev aid: N processes on one DATA_DIR with every document's clients on one process (room % N), as the
// proxy routes collaborations: the sync ladder, to see what spreading documents over processes buys.
// `node --import tsx bench/sync-routed.ts 2 1000,2000,3000` (compiled server: `npm run build:server` first).
import { benchTarget } from './sync.ts';
import { startTrellis } from './sync-targets.ts';
const n = Number(process.argv[2] ?? 2);
const rates = (process.argv[3] ?? '1000,2000,3000,3500,4000,5000').split(',').map(Number);
const t = await startTrellis(n, 100);
const byRoom = { ...t, url: (_i: number, room: number) => t.url(room % n, room) };
try {
  const rows = await benchTarget(byRoom, { clients: 1000, rooms: 100, rates, seconds: 4, stopAboveMs: 200 });
  console.log(JSON.stringify(rows.map((r) => ({ rate: r.rate, p99: +r.p99.toFixed(1), cpu: +r.cpu.toFixed(0), us: +r.cpuPerUpdate.toFixed(1), rss: +r.rss.toFixed(0), lost: r.lost }))));
} finally {
  await t.stop();
}
process.exit(0);
