// What the server behind MONGODB_URL is, from its `hello` answer, and whether the store can run on
// it: transactions and change streams need a replica set, or a sharded cluster reached through a
// mongos (which answers `msg: 'isdbgrid'` and no `setName`). A standalone mongod has neither.
import type { Document } from 'mongodb';

export type Topology =
  | { kind: 'replicaSet'; setName: string }
  | { kind: 'sharded' }
  /** Started with --replSet but not initiated yet: no primary, no transactions until rs.initiate(). */
  | { kind: 'uninitiatedReplicaSet' }
  | { kind: 'standalone' };

export function classifyHello(hello: Document): Topology {
  if (hello['msg'] === 'isdbgrid') return { kind: 'sharded' };
  const setName: unknown = hello['setName'];
  if (typeof setName === 'string' && setName !== '') return { kind: 'replicaSet', setName };
  if (hello['isreplicaset'] === true) return { kind: 'uninitiatedReplicaSet' };
  return { kind: 'standalone' };
}

/** Why the store cannot start on this topology, in one line naming the fix; null if it can. */
export function unsupportedTopology(t: Topology): string | null {
  switch (t.kind) {
    case 'replicaSet':
    case 'sharded':
      return null;
    case 'uninitiatedReplicaSet':
      return 'STORE=mongo: this mongod was started with --replSet but the replica set is not initiated: run rs.initiate() on it, then start again.';
    case 'standalone':
      return (
        'STORE=mongo requires a MongoDB replica set or a sharded cluster (hello reported neither setName nor msg "isdbgrid"): ' +
        'transactions and change streams need one. Start mongod with --replSet <name> and run rs.initiate(), or use a replica-set or mongos URL.'
      );
    default: {
      const never: never = t;
      throw new Error(`unknown topology ${JSON.stringify(never)}`);
    }
  }
}
