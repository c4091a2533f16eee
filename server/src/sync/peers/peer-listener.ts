// Starting and stopping a peer listener (Unix socket or TCP), shared by the transports.
import type { Server } from 'node:net';
import type { Logger } from '@trellis/runtime';

/** Start a listener; a failure to listen (address in use, no permission) rejects. */
export async function listenOn(server: Server, listen: (server: Server, done: () => void) => void, logger: Logger): Promise<Server> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    listen(server, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // Once listening; a failure to start is the caller's to report (one line at start-up, [S14]).
  server.on('error', (err) => logger.error({ err }, 'peer listener error'));
  return server;
}

export async function closeServer(server: Server | null): Promise<void> {
  if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
}
