// Housekeeping against a real SQLite store: expired approvals leave the inbox and are audited; it
// runs once per hour slot even with two workers; expired kv rows are pruned ([D20]).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newId } from '@trellis/schema';
import type { WorkerFixture } from '../testing/fixture.ts';
import { workerFixture } from '../testing/fixture.ts';
import { housekeeping } from './housekeeping.ts';

let f: WorkerFixture;
beforeEach(async () => {
  f = await workerFixture();
});
afterEach(() => f.close());

describe('housekeeping', () => {
  it('[G3] expires approvals past their expiry once per hour slot, with an audit entry', async () => {
    const c = await f.collaboration();
    const now = new Date();
    const approval = {
      id: newId('apr'), collaborationId: c.id, action: 'cancelActivity', params: { activityId: 'a1' }, paramsHash: 'h', proposedBy: { kind: 'ai' as const },
      reason: 'r', baseStateVector: '', targetFingerprint: null, status: 'pending' as const, createdAt: new Date(now.getTime() - 8 * 86_400_000).toISOString(),
      expiresAt: new Date(now.getTime() - 86_400_000).toISOString(), decidedBy: null, decidedAt: null, outcome: null,
    };
    await f.store.approvals.create(approval);
    const [first, second] = await Promise.all([housekeeping(f.store, now, f.logger), housekeeping(f.store, now, f.logger)]);
    expect([first.ran, second.ran].filter(Boolean)).toHaveLength(1);
    expect(first.expired + second.expired).toBe(1);
    expect((await f.store.approvals.listPending([c.id], { limit: 10 })).items).toEqual([]);
    const audit = await f.store.audit.list(c.id, { limit: 10 });
    expect(audit.items.some((e) => e.kind === 'approval' && e.outcome === 'expired')).toBe(true);
  });

  it('[D20] prunes kv rows past their expiry; live ones and rows without expiry stay', async () => {
    const now = new Date();
    await f.store.kv.set('mention:old', '1', { expiresAt: now.getTime() - 1 });
    await f.store.kv.set('idem:live', '{}', { expiresAt: now.getTime() + 86_400_000 });
    await f.store.kv.set('forever', '1');
    const result = await housekeeping(f.store, now, f.logger);
    expect(result).toMatchObject({ ran: true, kvPruned: 1 });
    expect(await f.store.kv.get('mention:old')).toBeNull();
    expect(await f.store.kv.get('idem:live')).toBe('{}');
    expect(await f.store.kv.get('forever')).toBe('1');
    // Its own hour-slot claim expires too: a day later the next run prunes it.
    const later = new Date(now.getTime() + 25 * 3_600_000);
    expect((await housekeeping(f.store, later, f.logger)).kvPruned).toBe(2);
    expect(await f.store.kv.get('idem:live')).toBeNull();
    expect(await f.store.kv.get('forever')).toBe('1');
  });
});
