// Write the fixtures into a store: each collaboration with fixed ids (so scripted answers can name
// them), its members in joining order, its policy, and its document (messages, activities, notes),
// times relative to `now`. A fixture marked seenBefore also gets yesterday's check-in, whose stored
// state vector makes everything seeded "already seen".
import type { DocHost } from '@trellis/engine';
import { appendActivity, appendMessage, notesOf } from '@trellis/schema';
import type { Collaboration } from '@trellis/schema';
import type { Store } from '@trellis/store';
import { runningCheckin } from '../checkins/claim.ts';
import { localDay } from '../checkins/local-day.ts';
import { encodeStateVectorB64 } from '../prompts/seen-since.ts';
import type { EvalFixture } from './types.ts';

const HOUR = 3_600_000;

export async function seedFixture(store: Store, docs: DocHost, f: EvalFixture, now: Date): Promise<void> {
  const at = (hours: number) => new Date(now.getTime() + hours * HOUR).toISOString();
  const createdAt = at(-24 * 30);
  const collab: Collaboration = {
    id: f.id, title: f.title, ownerId: f.owner, settings: { timeZone: f.timeZone, aiCheckins: true },
    policy: f.policy, rules: [], archived: false, createdAt, updatedAt: createdAt,
  };
  await store.collaborations.create(collab);
  for (const [i, [userId, role]] of Object.entries(f.members).entries()) {
    await store.members.put({ collaborationId: f.id, userId, role, addedAt: new Date(Date.parse(createdAt) + (i + 1) * 1000).toISOString(), addedBy: f.owner });
  }
  const stateVector = await docs.change(f.id, 'eval-seed', (doc) => {
    for (const [i, m] of f.messages.entries()) {
      appendMessage(doc, { id: `msg_${f.id.slice(4)}_${i}`, authorId: m.from, body: m.body, kind: m.from === 'ai' ? 'ai' : 'user', createdAt: at(-m.hoursAgo) });
    }
    for (const a of f.activities) {
      const map = appendActivity(doc, { id: a.id, title: a.title, proposedBy: f.owner, createdAt: at(-a.createdHoursAgo) });
      map.set('status', a.status);
      if (a.atHours !== undefined) map.set('at', at(a.atHours));
      if (a.cancelReason !== undefined) map.set('cancelReason', a.cancelReason);
    }
    if (f.notes) notesOf(doc).insert(0, f.notes);
    return encodeStateVectorB64(doc);
  });
  if (f.seenBefore) {
    const yesterday = new Date(now.getTime() - 24 * HOUR);
    const day = localDay(yesterday, f.timeZone);
    const base = runningCheckin({ collaborationId: f.id, localDay: day, checkinId: `ci_eval_${f.id}_prev` }, yesterday, null);
    await store.checkins.claim(base);
    await store.checkins.save({ ...base, status: 'done', summary: 'Earlier check-in.', completedAt: yesterday.toISOString(), stateVector });
  }
}
