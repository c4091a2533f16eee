// `npm run build:server`: compiles the Node processes to plain JavaScript in dist/, so production runs
// no TypeScript transform at start-up or in memory. One ESM bundle per entry; the workspace packages
// (@trellis/*, TypeScript sources) are bundled in, every other package stays an import from
// node_modules (native better-sqlite3, the mongodb driver, pino's transport threads).
//   dist/supervise.js  `npm start`: server + worker, restarted on a crash
//   dist/server.js     one server process (REST, sync, the built web app from client/dist)
//   dist/worker.js     one worker process
//   dist/write-thread.js  the SQLite write thread, started by server.js/worker.js beside it
//   dist/preflight-thread.js  the server's pre-flight thread for large updates (SPEC [H13])
//   dist/cluster.js    `npm run cluster`
//   dist/export-document.js  an operator reads a stored document as JSON (SPEC [H15])
// The bundles find client/dist and each other relative to their own URL: dist/ must stay one level
// below the repository root (or the /app of the Docker image).
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Plugin } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = `${ROOT}dist`;

export const ENTRIES = {
  supervise: 'server/src/supervise.ts',
  server: 'server/src/main.ts',
  worker: 'worker/src/main.ts',
  'write-thread': 'shared/store/src/sqlite/write-thread-entry.ts',
  'preflight-thread': 'server/src/sync/gate/preflight-thread-entry.ts',
  cluster: 'scripts/cluster.ts',
  'export-document': 'server/src/admin/export-document.ts',
} as const;

/**
 * Bare imports other than our workspace packages are left for Node to resolve from the root
 * node_modules. A package npm could not hoist (it lives in a workspace's own node_modules, e.g. a
 * second version) would not be found from dist/, so it is bundled instead.
 */
const externalPackages: Plugin = {
  name: 'external-packages',
  setup(b) {
    const hoisted = `${ROOT}node_modules/`;
    b.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.path.startsWith('@trellis/') || args.pluginData === 'inner' || args.path.startsWith('node:')) {
        return args.path.startsWith('node:') ? { path: args.path, external: true } : undefined;
      }
      const found = await b.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: 'inner' });
      if (found.errors.length > 0 || found.external || found.path === '' || !found.path.includes('/')) return { path: args.path, external: true };
      return found.path.startsWith(hoisted) ? { path: args.path, external: true } : undefined;
    });
  },
};

export async function buildServer(): Promise<void> {
  rmSync(OUT, { recursive: true, force: true });
  await build({
    absWorkingDir: ROOT,
    entryPoints: Object.entries(ENTRIES).map(([out, entry]) => ({ out, in: entry })),
    outdir: OUT,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Code only one deployment uses (the MongoDB adapter and its driver, ≈ 22 MB resident) is a chunk
    // of its own, loaded by open-store.ts's dynamic import when MONGODB_URL is set. Chunks stay in
    // dist/ itself, so paths taken from import.meta.url resolve alike in every file.
    splitting: true,
    chunkNames: '[name]-[hash]',
    sourcemap: 'linked',
    legalComments: 'none',
    logLevel: 'warning',
    plugins: [externalPackages],
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildServer();
