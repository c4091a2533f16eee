// Which servers the MongoDB store starts on, from their `hello` answers (no MongoDB needed).
import { describe, expect, it } from 'vitest';
import { classifyHello, unsupportedTopology } from './topology.ts';

describe('mongo topology', () => {
  it('[D41] a replica set member and a mongos are accepted', () => {
    expect(classifyHello({ isWritablePrimary: true, setName: 'rs0', hosts: ['a:27017'] })).toEqual({ kind: 'replicaSet', setName: 'rs0' });
    expect(classifyHello({ isWritablePrimary: true, msg: 'isdbgrid', maxWireVersion: 21 })).toEqual({ kind: 'sharded' });
    for (const hello of [{ setName: 'rs0' }, { msg: 'isdbgrid' }]) expect(unsupportedTopology(classifyHello(hello))).toBeNull();
  });

  it('[D41] a standalone mongod is refused with one line naming the fix', () => {
    const t = classifyHello({ isWritablePrimary: true, maxWireVersion: 21 });
    expect(t).toEqual({ kind: 'standalone' });
    expect(unsupportedTopology(t)).toMatch(/replica set or a sharded cluster.*--replSet.*rs\.initiate\(\).*mongos URL/);
    expect(classifyHello({ setName: '' })).toEqual({ kind: 'standalone' });
  });

  it('[D41] a mongod started with --replSet but never initiated is told to run rs.initiate()', () => {
    const t = classifyHello({ isWritablePrimary: false, secondary: false, isreplicaset: true });
    expect(t).toEqual({ kind: 'uninitiatedReplicaSet' });
    expect(unsupportedTopology(t)).toMatch(/rs\.initiate\(\)/);
  });
});
