// Who may see a collaboration: members only. A non-member gets 404 exactly as if it did not exist;
// a member without the needed role gets 403.
import { TrellisError } from '@trellis/schema';
import type { Collaboration, Role } from '@trellis/schema';
import type { Store } from '@trellis/store';

export interface Access {
  collab: Collaboration;
  role: Role;
}

export async function memberAccess(store: Store, collaborationId: string, userId: string): Promise<Access> {
  const m = await store.members.get(collaborationId, userId);
  const collab = m ? await store.collaborations.get(collaborationId) : null;
  if (!m || !collab) throw new TrellisError('not_found', 'collaboration not found');
  return { collab, role: m.role };
}

export async function ownerAccess(store: Store, collaborationId: string, userId: string): Promise<Access> {
  const access = await memberAccess(store, collaborationId, userId);
  if (access.role !== 'owner') throw new TrellisError('forbidden', 'only an owner can do this');
  return access;
}
