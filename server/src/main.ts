// Composition root of a server process: the only place that reads the environment.
import { parseEnv } from '@trellis/schema';
import { createLogger, onParentGone, orExit } from '@trellis/runtime';
import { authMode } from './auth/mode.ts';
import { startServer } from './server.ts';

const env = orExit(() => {
  const parsed = parseEnv(process.env);
  authMode(parsed);
  return parsed;
});

const logger = createLogger({ level: env.LOG_LEVEL, name: 'server' });
const server = await startServer(env, logger).catch((err: unknown) => {
  // A port in use, a store that does not open: one line naming the cause, as for a bad variable.
  process.stderr.write(`server did not start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
// PEER_ADDRESS only (never the secret): where the other servers reach this one ([S14]).
logger.info({ instanceId: server.instanceId, port: server.port, store: env.STORE, peerAddress: env.PEER_ADDRESS ?? null }, 'server listening');

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down');
  const hardStop = setTimeout(() => process.exit(1), 9_000);
  hardStop.unref();
  await server.stop();
  clearTimeout(hardStop);
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
// Under the supervisor: it is gone (even killed with SIGKILL), so stop as on SIGTERM ([S11]).
onParentGone(() => void shutdown('supervisor gone'));
