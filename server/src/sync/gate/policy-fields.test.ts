// [P5] Fields only an action sets follow that action's policy through the CRDT too: an activity's
// time (`at`) is `scheduleActivity`'s, also on a new activity, and its cancel reason is
// `cancelActivity`'s. Oracle: what another member sees, what the writer converges to, what is stored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import type { WebsocketProvider } from 'y-websocket';
import { activitiesOf, appendActivity, setActivityStatus } from '@trellis/schema';
import { addMember, api, connect, createCollaboration, login, startTestServer, storedDoc, synced, waitFor } from '../../testing/harness.ts';
import type { TestUser } from '../../testing/harness.ts';
import type { RunningServer } from '../../server.ts';

let server: RunningServer & { dataDir: string };
let owner: TestUser;
let eve: TestUser;
let collab: string;
let ownerSide: WebsocketProvider;
let eveSide: WebsocketProvider;

beforeAll(async () => {
  server = await startTestServer();
  owner = await login(server.url, 'owner@fields.io');
  eve = await login(server.url, 'eve@fields.io');
  collab = await createCollaboration(server.url, owner);
  await addMember(server.url, owner, collab, eve, 'editor');
  const policy = { scheduleActivity: { editor: 'deny' }, cancelActivity: { editor: 'deny' } };
  expect((await api(server.url, 'PUT', `/api/collaborations/${collab}/policy`, owner.token, { policy })).status).toBe(200);
  ownerSide = connect(server.url, collab, owner.token);
  eveSide = connect(server.url, collab, eve.token);
  await Promise.all([synced(ownerSide), synced(eveSide)]);
});

afterAll(async () => {
  ownerSide.destroy();
  eveSide.destroy();
  await server.stop();
});

const find = (d: Y.Doc, id: string) => activitiesOf(d).toArray().find((m) => m.get('id') === id);

describe('fields an action owns', () => {
  it('[P5] an editor denied cancelActivity cannot rewrite a cancel reason, nor one denied scheduleActivity create an activity with a time; proposing without one, and reopening (which clears the reason), still work', async () => {
    const hike = appendActivity(ownerSide.doc, { id: 'hike', title: 'Hike', proposedBy: owner.user.id });
    setActivityStatus(hike, 'cancelled', { cancelReason: 'rain' });
    await waitFor(() => find(eveSide.doc, 'hike')?.get('cancelReason') === 'rain', 10_000, 'the cancelled activity at eve');

    find(eveSide.doc, 'hike')!.set('cancelReason', 'eve says so');
    // Created with its time in one update, as the action API could only do with scheduleActivity.
    eveSide.doc.transact(() => {
      appendActivity(eveSide.doc, { id: 'dated', title: 'Dinner', proposedBy: eve.user.id }).set('at', new Date(Date.now() + 86_400_000).toISOString());
    });
    appendActivity(eveSide.doc, { id: 'plain', title: 'Picnic', proposedBy: eve.user.id });

    // The writer converges back; the proposal without a time is the only change anyone sees.
    await waitFor(() => find(ownerSide.doc, 'plain') !== undefined, 10_000, 'the plain proposal at the owner');
    await waitFor(() => find(eveSide.doc, 'hike')?.get('cancelReason') === 'rain' && find(eveSide.doc, 'dated') === undefined, 10_000, 'eve converging back');
    expect(find(ownerSide.doc, 'hike')?.get('cancelReason')).toBe('rain');
    expect(find(ownerSide.doc, 'dated')).toBeUndefined();

    // Reopening clears the reason as part of its own step: reopenActivity's rights suffice.
    eveSide.doc.transact(() => {
      const m = find(eveSide.doc, 'hike')!;
      m.set('status', 'proposed');
      m.delete('cancelReason');
    });
    await waitFor(() => find(ownerSide.doc, 'hike')?.get('status') === 'proposed', 10_000, 'the reopened activity at the owner');
    expect(find(ownerSide.doc, 'hike')?.has('cancelReason')).toBe(false);

    await server.stop();
    const stored = await storedDoc(server.dataDir, collab);
    expect(find(stored, 'hike')?.toJSON()).toMatchObject({ status: 'proposed' });
    expect(find(stored, 'hike')?.has('cancelReason')).toBe(false);
    expect(find(stored, 'dated')).toBeUndefined();
    expect(find(stored, 'plain')?.get('title')).toBe('Picnic');
    server = await startTestServer({ dataDir: server.dataDir });
  }, 60_000);
});
