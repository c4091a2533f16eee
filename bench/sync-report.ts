// Turns repeated sync benchmark runs into the BENCHMARKS.md tables: the median of each rate over
// the runs (a run that collapsed before a rate counts as unbounded there), with every run's p99.
import type { PhaseResult } from './sync.ts';
import { median, ms } from './stats.ts';

export interface MedianRow extends PhaseResult {
  runs: number[];
}

export function medianRows(runs: PhaseResult[][]): MedianRow[] {
  const rates = [...new Set(runs.flatMap((rows) => rows.map((r) => r.rate)))].sort((a, b) => a - b);
  return rates.map((rate) => {
    const at = runs.map((rows) => rows.find((r) => r.rate === rate));
    const seen = at.filter((r): r is PhaseResult => r !== undefined);
    const m = (f: (r: PhaseResult) => number) => median(seen.map(f));
    return {
      rate, p50: m((r) => r.p50), p95: m((r) => r.p95), p99: median(at.map((r) => r?.p99 ?? Infinity)),
      delivered: m((r) => r.delivered), lost: m((r) => r.lost), cpu: m((r) => r.cpu), cpuPerUpdate: m((r) => r.cpuPerUpdate), rss: m((r) => r.rss),
      runs: at.map((r) => r?.p99 ?? Infinity),
    };
  });
}

export function table(name: string, rows: MedianRow[]): string[] {
  const out = [`**${name}**`, '', '| edits/s | p50 ms | p95 ms | p99 ms | p99 of each run | delivered updates/s | server CPU % | CPU µs per delivered update | server RSS MiB | undelivered |', '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |'];
  for (const r of rows) out.push(`| ${r.rate} | ${ms(r.p50)} | ${ms(r.p95)} | ${ms(r.p99)} | ${r.runs.map(ms).join(' / ')} | ${r.delivered.toFixed(0)} | ${r.cpu.toFixed(0)} | ${r.cpuPerUpdate.toFixed(1)} | ${r.rss.toFixed(0)} | ${r.lost} |`);
  return [...out, ''];
}

/** The highest rate whose (median) p99 is within `limit`, with every lower rate within it too. */
export function bestRate(rows: PhaseResult[], limit: number): number {
  let best = 0;
  for (const r of rows) {
    if (r.p99 > limit) break;
    best = r.rate;
  }
  return best;
}
