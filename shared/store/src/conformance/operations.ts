// Conformance for what operating several processes relies on (readiness, claims, membership
// inserts): run by runStoreConformance for every adapter. Rule ids refer to DATA_MODEL.md.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { Store } from '../types.ts';
import type { ConformanceSetup } from './suite.ts';

function update(text: string): Uint8Array {
  const doc = new Y.Doc();
  doc.getText('t').insert(0, text);
  return Y.encodeStateAsUpdate(doc);
}

const until = async (cond: () => boolean, ms: number, what: string) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

export function runOperationsConformance(name: string, setup: () => Promise<ConformanceSetup>): void {
  describe(`store conformance (operations): ${name}`, () => {
    let s: ConformanceSetup;
    let store: Store;
    beforeEach(async () => {
      s = await setup();
      store = s.store;
    });
    afterEach(async () => {
      await s.cleanup();
    });

    it('[D30] a tail reports when it is current: idle, and again only after the batch before it was accepted', async () => {
      const ac = new AbortController();
      const caughtUp: number[] = [];
      const log: string[] = [];
      let release: () => void = () => undefined;
      const gate = new Promise<void>((r) => (release = r));
      const tail = store.changes.tail({
        from: await store.changes.head(),
        signal: ac.signal,
        async onBatch(b) {
          if (b.changes.some((c) => c.type === 'update')) {
            log.push('batch');
            await gate; // a consumer stuck in its side effect
          }
        },
        async onResync() {
          log.push('resync');
        },
        onCaughtUp(at) {
          caughtUp.push(at);
          log.push('caught-up');
        },
      });
      try {
        // Idle: reported within a couple of seconds, never ahead of the clock.
        await until(() => caughtUp.length > 0, 5000, 'onCaughtUp while idle');
        expect(caughtUp[0]!).toBeLessThanOrEqual(Date.now());
        const written = Date.now();
        await store.docs.append(`col_ready_${name}`, [update('x')], 'another-process');
        await until(() => log.includes('batch'), 10_000, 'the update batch');
        // While the consumer holds the batch, nothing claims the feed is current past the write.
        const before = caughtUp.length;
        await new Promise((r) => setTimeout(r, 1500));
        expect(caughtUp.slice(before).every((at) => at < written)).toBe(true);
        release();
        await until(() => caughtUp.some((at) => at >= written), 10_000, 'onCaughtUp after the batch');
        expect(log).not.toContain('resync');
      } finally {
        release();
        ac.abort();
        await tail;
      }
    });
  });
}
