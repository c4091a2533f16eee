// Collaborations; creation also writes the owner membership in the same transaction.
import { Collaboration } from '@trellis/schema';
import type { Membership } from '@trellis/schema';
import type { CollaborationRepo } from '../types.ts';
import { parseRecord } from '../parse-record.ts';
import type { Ctx, Stored } from './db.ts';
import { memberDoc, withoutId } from './db.ts';
import { toPage } from '../page.ts';

export const toCollaboration = (d: Stored<Collaboration>) => parseRecord(Collaboration, withoutId(d), `collaboration ${d._id}`);

export function mongoCollaborations({ c, tx }: Ctx): CollaborationRepo {
  return {
    async create(collab) {
      // The owner membership insert emits the `membership` change (collaboration inserts emit none, as in SQLite).
      await tx(async (session) => {
        await c.collaborations.insertOne({ ...collab, _id: collab.id }, { session });
        const m: Membership = { collaborationId: collab.id, userId: collab.ownerId, role: 'owner', addedAt: collab.createdAt, addedBy: null };
        await c.members.insertOne(memberDoc(m), { session });
      });
    },
    async get(id) {
      const d = await c.collaborations.findOne({ _id: id });
      return d ? toCollaboration(d) : null;
    },
    async update(id, patch) {
      // Read-validate-replace in a transaction: a concurrent update makes one of them retry
      // (write conflict), so neither patch is lost. The replace event is the `collaboration` change.
      return tx(async (session) => {
        const d = await c.collaborations.findOne({ _id: id }, { session });
        if (!d) return null;
        const next: Collaboration = { ...toCollaboration(d), ...patch, updatedAt: new Date().toISOString() };
        Collaboration.parse(next);
        await c.collaborations.replaceOne({ _id: id }, next, { session });
        return next;
      });
    },
    async listCheckinEnabled(page) {
      const rows = await c.collaborations
        .find({ 'settings.aiCheckins': true, archived: false, _id: { $gt: page.cursor ?? '' } })
        .sort({ _id: 1 })
        .limit(page.limit + 1)
        .toArray();
      return toPage(rows, page.limit, toCollaboration, (d) => d._id);
    },
  };
}
