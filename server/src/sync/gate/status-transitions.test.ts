// The activity status state machine at the CRDT gate [G5][P5]: a status change it forbids is refused
// with bad_request, and a done or cancelled activity reopens only with reopenActivity rights.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { appendActivity, findActivityMap, setActivityStatus } from '@trellis/schema';
import type { ActivityStatus, PolicyOverrides, Role } from '@trellis/schema';
import { applyGated } from './apply-gated.ts';
import type { ClientOrigin } from './apply-gated.ts';

/** A server document with activity a1 in `status`; the writer sets it to `to`; the writer applies what the server emits. */
function setStatusThroughGate(status: ActivityStatus, to: ActivityStatus, role: Role = 'editor', policy: PolicyOverrides = {}) {
  const server = new Y.Doc();
  const a1 = appendActivity(server, { id: 'a1', title: 'Hike', proposedBy: 'alice' });
  if (status !== 'proposed') setActivityStatus(a1, status, status === 'cancelled' ? { cancelReason: 'rain' } : {});
  const writer = new Y.Doc();
  Y.applyUpdate(writer, Y.encodeStateAsUpdate(server));
  const sv = Y.encodeStateVector(writer);
  findActivityMap(writer, 'a1')!.set('status', to);
  const emitted: Uint8Array[] = [];
  server.on('update', (u: Uint8Array) => emitted.push(u));
  const origin: ClientOrigin = { kind: 'client', connId: 1, refused: false };
  const result = applyGated(server, Y.encodeStateAsUpdate(writer, sv), { userId: 'bob', role, policy }, origin);
  for (const u of emitted) Y.applyUpdate(writer, u);
  return { result, server: findActivityMap(server, 'a1')!.get('status'), writer: findActivityMap(writer, 'a1')!.get('status') };
}

describe('activity status transitions through the CRDT', () => {
  it('[G5][P5] a cancelled or done activity cannot be completed, cancelled or rescheduled directly: bad_request, the writer converges back', () => {
    for (const [from, to] of [['cancelled', 'done'], ['done', 'cancelled'], ['scheduled', 'proposed']] as const) {
      const r = setStatusThroughGate(from, to, 'owner');
      expect(r.result, `${from} → ${to}`).toMatchObject({ ok: false, code: 'bad_request' });
      expect(r.server).toBe(from);
      expect(r.writer).toBe(from);
    }
  });

  it('[G5][P5] reopening (cancelled → scheduled, done → proposed) needs reopenActivity rights', () => {
    expect(setStatusThroughGate('cancelled', 'scheduled').result).toMatchObject({ ok: true, events: [{ type: 'activityStatusChanged', from: 'cancelled', to: 'scheduled' }] });
    expect(setStatusThroughGate('done', 'proposed').result).toMatchObject({ ok: true });
    const gated = setStatusThroughGate('cancelled', 'scheduled', 'editor', { reopenActivity: { editor: 'approval' } });
    expect(gated.result).toMatchObject({ ok: false, code: 'forbidden', message: expect.stringContaining('reopenActivity') });
    expect(gated.server).toBe('cancelled');
    // Scheduling rights alone do not reopen.
    expect(setStatusThroughGate('cancelled', 'scheduled', 'editor', { reopenActivity: { editor: 'deny' }, scheduleActivity: { editor: 'allow' } }).result).toMatchObject({ ok: false, code: 'forbidden' });
    expect(setStatusThroughGate('cancelled', 'scheduled', 'viewer').result).toMatchObject({ ok: false, code: 'forbidden' });
  });

  it('[G5][P5] open activities move forward as before', () => {
    expect(setStatusThroughGate('proposed', 'scheduled').result).toMatchObject({ ok: true });
    expect(setStatusThroughGate('scheduled', 'done').result).toMatchObject({ ok: true });
    expect(setStatusThroughGate('scheduled', 'cancelled').result).toMatchObject({ ok: true });
  });
});
