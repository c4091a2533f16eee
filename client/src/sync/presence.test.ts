// [W8] what the presence bar reads from other clients' awareness states: the AI's "writing…" status
// is shown as it says; anything else a client puts there is bounded or ignored.
import { describe, expect, it } from 'vitest';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { readPresence } from './presence.ts';

function peerState(state: Record<string, unknown>): Awareness {
  const remote = new Awareness(new Y.Doc());
  remote.setLocalState(state);
  const local = new Awareness(new Y.Doc());
  applyAwarenessUpdate(local, encodeAwarenessUpdate(remote, [remote.clientID]), 'remote');
  return local;
}

describe('presence', () => {
  it('[W8] the AI writing shows as "writing…"; a status that is not a short string is ignored', () => {
    const ai = readPresence(peerState({ user: { id: 'ai', name: 'AI', color: 'hsl(265 55% 30%)' }, typing: true, status: 'writing…' })).find((p) => p.user.id === 'ai');
    expect(ai).toMatchObject({ typing: true, activity: 'writing…', self: false });
    const long = readPresence(peerState({ user: { id: 'u1', name: 'Mallory' }, typing: true, status: 'x'.repeat(500) })).find((p) => p.user.id === 'u1');
    expect(long).toMatchObject({ typing: true, activity: null });
    const odd = readPresence(peerState({ user: { id: 'u2', name: 'Bob' }, typing: true, status: { html: '<b>' } })).find((p) => p.user.id === 'u2');
    expect(odd?.activity).toBeNull();
  });
});
