// [S11] The supervisor's children do not outlive it: killed with SIGKILL, it leaves no server or
// worker running, and the server stores what it held and closes its sockets gracefully on the way out.
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import WebSocket from 'ws';
import { notesOf } from '@trellis/schema';
import { connect, createCollaboration, freePort, holdWriteLock, login, storedDoc, synced, tempDir, waitFor, waitHealthy } from './testing/harness.ts';

const SUPERVISOR = fileURLToPath(new URL('./supervise.ts', import.meta.url));
const leftovers: number[] = [];
let supervisor: ChildProcess | null = null;

afterEach(() => {
  if (supervisor?.exitCode === null) supervisor.kill('SIGKILL');
  for (const pid of leftovers.splice(0)) if (running(pid)) process.kill(pid, 'SIGKILL');
});

/** Alive and not a zombie (a reparented child may wait unreaped where PID 1 does not reap). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** The supervisor's node children (server and worker), not the helper processes a loader may start. */
function childrenOf(pid: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => /(server|worker)\/src\/main\.ts/.test(line))
      .map((line) => Number(line.trim().split(/\s+/)[0]));
  } catch {
    return [];
  }
}

it('[S11] a supervisor killed with SIGKILL leaves no server or worker running; the server stores what it held first', async () => {
  const dataDir = tempDir();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  supervisor = spawn(process.execPath, ['--import', 'tsx', SUPERVISOR], {
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', AI_PROVIDER: 'offline' },
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  const supervisorPid = supervisor.pid!;
  await waitHealthy(base, 30_000);
  await waitFor(() => childrenOf(supervisorPid).length === 2, 20_000, 'server and worker started');
  const kids = childrenOf(supervisorPid);
  leftovers.push(...kids);

  // An edit the server holds in memory only: the store is locked from outside.
  const owner = await login(base, 'owner@orphans.io');
  const collab = await createCollaboration(base, owner);
  const writer = connect(base, collab, owner.token);
  await synced(writer);
  const watcher = new WebSocket(`ws://127.0.0.1:${port}/sync/${collab}?token=${owner.token}`);
  await new Promise((resolve, reject) => watcher.once('open', resolve).once('error', reject));
  const closed = new Promise<number>((resolve) => watcher.once('close', (code) => resolve(code)));
  const lock = holdWriteLock(dataDir);
  notesOf(writer.doc).insert(0, 'held in memory');
  await new Promise((r) => setTimeout(r, 300));

  supervisor.kill('SIGKILL');
  await new Promise((r) => setTimeout(r, 300));
  writer.destroy();
  lock.release();

  // The server said goodbye as in a graceful shutdown (1012), not a dropped connection (1006).
  expect(await closed).toBe(1012);
  await waitFor(() => kids.every((pid) => !running(pid)), 15_000, 'server and worker gone');
  expect(notesOf(await storedDoc(dataDir, collab)).toString()).toBe('held in memory');
}, 60_000);
