// Reading whole member lists through the paginated store (bounded, so a huge collaboration cannot
// turn one notification into an unbounded scan).
import type { Membership, Role } from '@trellis/schema';
import type { Store } from '@trellis/store';

const PAGE = 100;
const MAX_MEMBERS = 10_000;

export async function allMembers(store: Store, collaborationId: string): Promise<Membership[]> {
  const out: Membership[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.members.list(collaborationId, { cursor, limit: PAGE });
    out.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined && out.length < MAX_MEMBERS);
  return out;
}

export async function membersWithRole(store: Store, collaborationId: string, role: Role): Promise<Membership[]> {
  return (await allMembers(store, collaborationId)).filter((m) => m.role === role);
}
