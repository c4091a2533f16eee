// Free-port helpers for the dev cluster and its tests.
import { createServer } from 'node:net';
import { freePort } from '@trellis/runtime';

export { freePort };

/** Resolves true if nothing listens on host:port right now. */
export function isPortFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ host, port, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/**
 * `count` distinct ports: `preferred[i]` when it is free, otherwise one picked by the OS.
 * `taken` are never returned (e.g. the proxy's own port).
 */
export async function pickPorts(host: string, count: number, preferred: readonly number[] = [], taken: readonly number[] = []): Promise<number[]> {
  const out: number[] = [];
  const used = new Set(taken);
  for (let i = 0; i < count; i++) {
    const want = preferred[i];
    let port: number;
    if (want !== undefined && want > 0 && !used.has(want) && (await isPortFree(host, want))) port = want;
    else do port = await freePort(host); while (used.has(port));
    used.add(port);
    out.push(port);
  }
  return out;
}
