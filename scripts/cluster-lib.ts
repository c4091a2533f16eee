// startCluster(): the production topology without Docker — nginx in front of N server processes and
// M worker processes sharing one DATA_DIR — used by `npm run cluster` and tests/cluster.e2e.test.ts.
import { spawnSync } from 'node:child_process';
import { accessSync, chmodSync, constants, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderNginxConf } from './lib/nginx-conf.ts';
import { pickPorts } from './lib/ports.ts';
import { SupervisedProcess } from './lib/supervised-process.ts';
import type { ExitInfo } from './lib/supervised-process.ts';
import { httpOk, waitForHttpOk, waitUntil } from './lib/wait.ts';
import { SERVER_NODE_FLAGS } from '@trellis/runtime';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Compiled (`npm run cluster` runs dist/cluster.js) the children are the built files; from source, the .ts entries. */
const DEFAULT_ENTRIES = import.meta.url.endsWith('.ts')
  ? { server: 'server/src/main.ts', worker: 'worker/src/main.ts' }
  : { server: 'dist/server.js', worker: 'dist/worker.js' };

export interface ClusterOptions {
  /** Shared embedded-store directory (created if missing). */
  dataDir: string;
  /** nginx port; default 8080, 0 picks a free one. */
  port?: number;
  /** nginx listen address; default 127.0.0.1 (servers always bind 127.0.0.1). */
  host?: string;
  /** Server processes; default 3. */
  servers?: number;
  /** Worker processes; default 2. */
  workers?: number;
  /** Preferred server ports; default port+1, port+2, ... Taken ports are replaced by free ones. */
  serverPorts?: readonly number[];
  /** Extra environment for every child; a key set to undefined is removed from the inherited env. */
  env?: Record<string, string | undefined>;
  /** nginx binary; default findNginx(). */
  nginxBin?: string;
  /** Directory nginx serves at `/`; default client/dist when built, null proxies `/` to the servers. */
  staticDir?: string | null;
  /** Restart crashed children (default true). */
  restart?: boolean;
  /** How long start-up may take (default 60 s). */
  readyTimeoutMs?: number;
  /** Every output line of every child; default: prefixed on stdout. */
  onOutput?: (name: string, line: string) => void;
  /** Entry points relative to the repo root (defaults: dist/server.js, dist/worker.js when this runs compiled, else server/src/main.ts, worker/src/main.ts). */
  serverEntry?: string;
  workerEntry?: string;
}

export interface ClusterMember {
  readonly name: string;
  /** The current process id; changes when the supervisor restarts it. */
  readonly pid: number | undefined;
  readonly restarts: number;
  kill(signal?: NodeJS.Signals): boolean;
}

export interface ClusterServer extends ClusterMember {
  readonly port: number;
  /** Direct URL of this server process, bypassing nginx. */
  readonly url: string;
}

export interface StoppedMember extends ExitInfo {
  name: string;
}

export interface Cluster {
  /** http://host:port of nginx. */
  url: string;
  /** ws://host:port/sync — the y-websocket server URL. */
  wsUrl: string;
  port: number;
  /** Where nginx.conf, logs and temp files live (removed by stop()). */
  prefix: string;
  servers: ClusterServer[];
  workers: ClusterMember[];
  nginx: ClusterMember;
  /** SIGTERM the servers and workers, gracefully stop nginx; SIGKILL whatever is left after 10 s. */
  stop(): Promise<StoppedMember[]>;
}

/** The nginx binary: $NGINX_BIN, /usr/sbin/nginx, or `nginx` on PATH; null if none. */
export function findNginx(): string | null {
  const candidates = [process.env['NGINX_BIN'], '/usr/sbin/nginx', ...(process.env['PATH'] ?? '').split(delimiter).map((d) => d && join(d, 'nginx'))];
  for (const c of candidates) {
    if (!c) continue;
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      // try the next one
    }
  }
  return null;
}

function member(p: SupervisedProcess): ClusterMember {
  return {
    name: p.name,
    get pid() {
      return p.pid;
    },
    get restarts() {
      return p.restarts;
    },
    kill: (signal?: NodeJS.Signals) => p.kill(signal),
  };
}

function defaultStaticDir(): string | null {
  const dist = join(REPO_ROOT, 'client', 'dist');
  return existsSync(join(dist, 'index.html')) ? dist : null;
}

/** Cross-machine peer links ([S14]) are one address per process; the processes of one cluster share
 *  a DATA_DIR and link through it, so the cluster's children never inherit these. */
const PEER_VARIABLES = ['PEER_ADDRESS', 'PEER_HOST', 'PEER_SECRET', 'PEER_SECRET_FILE'];

function baseEnv(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of PEER_VARIABLES) delete env[k];
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

