// The registry of server processes that link up over TCP (SPEC [S14], DATA_MODEL.md [D45]): one row
// per process, renewed while it runs; a row past its expiry is dead and removed by the next register.
import { MAX_LIVE_PEERS, validPeers } from '../peer-records.ts';
import type { PeerRegistryRepo } from '../types.ts';
import type { Db } from './db.ts';
import { stmt, writeTx } from './db.ts';

interface Row { instance_id: string; address: string; expires_at: number }

export function sqlitePeers(db: Db): PeerRegistryRepo {
  return {
    async register(peer) {
      writeTx(db, () => {
        stmt(db, 'DELETE FROM peers WHERE expires_at <= ?').run(Date.now());
        stmt(db, 'INSERT INTO peers (instance_id, address, expires_at) VALUES (?, ?, ?) ON CONFLICT (instance_id) DO UPDATE SET address = excluded.address, expires_at = excluded.expires_at')
          .run(peer.instanceId, peer.address, peer.expiresAt);
      });
    },
    async live(now) {
      const rows = stmt(db, `SELECT instance_id, address, expires_at FROM peers WHERE expires_at > ? ORDER BY instance_id LIMIT ${MAX_LIVE_PEERS}`).all(now) as Row[];
      return validPeers(rows.map((r) => ({ instanceId: r.instance_id, address: r.address, expiresAt: r.expires_at })));
    },
    async remove(instanceId) {
      stmt(db, 'DELETE FROM peers WHERE instance_id = ?').run(instanceId);
    },
  };
}
