import { describe, expect, it } from 'vitest';
import { ConnectionMonitor } from './connection.ts';
import type { ConnectionEnv } from './connection.ts';

function fakeEnv(online = true) {
  const timers: { fn: () => void; ms: number }[] = [];
  const probes: ((ok: boolean) => void)[] = [];
  let change: () => void = () => undefined;
  const state = { online };
  const env: ConnectionEnv = {
    isBrowserOnline: () => state.online,
    onBrowserChange: (fn) => {
      change = fn;
      return () => undefined;
    },
    probe: () => new Promise<boolean>((resolve) => probes.push(resolve)),
    setTimer: (fn, ms) => {
      const t = { fn, ms };
      timers.push(t);
      return t;
    },
    clearTimer: (t) => {
      const i = timers.indexOf(t as (typeof timers)[number]);
      if (i >= 0) timers.splice(i, 1);
    },
  };
  return {
    env,
    timers,
    probes,
    setBrowserOnline(v: boolean) {
      state.online = v;
      change();
    },
    fireTimer() {
      timers.shift()?.fn();
    },
    async answerProbe(ok: boolean) {
      probes.shift()?.(ok);
      for (let i = 0; i < 5; i++) await Promise.resolve();
    },
  };
}

describe('connection monitor', () => {
  it('says offline from the start when the browser is offline, and follows its events', () => {
    const f = fakeEnv(false);
    const m = new ConnectionMonitor(f.env);
    expect(m.state).toBe('offline');
    f.setBrowserOnline(true);
    expect(m.state).toBe('online');
    f.setBrowserOnline(false);
    expect(m.state).toBe('offline');
  });

  it('a failed request while the browser is offline does not blame the server', () => {
    const f = fakeEnv(false);
    const m = new ConnectionMonitor(f.env);
    m.unreachable();
    expect(m.state).toBe('offline');
    expect(f.timers).toHaveLength(0);
  });

  it('online but no server answer is "unreachable"; health probes back off until the server answers', async () => {
    const f = fakeEnv(true);
    const m = new ConnectionMonitor(f.env);
    const seen: string[] = [];
    m.subscribe(() => seen.push(m.state));
    m.unreachable();
    expect(m.state).toBe('unreachable');
    expect(f.timers.map((t) => t.ms)).toEqual([1000]);
    f.fireTimer();
    await f.answerProbe(false);
    expect(f.timers.map((t) => t.ms)).toEqual([2000]);
    f.fireTimer();
    await f.answerProbe(false);
    f.fireTimer();
    await f.answerProbe(false);
    f.fireTimer();
    await f.answerProbe(false);
    expect(f.timers.map((t) => t.ms)).toEqual([5000]);
    f.fireTimer();
    await f.answerProbe(true);
    expect(m.state).toBe('online');
    expect(f.timers).toHaveLength(0);
    expect(seen).toEqual(['unreachable', 'online']);
  });

  it('any real answer ends "unreachable" and its pending probe', () => {
    const f = fakeEnv(true);
    const m = new ConnectionMonitor(f.env);
    m.unreachable();
    m.reachable();
    expect(m.state).toBe('online');
    expect(f.timers).toHaveLength(0);
  });

  it('coming back online asks the server at once', async () => {
    const f = fakeEnv(true);
    const m = new ConnectionMonitor(f.env);
    m.unreachable();
    f.setBrowserOnline(false);
    expect(m.state).toBe('offline');
    f.setBrowserOnline(true);
    expect(m.state).toBe('unreachable');
    expect(f.probes).toHaveLength(1);
    await f.answerProbe(true);
    expect(m.state).toBe('online');
  });

  it('confirm() tells whether the server answered, sharing a probe already under way', async () => {
    const f = fakeEnv(true);
    const m = new ConnectionMonitor(f.env);
    const a = m.confirm();
    const b = m.confirm();
    expect(f.probes).toHaveLength(1);
    await f.answerProbe(false);
    expect(await a).toBe(false);
    expect(await b).toBe(false);
    expect(m.state).toBe('unreachable');
    const c = m.confirm();
    await f.answerProbe(true);
    expect(await c).toBe(true);
    expect(m.state).toBe('online');
  });
});
