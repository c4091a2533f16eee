// `npm run bench [store|sync|worker|doc-load|memory ...]`: runs the benchmarks and prints markdown for BENCHMARKS.md.
// BENCH_REPEATS=n repeats the sync ladder n times (default 3) and reports medians.
// Not part of the test command: numbers are measured here, never asserted in tests.
// Trellis runs compiled (dist/, built here first) as in production; BENCH_SOURCE=1 runs it under tsx.
import { buildServer } from '../scripts/build-server.ts';
import { runDocLoadBench } from './doc-load.ts';
import { runHistoryBench } from './history.ts';
import { runHostileBench } from './hostile.ts';
import { runMemoryBench } from './memory.ts';
import { runStoreBench } from './store.ts';
import { runSyncBench } from './sync.ts';
import { runWorkerBench, workerBenchTable } from './worker.ts';

if (!process.env['BENCH_SOURCE']) await buildServer();
const wanted = new Set(process.argv.slice(2));
const all = wanted.size === 0;
const out: string[] = [`# Benchmark run ${new Date().toISOString()} (node ${process.version})`, ''];
if (all || wanted.has('store')) out.push(await runStoreBench());
if (all || wanted.has('sync')) out.push(await runSyncBench(process.env['BENCH_REPEATS'] ? { repeats: Number(process.env['BENCH_REPEATS']) } : {}));
if (all || wanted.has('worker')) out.push(workerBenchTable(await runWorkerBench()));
if (all || wanted.has('doc-load')) out.push(await runDocLoadBench());
if (all || wanted.has('hostile')) out.push(await runHostileBench());
if (all || wanted.has('memory')) out.push(await runMemoryBench());
if (all || wanted.has('history')) out.push(await runHistoryBench());
process.stdout.write(`${out.join('\n')}\n`);
