// [H13] the pre-flight thread itself: verdicts in order, a bounded queue, a deadline that replaces the
// thread, and a close that answers everything still waiting.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { notesOf } from '@trellis/schema';
import { createLogger } from '@trellis/runtime';
import { DEFAULT_GATE_LIMITS } from './apply-gated.ts';
import { PreflightThread } from './preflight-thread.ts';
import { preflightLimits } from './preflight-update.ts';
import { competingInserts, heavyUpdate } from './testing/crafted.ts';

const logger = createLogger({ level: 'silent', name: 'test' });

function paste(n: number): Uint8Array {
  const d = new Y.Doc();
  notesOf(d).insert(0, 'q'.repeat(n));
  return Y.encodeStateAsUpdate(d);
}

describe('the pre-flight thread', () => {
  it('[H13] answers each update in turn, turns away what is past its queue (busy), and answers the rest on close', async () => {
    const thread = new PreflightThread({ limits: preflightLimits(DEFAULT_GATE_LIMITS), deadlineMs: 10_000, maxQueued: 2, logger });
    try {
      const first = thread.check(paste(2_000), 'ann'); // starts the thread, then is read
      const second = thread.check(competingInserts(9, 0, 'notes', null, null, 3_000), 'bob');
      const third = thread.check(paste(3_000), 'cat');
      expect(await third).toMatchObject({ ok: false, code: 'busy' });
      expect(await first).toEqual({ ok: true });
      expect(await second).toMatchObject({ ok: false, code: 'too_costly' });
      const waiting = [thread.check(paste(2_000), 'ann'), thread.check(paste(2_000), 'bob')];
      await thread.close();
      const after = await Promise.all(waiting);
      expect(after.every((v) => v.ok || v.code === 'busy')).toBe(true);
      expect(await thread.check(paste(2_000), 'ann')).toMatchObject({ ok: false, code: 'busy' });
    } finally {
      await thread.close();
    }
  });

  it('[H13] an update past the deadline is refused as too costly and the next one is read by a new thread', async () => {
    let deadlineMs = 1;
    const thread = new PreflightThread({ limits: preflightLimits(DEFAULT_GATE_LIMITS), get deadlineMs() { return deadlineMs; }, maxQueued: 8, logger });
    try {
      expect(await thread.check(heavyUpdate(), 'ann')).toMatchObject({ ok: false, code: 'too_costly' });
      expect(thread.restarts).toBe(1);
      deadlineMs = 10_000;
      expect(await thread.check(paste(2_000), 'ann')).toEqual({ ok: true });
    } finally {
      await thread.close();
    }
  });

  it('[H13] one member may have two updates waiting at most: the third is sent back (busy, to be sent again), another member is served, and an update nobody waits for is skipped', async () => {
    const thread = new PreflightThread({ limits: preflightLimits(DEFAULT_GATE_LIMITS), deadlineMs: 10_000, maxQueued: 64, logger });
    try {
      let closed = false;
      const a1 = thread.check(paste(2_000), 'mallory', () => closed);
      const a2 = thread.check(paste(2_000), 'mallory', () => closed);
      const a3 = thread.check(paste(2_000), 'mallory');
      const b = thread.check(paste(2_000), 'bob');
      expect(await a3).toMatchObject({ ok: false, code: 'busy', message: expect.stringContaining('send this again') });
      closed = true; // mallory's connection ended before the thread was ready: her updates are not read
      expect(await a1).toMatchObject({ ok: false, code: 'busy' });
      expect(await a2).toMatchObject({ ok: false, code: 'busy' });
      expect(await b).toEqual({ ok: true });
      // Her quota is free again once her updates are answered.
      expect(await thread.check(paste(2_000), 'mallory')).toEqual({ ok: true });
    } finally {
      await thread.close();
    }
  });
});
