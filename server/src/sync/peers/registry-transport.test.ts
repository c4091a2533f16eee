// [S14] the TCP transport: listening is part of start-up (a port already taken stops it, naming the
// settings), and a listening server is in the store's registry until it stops.
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '@trellis/runtime';
import { createSqliteStore } from '@trellis/store';
import type { Store } from '@trellis/store';
import { freePort, tempDir } from '../../testing/harness.ts';
import { RegistryTransport } from './registry-transport.ts';

const logger = createLogger({ level: 'silent', name: 'registry-transport-test' });
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

function openStore(): Store {
  const store = createSqliteStore({ dataDir: tempDir() });
  cleanup.push(() => store.close());
  return store;
}

const transport = (store: Store, address: string) =>
  new RegistryTransport({ registry: store.peers, instanceId: 'server-one', address, bindHost: '127.0.0.1', secret: Buffer.from('a-secret-long-enough'), logger });

describe('TCP peer transport', () => {
  it('[S14] a peer port already in use stops start-up with a line naming the settings', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    cleanup.push(() => void taken.close());
    const port = (taken.address() as AddressInfo).port;
    const store = openStore();
    await expect(transport(store, `127.0.0.1:${port}`).listen(() => undefined)).rejects.toThrow(`peer listener cannot listen on 127.0.0.1:${port} (PEER_HOST / PEER_ADDRESS): EADDRINUSE`);
    expect(await store.peers.live(Date.now())).toEqual([]);
  });

  it('[S14] a listening server is registered with an expiry about 30 s ahead, and leaves the registry when it stops', async () => {
    const store = openStore();
    const address = `127.0.0.1:${await freePort()}`;
    const t = transport(store, address);
    await t.listen(() => undefined);
    const [record] = await store.peers.live(Date.now());
    expect(record).toMatchObject({ instanceId: 'server-one', address });
    expect(record!.expiresAt - Date.now()).toBeGreaterThan(25_000);
    expect(await t.discover()).toEqual([]); // itself is never a target
    await store.peers.register({ instanceId: 'server-two', address: '127.0.0.1:1', expiresAt: Date.now() + 30_000 });
    expect((await t.discover()).map((p) => p.peerId)).toEqual(['server-two']);
    await t.close();
    expect((await store.peers.live(Date.now())).map((p) => p.instanceId)).toEqual(['server-two']);
  });
});
