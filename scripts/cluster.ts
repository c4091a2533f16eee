// `npm run cluster`: nginx on PORT (default 8080) in front of 3 server processes and 2 workers sharing
// one SQLite DATA_DIR — the docker-compose topology without Docker. Ctrl-C / SIGTERM stops everything.
//   npm run cluster -- [--port 8080] [--host 127.0.0.1] [--servers 3] [--workers 2] [--data-dir ./data]
import { parseArgs } from 'node:util';
import { parseEnv } from '@trellis/schema';
import { startCluster } from './cluster-lib.ts';

// A CLI, but lint forbids console outside a few entry points: write to the streams directly.
const say = (line: string) => void process.stdout.write(`${line}\n`);
const complain = (line: string) => void process.stderr.write(`${line}\n`);

function int(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    complain(`cluster: --${name} must be a non-negative integer, got ${JSON.stringify(value)}`);
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
  complain('cluster: --servers must be at least 1');
  process.exit(2);
}

try {
  // Same one-line message the server would print, but before anything is spawned.
  parseEnv({ ...env, PORT: String(port), HOST: host, DATA_DIR: dataDir });
} catch (err) {
  complain((err as Error).message);
  process.exit(1);
}
if (env['STORE'] === 'mongo') complain('cluster: STORE=mongo — all processes share MONGODB_URL instead of DATA_DIR');

const cluster = await startCluster({ dataDir, port, host, servers, workers }).catch((err: unknown) => {
  complain((err as Error).message);
  process.exit(1);
});
say(`cluster: ${cluster.url} (nginx) -> servers on ${cluster.servers.map((s) => s.port).join(', ')}; ${workers} worker(s); DATA_DIR=${dataDir}`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) {
      complain(`cluster: second ${signal}; killing everything`);
      process.exit(1); // the cluster's 'exit' hook SIGKILLs the children
    }
    stopping = true;
    say(`cluster: ${signal}; stopping`);
    cluster.stop().then(
      (exits) => {
        for (const e of exits) say(`cluster: ${e.name} exited (${e.signal ?? `code ${String(e.code)}`})`);
        process.exit(0);
      },
      (err: unknown) => {
        complain(`cluster: stop failed: ${(err as Error).message}`);
        process.exit(1);
      },
    );
  });
}
