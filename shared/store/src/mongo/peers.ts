// The registry of server processes that link up over TCP (SPEC [S14], DATA_MODEL.md [D45]): one
// small document per process, renewed while it runs (w:1, like presence: a lost renewal is redone
// 10 s later); the TTL index `peers_expiry` removes a dead process's record.
import { MAX_LIVE_PEERS, validPeers } from '../peer-records.ts';
import type { PeerRegistryRepo } from '../types.ts';
import type { Ctx } from './db.ts';

export function mongoPeers({ c }: Ctx): PeerRegistryRepo {
  return {
    async register(peer) {
      await c.peers.updateOne(
        { _id: peer.instanceId },
        { $set: { address: peer.address, expiresAt: new Date(peer.expiresAt) } },
        { upsert: true, writeConcern: { w: 1 } },
      );
    },
    async live(now) {
      const docs = await c.peers.find({ expiresAt: { $gt: new Date(now) } }).sort({ _id: 1 }).limit(MAX_LIVE_PEERS).toArray();
      return validPeers(docs.map((d) => ({ instanceId: d._id, address: d.address, expiresAt: d.expiresAt instanceof Date ? d.expiresAt.getTime() : d.expiresAt })));
    },
    async remove(instanceId) {
      await c.peers.deleteOne({ _id: instanceId }, { writeConcern: { w: 1 } });
    },
  };
}
