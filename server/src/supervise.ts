// `npm start` after the build: runs the server and the worker as child processes with the same
// environment, restarts a crashed child with backoff, forwards SIGTERM/SIGINT and exits 0 once both stopped.
// The children exit by themselves when the supervisor dies (SPEC [S11]): no orphan outlives it.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SERVER_NODE_FLAGS } from '@trellis/runtime';
import { parseEnv } from '@trellis/schema';
import { authMode } from './auth/mode.ts';

// From the build (dist/supervise.js, what `npm start` and the Docker image run) the children are the
// compiled files beside it, run by plain node; from source (tests, development) the .ts entries under tsx.
const FROM_SOURCE = import.meta.url.endsWith('.ts');
const CHILDREN = FROM_SOURCE
  ? [
      { name: 'server', file: fileURLToPath(new URL('./main.ts', import.meta.url)) },
      { name: 'worker', file: fileURLToPath(new URL('../../worker/src/main.ts', import.meta.url)) },
    ]
  : [
      { name: 'server', file: fileURLToPath(new URL('./server.js', import.meta.url)) },
      { name: 'worker', file: fileURLToPath(new URL('./worker.js', import.meta.url)) },
    ];
const NODE_ARGS = FROM_SOURCE ? ['--import', 'tsx'] : [];
/** A run shorter than this is a quick crash: the backoff grows. */
const QUICK_CRASH_MS = 10_000;
/** Consecutive quick crashes after which the supervisor gives up (exit 1). */
const MAX_QUICK_CRASHES = 8;
/** Children still running this long after the stop signal are killed. */
const STOP_TIMEOUT_MS = 8_000;

interface Slot {
  name: string;
  file: string;
  child: ChildProcess | null;
  startedAt: number;
  quickCrashes: number;
  timer: NodeJS.Timeout | null;
}

const log = (line: string) => console.error(`[supervise] ${line}`);

// A bad variable stops start-up here with one line, instead of a restart loop in both children.
try {
  authMode(parseEnv(process.env));
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}

let stopping = false;
let stoppingSince = 0;
let exitCode = 0;
const slots: Slot[] = CHILDREN.map((c) => ({ ...c, child: null, startedAt: 0, quickCrashes: 0, timer: null }));

function start(slot: Slot): void {
  // detached: own process group, so a terminal Ctrl-C reaches the children once (forwarded by us), not twice.
  // The IPC channel is how a child learns we are gone, even killed with SIGKILL ([S11]).
  const flags = slot.name === 'server' ? SERVER_NODE_FLAGS : [];
  const child = spawn(process.execPath, [...flags, ...NODE_ARGS, slot.file], { env: process.env, stdio: ['inherit', 'inherit', 'inherit', 'ipc'], detached: true });
  slot.child = child;
  slot.startedAt = Date.now();
  let exited = false;
  const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
    if (exited) return;
    exited = true;
    slot.child = null;
    onChildExit(slot, code, signal);
  };
  child.once('error', (err) => {
    log(`${slot.name}: ${err.message}`);
    if (child.pid === undefined) onExit(null, null);
  });
  child.once('exit', onExit);
}

function onChildExit(slot: Slot, code: number | null, signal: NodeJS.Signals | null): void {
  const how = signal ? `signal ${signal}` : `code ${String(code)}`;
  if (stopping) {
    log(`${slot.name} stopped (${how})`);
    if (slots.every((s) => s.child === null)) process.exit(exitCode);
    return;
  }
  const lived = Date.now() - slot.startedAt;
  slot.quickCrashes = lived >= QUICK_CRASH_MS ? 1 : slot.quickCrashes + 1;
  if (slot.quickCrashes > MAX_QUICK_CRASHES) {
    log(`${slot.name} crashed ${MAX_QUICK_CRASHES} times in a row within ${QUICK_CRASH_MS} ms of starting; giving up`);
    exitCode = 1;
    shutdown('SIGTERM');
    return;
  }
  const delay = Math.min(30_000, 500 * 2 ** (slot.quickCrashes - 1));
  log(`${slot.name} exited (${how}) after ${lived} ms; restarting in ${delay} ms (attempt ${slot.quickCrashes})`);
  slot.timer = setTimeout(() => {
    slot.timer = null;
    if (!stopping) start(slot);
  }, delay);
}

function shutdown(signal: NodeJS.Signals): void {
  if (stopping) return;
  stopping = true;
  stoppingSince = Date.now();
  for (const s of slots) {
    if (s.timer) clearTimeout(s.timer);
    s.timer = null;
    s.child?.kill(signal);
  }
  if (slots.every((s) => s.child === null)) process.exit(exitCode);
  setTimeout(() => {
    for (const s of slots) {
      if (!s.child) continue;
      log(`${s.name} still running ${STOP_TIMEOUT_MS} ms after ${signal}; sending SIGKILL`);
      s.child.kill('SIGKILL');
    }
  }, STOP_TIMEOUT_MS).unref();
}

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) {
      // A second signal (not the echo of the first through npm/tsx): don't wait any longer.
      if (Date.now() - stoppingSince < 1000) return;
      log(`second ${signal}: killing server and worker`);
      for (const s of slots) s.child?.kill('SIGKILL');
      return;
    }
    log(`${signal}: stopping server and worker`);
    shutdown(signal);
  });
}
process.on('exit', () => {
  for (const s of slots) s.child?.kill('SIGKILL');
});

for (const s of slots) start(s);
