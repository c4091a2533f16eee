// Conformance for the peer registry (DATA_MODEL.md `[D45]`, SPEC [S14]): run by runStoreConformance
// for every adapter.
import { describe, expect, it } from 'vitest';
import { eachStore } from './each-store.ts';
import type { Store } from '../types.ts';
import type { ConformanceSetup } from './suite.ts';

export function runPeerRegistryConformance(name: string, setup: () => Promise<ConformanceSetup>): void {
  describe(`store conformance (peer registry): ${name}`, () => {
    let s!: ConformanceSetup;
    let store!: Store;
    eachStore(setup, (opened) => {
      s = opened;
      store = opened.store;
    });

    it('[D45] a registered process is live until its expiry; renewing moves the expiry and the address', async () => {
      const now = Date.now();
      await store.peers.register({ instanceId: 'server-a', address: 'server1:7070', expiresAt: now + 30_000 });
      await store.peers.register({ instanceId: 'server-b', address: 'server2:7070', expiresAt: now + 5_000 });
      expect(await store.peers.live(now)).toEqual([
        { instanceId: 'server-a', address: 'server1:7070', expiresAt: now + 30_000 },
        { instanceId: 'server-b', address: 'server2:7070', expiresAt: now + 5_000 },
      ]);
      // Past b's expiry only a is live; b renewing (from another address) brings it back.
      expect((await store.peers.live(now + 10_000)).map((p) => p.instanceId)).toEqual(['server-a']);
      await store.peers.register({ instanceId: 'server-b', address: '10.0.0.2:7070', expiresAt: now + 40_000 });
      expect(await store.peers.live(now + 35_000)).toEqual([{ instanceId: 'server-b', address: '10.0.0.2:7070', expiresAt: now + 40_000 }]);
    });

    it('[D45] a record that is not a dialable peer is skipped, not an error for the others', async () => {
      const now = Date.now();
      await store.peers.register({ instanceId: 'server-a', address: 'server1:7070', expiresAt: now + 30_000 });
      // Written by something else (another version, a hand edit): not host:port.
      await store.peers.register({ instanceId: 'server-bad', address: 'not-an-address', expiresAt: now + 30_000 } as never);
      expect((await store.peers.live(now)).map((p) => p.instanceId)).toEqual(['server-a']);
    });

    it('[D45] a process that stops removes its record; removing an absent one is fine; records survive a reopen', async () => {
      const now = Date.now();
      await store.peers.register({ instanceId: 'server-a', address: 'server1:7070', expiresAt: now + 30_000 });
      await store.peers.register({ instanceId: 'server-b', address: 'server2:7070', expiresAt: now + 30_000 });
      await store.peers.remove('server-a');
      await store.peers.remove('server-a');
      store = await s.reopen();
      expect((await store.peers.live(now)).map((p) => p.instanceId)).toEqual(['server-b']);
    });
  });
}
