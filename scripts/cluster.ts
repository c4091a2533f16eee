// `npm run cluster`: nginx on PORT (default 8080) in front of 3 server processes and 2 workers sharing
// one SQLite DATA_DIR — the docker-compose topology without Docker. Ctrl-C / SIGTERM stops everything.
//   npm run cluster -- [--port 8080] [--host 127.0.0.1] [--servers 3] [--workers 2] [--data-dir ./data]
import { parseArgs } from 'node:util';
import { parseEnv } from '@trellis/schema';
import { startCluster } from './cluster-lib.ts';

function int(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`cluster: --${name} must be a non-negative integer, got ${JSON.stringify(value)}`);
    process.exit(2);
  }
  return n;
}

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    servers: { type: 'string' },
    workers: { type: 'string' },
    'data-dir': { type: 'string' },
  },
});
const env = process.env;
const port = int('port', values.port ?? env['PORT'], 8080);
const host = values.host ?? env['HOST'] ?? '127.0.0.1';
const dataDir = values['data-dir'] ?? env['DATA_DIR'] ?? './data';
const servers = int('servers', values.servers, 3);
const workers = int('workers', values.workers, 2);
if (servers < 1) {
  console.error('cluster: --servers must be at least 1');
  process.exit(2);
}

try {
  // Same one-line message the server would print, but before anything is spawned.
  parseEnv({ ...env, PORT: String(port), HOST: host, DATA_DIR: dataDir });
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}
if (env['STORE'] === 'mongo') console.warn('cluster: STORE=mongo — all processes share MONGODB_URL instead of DATA_DIR');

const cluster = await startCluster({ dataDir, port, host, servers, workers }).catch((err: unknown) => {
  console.error((err as Error).message);
  process.exit(1);
});
console.log(`cluster: ${cluster.url} (nginx) -> servers on ${cluster.servers.map((s) => s.port).join(', ')}; ${workers} worker(s); DATA_DIR=${dataDir}`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) {
      console.error(`cluster: second ${signal}; killing everything`);
      process.exit(1); // the cluster's 'exit' hook SIGKILLs the children
    }
    stopping = true;
    console.log(`cluster: ${signal}; stopping`);
    cluster.stop().then(
      (exits) => {
        for (const e of exits) console.log(`cluster: ${e.name} exited (${e.signal ?? `code ${String(e.code)}`})`);
        process.exit(0);
      },
      (err: unknown) => {
        console.error(`cluster: stop failed: ${(err as Error).message}`);
        process.exit(1);
      },
    );
  });
}