export async function startCluster(opts: ClusterOptions): Promise<Cluster> {
  const nginxBin = opts.nginxBin ?? findNginx();
  if (!nginxBin) throw new Error('nginx not found: install it (apt-get install nginx) or set NGINX_BIN');
  const host = opts.host ?? '127.0.0.1';
  const serverCount = opts.servers ?? 3;
  const workerCount = opts.workers ?? 2;
  const readyTimeoutMs = opts.readyTimeoutMs ?? 60_000;
  const dataDir = resolve(opts.dataDir);
  mkdirSync(dataDir, { recursive: true });

  const wanted = opts.port ?? 8080;
  const [port] = await pickPorts(host, 1, [wanted]);
  if (port === undefined) throw new Error('no port for nginx');
  if (wanted !== 0 && wanted !== port) throw new Error(`port ${wanted} on ${host} is in use`);
  const preferred = opts.serverPorts ?? Array.from({ length: serverCount }, (_, i) => (wanted !== 0 ? port + 1 + i : 0));
  const serverPorts = await pickPorts('127.0.0.1', serverCount, preferred, [port]);

  const shownHost = host === '0.0.0.0' ? '127.0.0.1' : host;
  const recent: string[] = [];
  const sink = opts.onOutput ?? ((name: string, line: string) => process.stdout.write(`[${name}] ${line}\n`));
  const onOutput = (name: string, line: string) => {
    recent.push(`[${name}] ${line}`);
    if (recent.length > 200) recent.shift();
    sink(name, line);
  };

  const env = baseEnv(opts.env ?? {});
  const metricsBase = env['WORKER_METRICS_PORT'] ? Number(env['WORKER_METRICS_PORT']) : null;
  delete env['WORKER_METRICS_PORT'];
  const node = (name: string, entry: string, childEnv: NodeJS.ProcessEnv, flags: readonly string[] = []) =>
    new SupervisedProcess({
      name,
      command: process.execPath,
      // TypeScript sources run under tsx (tests); compiled entries (dist/*.js) under plain node.
      args: [...flags, ...(entry.endsWith('.ts') ? ['--import', 'tsx', entry] : [entry])],
      cwd: REPO_ROOT,
      env: childEnv,
      restart: opts.restart ?? true,
      onOutput,
    });

  const serverProcs = serverPorts.map((p, i) =>
    node(`server-${i + 1}`, opts.serverEntry ?? DEFAULT_ENTRIES.server, { ...env, PORT: String(p), HOST: '127.0.0.1', DATA_DIR: dataDir }, SERVER_NODE_FLAGS),
  );
  const workerProcs = Array.from({ length: workerCount }, (_, i) =>
    node(`worker-${i + 1}`, opts.workerEntry ?? DEFAULT_ENTRIES.worker, {
      ...env,
      DATA_DIR: dataDir,
      ...(metricsBase !== null ? { WORKER_METRICS_PORT: String(metricsBase + i) } : {}),
    }),
  );

  const prefix = mkdtempSync(join(tmpdir(), 'trellis-nginx-'));
  chmodSync(prefix, 0o755);
  const confPath = join(prefix, 'nginx.conf');
  const errorLog = join(prefix, 'error.log');
  const runAsRoot = process.getuid?.() === 0;
  writeFileSync(
    confPath,
    renderNginxConf({
      prefix,
      listenHost: host,
      listenPort: port,
      upstreams: serverPorts.map((p) => ({ host: '127.0.0.1', port: p })),
      staticDir: opts.staticDir === undefined ? defaultStaticDir() : opts.staticDir,
      runAsRoot,
    }),
  );
  const nginxArgs = ['-p', `${prefix}/`, '-c', confPath, '-e', errorLog];
  const check = spawnSync(nginxBin, [...nginxArgs, '-t', '-q'], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`nginx rejected ${confPath}: ${(check.stderr || check.stdout || String(check.error)).trim()}`);
  const nginxProc = new SupervisedProcess({ name: 'nginx', command: nginxBin, args: nginxArgs, cwd: prefix, env: process.env, restart: opts.restart ?? true, onOutput });

  const all = [...serverProcs, ...workerProcs, nginxProc];
  const killAll = () => all.forEach((p) => p.killNow());
  process.once('exit', killAll);

  let stopped: Promise<StoppedMember[]> | null = null;
  const stop = (): Promise<StoppedMember[]> => {
    stopped ??= (async () => {
      const results = await Promise.all(
        all.map(async (p) => ({ name: p.name, ...((await p.stop(p === nginxProc ? 'SIGQUIT' : 'SIGTERM', 10_000)) ?? { code: null, signal: null }) })),
      );
      process.removeListener('exit', killAll);
      rmSync(prefix, { recursive: true, force: true });
      return results;
    })();
    return stopped;
  };

  try {
    // The first server creates the schema and the dev-auth secret; the rest join an initialised DATA_DIR.
    const [first, ...rest] = serverProcs;
    first?.start();
    await waitForHttpOk(`http://127.0.0.1:${serverPorts[0]}/api/health`, readyTimeoutMs);
    for (const p of [...rest, ...workerProcs]) p.start();
    await Promise.all(serverPorts.map((p) => waitForHttpOk(`http://127.0.0.1:${p}/api/health`, readyTimeoutMs)));
    nginxProc.start();
    await waitUntil(() => httpOk(`http://${shownHost}:${port}/api/health`), 10_000, 'nginx never proxied /api/health').catch((err: unknown) => {
      const log = existsSync(errorLog) ? readFileSync(errorLog, 'utf8').trim().split('\n').slice(-10).join('\n') : '';
      throw new Error(`${(err as Error).message}\n${log}`);
    });
  } catch (err) {
    await stop();
    throw new Error(`cluster failed to start: ${(err as Error).message}\n--- last output ---\n${recent.slice(-40).join('\n')}`, { cause: err });
  }

  return {
    url: `http://${shownHost}:${port}`,
    wsUrl: `ws://${shownHost}:${port}/sync`,
    port,
    prefix,
    servers: serverProcs.map((p, i) => {
      const sp = serverPorts[i] ?? 0;
      return Object.assign(member(p), { port: sp, url: `http://127.0.0.1:${sp}` });
    }),
    workers: workerProcs.map(member),
    nginx: member(nginxProc),
    stop,
  };
}
