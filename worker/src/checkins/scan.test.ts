import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WorkerFixture } from '../testing/fixture.ts';
import { workerFixture } from '../testing/fixture.ts';
import { DueClock, localDay, startOfLocalDay } from './local-day.ts';
import { scanDue } from './scan.ts';

describe('local days and the cron', () => {
  it('local day and its start follow the time zone', () => {
    const at = new Date('2024-06-01T03:30:00Z');
    expect(localDay(at, 'UTC')).toBe('2024-06-01');
    expect(localDay(at, 'America/New_York')).toBe('2024-05-31');
    expect(startOfLocalDay(at, 'America/New_York').toISOString()).toBe('2024-05-31T04:00:00.000Z');
    expect(startOfLocalDay(at, 'Asia/Tokyo').toISOString()).toBe('2024-05-31T15:00:00.000Z');
  });
  it('[W12] a local day starts at its true first instant in every zone, also across 30-minute and midnight clock changes', () => {
    // Lord Howe Island moves its clocks by 30 minutes: its days of change start at 00:00 like any other.
    expect(startOfLocalDay(new Date('2026-10-04T12:00:00Z'), 'Australia/Lord_Howe').toISOString()).toBe('2026-10-03T13:30:00.000Z');
    expect(startOfLocalDay(new Date('2026-04-05T12:00:00Z'), 'Australia/Lord_Howe').toISOString()).toBe('2026-04-04T13:00:00.000Z');
    // Oracle: the start is in the day, and the instant before it is not.
    const zones = Intl.supportedValuesOf('timeZone');
    fc.assert(fc.property(fc.constantFrom(...zones), fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) }), (tz, ms) => {
      const at = new Date(ms);
      const start = startOfLocalDay(at, tz);
      expect(start.getTime()).toBeLessThanOrEqual(ms);
      expect(localDay(start, tz)).toBe(localDay(at, tz));
      expect(localDay(new Date(start.getTime() - 1), tz)).not.toBe(localDay(at, tz));
    }), { numRuns: 2000 });
  });
  it('[W12] a cron early in the day fires on a day whose clock changes by 30 minutes', () => {
    for (const at of ['2026-10-04T12:00:00Z', '2026-04-05T12:00:00Z']) {
      expect(new DueClock('0 0 * * *', new Date(at)).firedToday('Australia/Lord_Howe')).toBe(true);
      expect(new DueClock('10 0 * * *', new Date(at)).firedToday('Australia/Lord_Howe')).toBe(true);
    }
  });
  it('0 2 * * * is due after 02:00 in each collaboration\'s own zone', () => {
    const clock = new DueClock('0 2 * * *', new Date('2024-06-01T03:30:00Z'));
    expect(clock.firedToday('UTC')).toBe(true); // 03:30 local
    expect(clock.firedToday('Europe/Berlin')).toBe(true); // 05:30 local
    expect(clock.firedToday('America/New_York')).toBe(true); // 23:30 on the 31st: that day's 02:00 passed
    expect(clock.firedToday('Asia/Kolkata')).toBe(true); // 09:00
    expect(new DueClock('0 2 * * *', new Date('2024-06-01T01:30:00Z')).firedToday('UTC')).toBe(false);
    expect(new DueClock('0 2 * * *', new Date('2024-06-01T01:30:00Z')).firedToday('America/Los_Angeles')).toBe(true); // 18:30 on the 31st
  });
});

describe('the scan', () => {
  let f: WorkerFixture;
  beforeEach(async () => {
    f = await workerFixture();
  });
  afterEach(() => f.close());

  it('enqueues due collaborations in batches of at most 20, claims them, and a second scan adds nothing', async () => {
    for (let i = 0; i < 45; i++) await f.collaboration();
    const late = await f.collaboration({ timeZone: 'Pacific/Kiritimati' }); // UTC+14
    const now = new Date('2024-06-01T03:30:00Z'); // 17:30 in Kiritimati: due too
    const early = await f.collaboration({ timeZone: 'Pacific/Pago_Pago' }); // UTC-11: 16:30 on May 31 → due for May 31
    const res = await scanDue(f.store, f.logger, { cron: '0 2 * * *', now, pageSize: 7 });
    expect(res).toMatchObject({ batches: 3, collaborations: 47, throttled: false });
    const sizes: number[] = [];
    for (let job; (job = await f.store.jobs.claim(['checkin-batch'], 't', 1000)); ) sizes.push((job.payload.items as unknown[]).length);
    expect(sizes).toEqual([20, 20, 7]);
    expect((await f.store.checkins.get(late.id, '2024-06-01'))!.status).toBe('running');
    expect((await f.store.checkins.get(early.id, '2024-05-31'))!.status).toBe('running');
    expect(await scanDue(f.store, f.logger, { cron: '0 2 * * *', now })).toMatchObject({ batches: 0 });
  });

  it('not yet due: nothing; backpressure: a full queue stops the scan and leaves the rest unclaimed', async () => {
    for (let i = 0; i < 25; i++) await f.collaboration();
    expect(await scanDue(f.store, f.logger, { cron: '0 2 * * *', now: new Date('2024-06-01T01:00:00Z') })).toMatchObject({ batches: 0 });
    const res = await scanDue(f.store, f.logger, { cron: '0 2 * * *', now: new Date('2024-06-01T03:00:00Z'), maxQueued: 1 });
    expect(res).toMatchObject({ batches: 1, collaborations: 20, throttled: true });
  });
});
