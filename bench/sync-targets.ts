// The servers the sync benchmark drives: Trellis (1 or N processes on one DATA_DIR) and the
// reference @y/websocket-server, each started as separate OS processes.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, SERVER_NODE_FLAGS } from '@trellis/runtime';

export interface RunningTarget {
  name: string;
  pids: number[];
  /** WebSocket URL for client i of room r. */
  url(clientIndex: number, room: number): string;
  /** Trellis: a new person, added to room r as an editor; resolves with their WebSocket URL. */
  newEditor?(room: number, email: string): Promise<string>;
  stop(): Promise<void>;
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));

async function waitHttp(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).status < 500) return;
    } catch {
      // not yet listening
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not come up`);
}

function kill(children: ChildProcess[]): Promise<void> {
  return Promise.all(
    children.map((c) => new Promise<void>((resolve) => {
      if (c.exitCode !== null) return resolve();
      c.on('exit', () => resolve());
      c.kill('SIGTERM');
      setTimeout(() => c.kill('SIGKILL'), 5000).unref();
    })),
  ).then(() => undefined);
}

export async function startReference(): Promise<RunningTarget> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(ROOT, 'node_modules/@y/websocket-server/src/server.js')], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port) }, stdio: 'ignore',
  });
  await waitHttp(`http://127.0.0.1:${port}/`);
  return { name: '@y/websocket-server 0.1.1', pids: [child.pid!], url: (_i, room) => `ws://127.0.0.1:${port}/room-${room}`, stop: () => kill([child]) };
}

/**
 * What production runs: the compiled server (dist/, built by bench/run.ts first). BENCH_SOURCE=1
 * runs the TypeScript sources under tsx instead (comparisons with runs recorded that way).
 */
function serverEntry(): string[] {
  return [...SERVER_NODE_FLAGS, ...(process.env['BENCH_SOURCE'] ? ['--import', 'tsx', join(ROOT, 'server/src/main.ts')] : [join(ROOT, 'dist/server.js')])];
}

export async function startTrellis(processes: number, rooms: number): Promise<RunningTarget> {
  const dataDir = mkdtempSync(join(tmpdir(), 'trellis-bench-sync-'));
  const ports: number[] = [];
  const children: ChildProcess[] = [];
  for (let i = 0; i < processes; i++) {
    const port = await freePort();
    const child = spawn(process.execPath, [...(process.env['BENCH_PROF_DIR'] ? ['--cpu-prof', `--cpu-prof-dir=${process.env['BENCH_PROF_DIR']}`] : []), ...serverEntry()], {
      env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.push(child);
    ports.push(port);
    // The first process creates the schema and the dev-auth secret; the rest join after.
    if (i === 0) await waitHttp(`http://127.0.0.1:${port}/api/health`);
  }
  await Promise.all(ports.map((p) => waitHttp(`http://127.0.0.1:${p}/api/health`)));
  const base = `http://127.0.0.1:${ports[0]}`;
  const devLogin = async (email: string) =>
    (await (await fetch(`${base}/api/dev/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email }) })).json()) as { token: string; user: { id: string } };
  const login = await devLogin('bench@load.test');
  const ids: string[] = [];
  for (let r = 0; r < rooms; r++) {
    const res = await fetch(`${base}/api/collaborations`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${login.token}` }, body: JSON.stringify({ title: `bench ${r}` }) });
    ids.push(((await res.json()) as { id: string }).id);
  }
  return {
    name: processes === 1 ? 'Trellis' : `Trellis × ${processes} processes`,
    pids: children.map((c) => c.pid!),
    url: (i, room) => `ws://127.0.0.1:${ports[i % processes]}/sync/${ids[room]}?token=${login.token}`,
    newEditor: async (room, email) => {
      const editor = await devLogin(email);
      const res = await fetch(`${base}/api/collaborations/${ids[room]}/members`, {
        method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${login.token}` }, body: JSON.stringify({ userId: editor.user.id, role: 'editor' }),
      });
      if (res.status !== 201) throw new Error(`adding ${email} to room ${room}: ${res.status}`);
      return `ws://127.0.0.1:${ports[0]}/sync/${ids[room]}?token=${editor.token}`;
    },
    stop: async () => {
      await kill(children);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
