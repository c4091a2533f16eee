// [O4] GET /api/health is liveness; GET /api/ready is 200 only while the store answers and the
// change feed is current.
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '@trellis/runtime';
import type { ChangeFeed, Store, TailOptions } from '@trellis/store';
import { startServer } from '../server.ts';
import type { RunningServer } from '../server.ts';
import { tempDir } from '../testing/harness.ts';
import { Readiness } from './readiness.ts';

const logger = createLogger({ level: 'silent', name: 'ready-test' });
const running: RunningServer[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const s of running.splice(0)) await s.stop().catch(() => undefined);
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const get = async (url: string) => {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe('readiness', () => {
  it('[O4] a running server is live and ready without a token; once its store fails it stays live but is not ready', async () => {
    const dir = tempDir('trellis-ready-');
    dirs.push(dir);
    const server = await startServer({ PORT: 0, HOST: '127.0.0.1', DATA_DIR: dir, STORE: 'sqlite', MAX_PAYLOAD_BYTES: 1 << 20, MAX_DOC_BYTES: 10 << 20 }, logger);
    running.push(server);
    expect(await get(`${server.url}/api/health`)).toEqual({ status: 200, body: { status: 'ok' } });
    let ready = await get(`${server.url}/api/ready`);
    for (let i = 0; i < 50 && ready.status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 100));
      ready = await get(`${server.url}/api/ready`);
    }
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'ready', store: 'ok' });
    expect(ready.body['feedLagMs']).toBeLessThan(2000);

    await server.store.close();
    expect(await get(`${server.url}/api/health`)).toEqual({ status: 200, body: { status: 'ok' } });
    expect(await get(`${server.url}/api/ready`)).toMatchObject({ status: 503, body: { status: 'unavailable', store: 'error' } });
  }, 60_000);

  describe('the feed bound', () => {
    let clock = 1_000_000;
    let report: ((at: number) => void) | null = null;
    const feed: ChangeFeed = {
      head: async () => '0',
      tail: async (o: TailOptions) => {
        report = (at) => o.onCaughtUp?.(at);
      },
    };
    const healthyStore = { kv: { get: async () => null } } as unknown as Store;

    it('[O4] is not ready before the feed was ever current, nor once it lags past the bound; ready again when it catches up', async () => {
      const r = new Readiness({ store: healthyStore, isLive: () => true, maxFeedLagMs: 10_000, now: () => clock });
      const consumerSaw: number[] = [];
      await r.monitor(feed).tail({ signal: new AbortController().signal, onBatch: async () => undefined, onResync: async () => undefined, onCaughtUp: (at) => consumerSaw.push(at) });
      expect(await r.check()).toMatchObject({ ready: false, reason: 'change feed not current yet' });
      report?.(clock);
      expect(await r.check()).toMatchObject({ ready: true, feedLagMs: 0 });
      clock += 10_000;
      expect((await r.check()).ready).toBe(true);
      clock += 1;
      expect(await r.check()).toMatchObject({ ready: false, store: 'ok', feedLagMs: 10_001, reason: 'change feed 10 s behind' });
      report?.(clock - 5);
      expect(await r.check()).toMatchObject({ ready: true, feedLagMs: 5 });
      // An older report (another tail) never moves the mark back; the consumer still gets its own hook.
      report?.(clock - 60_000);
      expect(await r.check()).toMatchObject({ ready: true, feedLagMs: 5 });
      expect(consumerSaw).toHaveLength(3);
    });

    it('[O4] is not ready while the store does not answer within the probe timeout, nor while not live', async () => {
      const hanging = { kv: { get: () => new Promise(() => undefined) } } as unknown as Store;
      const r = new Readiness({ store: hanging, isLive: () => true, probeTimeoutMs: 50, now: () => clock });
      await r.monitor(feed).tail({ signal: new AbortController().signal, onBatch: async () => undefined, onResync: async () => undefined });
      report?.(clock);
      expect(await r.check()).toMatchObject({ ready: false, store: 'timeout' });
      const stopped = new Readiness({ store: healthyStore, isLive: () => false, now: () => clock });
      expect(await stopped.check()).toMatchObject({ ready: false, reason: 'not accepting connections' });
    });
  });
});
