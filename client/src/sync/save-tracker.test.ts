import { describe, expect, it } from 'vitest';
import { SaveTracker } from './save-tracker.ts';

const c = (client: number, clock: number) => new Map([[client, clock]]);

describe('SaveTracker', () => {
  it('counts local changes until an ack covers them', () => {
    const t = new SaveTracker();
    t.onConnected();
    t.recordLocal(c(7, 1));
    t.recordLocal(c(7, 2));
    t.recordLocal(c(7, 3));
    expect(t.count).toBe(3);
    expect(t.onAck(c(7, 2))).toBe(2);
    expect(t.count).toBe(1);
    t.onAck(c(7, 3));
    expect(t.count).toBe(0);
  });

  it('an ack does not clear changes made offline until a connection carried them', () => {
    const t = new SaveTracker();
    t.recordLocal(c(7, 1));
    t.onAck(c(7, 5));
    expect(t.count).toBe(1);
    t.onConnected();
    t.onAck(c(7, 5));
    expect(t.count).toBe(0);
  });

  it('delete-only changes are cleared by the next ack on their connection', () => {
    const t = new SaveTracker();
    t.onConnected();
    t.recordLocal(new Map());
    expect(t.count).toBe(1);
    t.onAck(new Map());
    expect(t.count).toBe(0);
  });

  it('a disconnect before the ack keeps the change pending', () => {
    const t = new SaveTracker();
    t.onConnected();
    t.recordLocal(c(7, 1));
    t.onDisconnected();
    t.onAck(c(7, 1));
    expect(t.count).toBe(1);
  });

  it('a refused change stops counting at the next ack', () => {
    const t = new SaveTracker();
    t.onConnected();
    t.recordLocal(c(7, 1));
    t.onRefused();
    t.recordLocal(c(7, 2));
    t.onAck(new Map([[9, 4]]));
    // the suspect one is dropped; the later one (not suspect) still waits for its ack
    expect(t.count).toBe(1);
  });

  it('survives a reload through serialize()', () => {
    const t = new SaveTracker();
    t.recordLocal(c(7, 1));
    t.recordLocal(new Map([[7, 2], [8, 1]]));
    const restored = new SaveTracker(t.serialize());
    expect(restored.count).toBe(2);
    restored.onConnected();
    restored.onAck(new Map([[7, 2], [8, 1]]));
    expect(restored.count).toBe(0);
  });
});
